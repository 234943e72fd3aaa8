// Overload sheds, it does not queue (docs/overload.md), through the real daemon: the in-flight
// bound (503) and the per-client share (429) answered at once with Retry-After and nothing
// stored; the request deadline (504, the late answer dropped, pipelined answers in order); the
// connection caps, total and per peer address; a slowloris client closed by the header deadline.
//
// Requests are held in flight by a real condition, not a hook: the test takes LMDB's writer
// lock on the daemon's data directory, so the store's next commit (and every start waiting for
// it) stalls until the test lets go.

#include "adapters/http/api_keys.hpp"
#include "integration/daemon_process.hpp"
#include "integration/http_client.hpp"
#include "support/build_paths.hpp"
#include "support/eventually.hpp"
#include "support/temp_dir.hpp"

#include <arpa/inet.h>
#include <lmdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace settled::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Holds LMDB's write lock on a data directory: the daemon's store blocks on its next commit.
class StalledStore {
 public:
  explicit StalledStore(const std::string& path) {
    if (mdb_env_create(&env_) != 0) throw std::runtime_error("mdb_env_create");
    if (int rc = mdb_env_open(env_, path.c_str(), MDB_NOTLS, 0640); rc != 0)
      throw std::runtime_error(std::string("mdb_env_open: ") + mdb_strerror(rc));
    if (int rc = mdb_txn_begin(env_, nullptr, 0, &txn_); rc != 0)
      throw std::runtime_error(std::string("mdb_txn_begin: ") + mdb_strerror(rc));
  }
  StalledStore(const StalledStore&) = delete;
  StalledStore& operator=(const StalledStore&) = delete;
  ~StalledStore() {
    release();
    mdb_env_close(env_);
  }
  void release() {
    if (txn_) mdb_txn_abort(txn_);
    txn_ = nullptr;
  }

 private:
  MDB_env* env_ = nullptr;
  MDB_txn* txn_ = nullptr;
};

// A plain socket, for what a well-behaved client would not do: pick its source address,
// trickle bytes, pipeline, hold a connection open.
class RawConnection {
 public:
  RawConnection(std::uint16_t port, const char* source = nullptr) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw std::runtime_error("socket");
    if (source) {
      sockaddr_in from{};
      from.sin_family = AF_INET;
      ::inet_pton(AF_INET, source, &from.sin_addr);
      if (::bind(fd_, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0)
        throw std::runtime_error("bind to " + std::string(source));
    }
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0)
      throw std::runtime_error("connect");
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;
  ~RawConnection() { ::close(fd_); }

  bool send(std::string_view bytes) {
    return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
           static_cast<ssize_t>(bytes.size());
  }

  // True once the server has closed (EOF or reset), waiting at most `wait`. Drops what it reads.
  bool closed_within(std::chrono::milliseconds wait) {
    const auto until = Clock::now() + wait;
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(std::max<long>(left.count(), 0))) > 0) {
        char buf[4096];
        const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
        if (n <= 0) return true;
        continue;
      }
      if (Clock::now() >= until) return false;
    }
  }

  // Reads one response (status line, headers, Content-Length body); nullopt if the connection
  // ends first or `wait` passes.
  std::optional<HttpResult> read_response(std::chrono::milliseconds wait = 10s) {
    const auto until = Clock::now() + wait;
    for (;;) {
      if (auto parsed = take_response()) return parsed;
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
      if (left.count() <= 0) return std::nullopt;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char buf[4096];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return take_response();
      pending_.append(buf, static_cast<std::size_t>(n));
    }
  }

 private:
  std::optional<HttpResult> take_response() {
    const auto end = pending_.find("\r\n\r\n");
    if (end == std::string::npos) return std::nullopt;
    HttpResult result;
    result.status = static_cast<unsigned>(std::stoul(pending_.substr(9, 3)));
    std::size_t length = 0;
    std::size_t line = pending_.find("\r\n") + 2;
    while (line < end) {
      const auto next = pending_.find("\r\n", line);
      const std::string header = pending_.substr(line, next - line);
      const auto colon = header.find(':');
      std::string name = header.substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string value = header.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
      if (name == "content-length") length = std::stoul(value);
      result.headers.emplace_back(name, value);
      line = next + 2;
    }
    if (pending_.size() < end + 4 + length) return std::nullopt;
    result.body = pending_.substr(end + 4, length);
    pending_.erase(0, end + 4 + length);
    return result;
  }

  int fd_ = -1;
  std::string pending_;
};

std::string start_body(const std::string& name) {
  return boost::json::serialize(
      boost::json::object{{"stateMachine", "payment"},
                          {"name", name},
                          {"input", boost::json::object{{"paymentId", name},
                                                        {"customerId", "c-1"},
                                                        {"amount", 1250},
                                                        {"currency", "USD"},
                                                        {"paymentMethod", "pm_card_visa"}}}});
}

std::string raw_post(const std::string& target, const std::string& body) {
  return "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

class OverloadTest : public ::testing::Test {
 protected:
  void start(std::vector<std::string> extra) {
    std::vector<std::string> args{
        "--data-dir=" + data_dir(), "--http=127.0.0.1:0",
        "--workflows-dir=" + std::string(SETTLED_SOURCE_DIR) + "/config/workflows"};
    args.insert(args.end(), extra.begin(), extra.end());
    daemon_ = std::make_unique<DaemonProcess>(SETTLED_BINARY, args, dir_.path() + "/daemon.log");
    port_ = daemon_->wait_ready();
    client_ = std::make_unique<HttpClient>("127.0.0.1", port_);
  }

  std::string data_dir() const { return dir_.path() + "/var"; }

  // settled_http_in_flight from /metrics.
  long in_flight() {
    const std::string text = client_->get("/metrics").body;
    const std::string name = "\nsettled_http_in_flight ";
    const auto at = text.find(name);
    return at == std::string::npos ? -1 : std::stol(text.substr(at + name.size()));
  }

  void wait_in_flight(long expected) {
    const auto until = Clock::now() + 10s;
    long now = in_flight();
    while (now != expected && Clock::now() < until) {
      std::this_thread::sleep_for(10ms);
      now = in_flight();
    }
    ASSERT_EQ(now, expected) << "settled_http_in_flight did not reach " << expected;
  }

  // POST on a client of its own, in the background (it will wait on the stalled store).
  std::future<HttpResult> post_async(const std::string& target, const std::string& body,
                                     HttpHeaders headers = {}) {
    return std::async(std::launch::async, [this, target, body, headers] {
      HttpClient client("127.0.0.1", port_);
      return client.post(target, body, headers);
    });
  }

  TempDir dir_;
  std::unique_ptr<DaemonProcess> daemon_;
  std::unique_ptr<HttpClient> client_;
  std::uint16_t port_ = 0;
};

void expect_fast_refusal(const HttpResult& res, Clock::duration took, unsigned status,
                         const char* error) {
  EXPECT_EQ(res.status, status) << res.body;
  EXPECT_EQ(res.header("Retry-After"), "1");
  EXPECT_EQ(res.json().at("error").as_string(), error) << res.body;
  // Server-side this is microseconds; the margin is for a busy test machine.
  EXPECT_LT(took, 200ms);
}

TEST_F(OverloadTest, PastTheInFlightBoundWritesGet503AtOnceAndNothingIsStored) {
  start({"--max-in-flight=2"});
  StalledStore stall(data_dir());
  auto first = post_async("/v1/executions", start_body("held-1"));
  auto second = post_async("/v1/executions", start_body("held-2"));
  wait_in_flight(2);

  const auto refused_at = Clock::now();
  const HttpResult refused = client_->post("/v1/executions", start_body("refused-1"));
  expect_fast_refusal(refused, Clock::now() - refused_at, 503, "Overloaded");
  // Every write route is behind the same bound, not only executions.
  const auto deposit_at = Clock::now();
  const HttpResult deposit =
      client_->post("/v1/accounts/u-refused/deposits",
                    R"({"amount":500,"currency":"USD","idempotencyKey":"refused-deposit"})");
  expect_fast_refusal(deposit, Clock::now() - deposit_at, 503, "Overloaded");
  const auto event_at = Clock::now();
  const HttpResult event = client_->post("/v1/events", R"({"type":"x","key":"k","detail":{}})");
  expect_fast_refusal(event, Clock::now() - event_at, 503, "Overloaded");
  // Reads are not writes: they keep being served.
  EXPECT_EQ(client_->get("/healthz").status, 200u);

  stall.release();
  EXPECT_EQ(first.get().status, 201u);
  EXPECT_EQ(second.get().status, 201u);
  wait_in_flight(0);
  EXPECT_EQ(client_->get("/v1/executions/payment:held-1").status, 200u);
  EXPECT_EQ(client_->get("/v1/executions/payment:refused-1").status, 404u);
  const HttpResult journal = client_->get("/v1/accounts/u-refused/journal");
  if (journal.status == 200) {
    EXPECT_TRUE(journal.json().at("entries").as_array().empty()) << journal.body;
  }
  // With room again, the same start is admitted.
  EXPECT_EQ(client_->post("/v1/executions", start_body("refused-1")).status, 201u);
}

// Admission bounds requests; this bounds what they leave running. Two starts held by a stalled
// store fill --max-running-executions=2: a third is refused at once, starts nothing, and a
// replay of a running one is still answered.
TEST_F(OverloadTest, PastTheRunningExecutionsBoundANewStartGets503AndNothingIsStarted) {
  start({"--max-running-executions=2"});
  StalledStore stall(data_dir());
  auto first = post_async("/v1/executions", start_body("run-1"));
  auto second = post_async("/v1/executions", start_body("run-2"));
  wait_in_flight(2);

  const auto refused_at = Clock::now();
  const HttpResult refused = client_->post("/v1/executions", start_body("run-3"));
  expect_fast_refusal(refused, Clock::now() - refused_at, 503, "Overloaded");
  EXPECT_NE(refused.body.find("max-running-executions"), std::string::npos) << refused.body;

  stall.release();
  EXPECT_EQ(first.get().status, 201u);
  EXPECT_EQ(second.get().status, 201u);
  EXPECT_EQ(client_->get("/v1/executions/payment:run-3").status, 404u);
  for (const char* id : {"payment:run-1", "payment:run-2"}) {
    ASSERT_TRUE(eventually([&] {
      const auto res = client_->get(std::string("/v1/executions/") + id);
      return res.status == 200u && res.json().at("status") != "RUNNING";
    })) << id
        << " did not finish";
  }
  // Once they are done there is room again, and the same start is admitted.
  EXPECT_TRUE(eventually(
      [&] { return client_->post("/v1/executions", start_body("run-3")).status == 201u; }));
}

TEST_F(OverloadTest, OneApiKeyPastItsShareGets429WhileAnotherKeyIsAdmitted) {
  const std::string key_a = "key-a-0123456789", key_b = "key-b-0123456789";
  start({"--max-in-flight=4", "--max-in-flight-per-client=2",
         "--api-key-hashes=[\"" + adapters::sha256_hex(key_a) + "\",\"" +
             adapters::sha256_hex(key_b) + "\"]"});
  const HttpHeaders as_a{{"Authorization", "Bearer " + key_a}};
  const HttpHeaders as_b{{"Authorization", "Bearer " + key_b}};
  StalledStore stall(data_dir());
  auto a1 = post_async("/v1/executions", start_body("a-1"), as_a);
  auto a2 = post_async("/v1/executions", start_body("a-2"), as_a);
  wait_in_flight(2);

  const auto at = Clock::now();
  const HttpResult refused = client_->post("/v1/executions", start_body("a-3"), as_a);
  expect_fast_refusal(refused, Clock::now() - at, 429, "TooManyRequests");
  // No key: 401 before admission, never a slot.
  EXPECT_EQ(client_->post("/v1/executions", start_body("nokey")).status, 401u);
  auto b1 = post_async("/v1/executions", start_body("b-1"), as_b);
  wait_in_flight(3);

  stall.release();
  EXPECT_EQ(a1.get().status, 201u);
  EXPECT_EQ(a2.get().status, 201u);
  EXPECT_EQ(b1.get().status, 201u);
  EXPECT_EQ(client_->get("/v1/executions/payment:a-3", as_a).status, 404u);
}

TEST_F(OverloadTest, AHandlerThatDoesNotAnswerInTimeGets504AndPipelinedAnswersStayInOrder) {
  start({"--request-deadline-ms=300"});
  StalledStore stall(data_dir());
  RawConnection connection(port_);
  // Two pipelined requests: the start waits on the stalled store, the read behind it must not
  // overtake it, and must not be answered with the start's late reply.
  ASSERT_TRUE(
      connection.send(raw_post("/v1/executions", start_body("late-1")) +
                      "GET /v1/executions/payment:late-1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
  const auto sent = Clock::now();
  const auto first = connection.read_response();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->status, 504u) << first->body;
  EXPECT_EQ(boost::json::parse(first->body).at("error").as_string(), "Timeout");
  EXPECT_GE(Clock::now() - sent, 250ms);
  const auto second = connection.read_response();
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->status, 404u) << second->body;  // not committed yet: the store is stalled

  // The start still takes effect once the store moves (as the 504 message says); its late
  // answer is dropped: the connection's next answer is for its next request.
  stall.release();
  const auto until = Clock::now() + 10s;
  unsigned status = 0;
  while (status != 200 && Clock::now() < until) {
    ASSERT_TRUE(
        connection.send("GET /v1/executions/payment:late-1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    const auto answer = connection.read_response();
    ASSERT_TRUE(answer.has_value());
    ASSERT_TRUE(answer->status == 200u || answer->status == 404u) << answer->body;
    status = answer->status;
    if (status != 200) std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(status, 200u);
}

TEST_F(OverloadTest, PastTheConnectionCapANewConnectionGets503AndIsClosed) {
  start({"--max-connections=3", "--max-connections-per-peer=3"});
  std::vector<std::unique_ptr<RawConnection>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(std::make_unique<RawConnection>(port_));
    ASSERT_TRUE(held.back()->send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    ASSERT_EQ(held.back()->read_response().value().status, 200u);
  }
  RawConnection extra(port_);
  extra.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  const auto refused = extra.read_response();
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->status, 503u);
  EXPECT_EQ(refused->header("Retry-After"), "1");
  EXPECT_EQ(boost::json::parse(refused->body).at("error").as_string(), "Overloaded");
  EXPECT_TRUE(extra.closed_within(5s));

  // A connection that ends frees its place.
  held.pop_back();
  const auto until = Clock::now() + 10s;
  unsigned status = 0;
  while (status != 200 && Clock::now() < until) {
    RawConnection again(port_);
    again.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    status = again.read_response().value_or(HttpResult{}).status;
    if (status != 200) std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(status, 200u);
}

TEST_F(OverloadTest, PastThePerPeerCapOnlyThatAddressIsRefused) {
  start({"--max-connections=10", "--max-connections-per-peer=2"});
  std::vector<std::unique_ptr<RawConnection>> held;
  for (int i = 0; i < 2; ++i) {
    held.push_back(std::make_unique<RawConnection>(port_, "127.0.0.1"));
    ASSERT_TRUE(held.back()->send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    ASSERT_EQ(held.back()->read_response().value().status, 200u);
  }
  RawConnection third(port_, "127.0.0.1");
  third.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  EXPECT_EQ(third.read_response().value_or(HttpResult{}).status, 503u);
  EXPECT_TRUE(third.closed_within(5s));
  // Another address (all of 127/8 is loopback) still gets in.
  RawConnection other(port_, "127.0.0.2");
  other.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  EXPECT_EQ(other.read_response().value_or(HttpResult{}).status, 200u);
}

TEST_F(OverloadTest, ASlowlorisClientIsClosedByTheHeaderDeadline) {
  start({"--header-timeout-ms=500"});
  RawConnection slow(port_);
  const std::string request =
      "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + std::string(1000, 'a') + "\r\n\r\n";
  // One byte every 20 ms would take 20 s; each byte arrives well inside any per-read timeout.
  const auto began = Clock::now();
  bool closed = false;
  for (char c : request) {
    if (!slow.send(std::string_view(&c, 1)) || slow.closed_within(20ms)) {
      closed = true;
      break;
    }
  }
  const auto took = Clock::now() - began;
  EXPECT_TRUE(closed) << "the trickled request was never cut off";
  EXPECT_GE(took, 400ms);
  EXPECT_LT(took, 5s);
  // The daemon still serves everyone else.
  EXPECT_EQ(client_->get("/healthz").status, 200u);
}

}  // namespace
}  // namespace settled::testing
