// A ledger commit that fails fails its whole batch, through the real daemon: an account actor
// commits what its mailbox held as one batch, all or nothing, computed over the batches still
// committing; a failed batch fails every batch computed over it. With the disk
// failing (the EIO shim, tests/support/io_fault_shim.cpp) every operation of a failed batch is
// refused with 503 and leaves no trace; the balances equal exactly what was acknowledged; and
// once the disk works again each refused operation, sent again with its key, applies once.
// Expectations come from what the client sent and what it was told, never from the journal.

#include "integration/io_fault.hpp"
#include "integration/ledger_fixture.hpp"
#include "support/eventually.hpp"

#include <atomic>
#include <set>
#include <sstream>
#include <thread>

namespace settled::testing {
namespace {

namespace json = boost::json;

constexpr const char* kHot = "hot";
constexpr std::int64_t kSeed = 1'000'000;

// One operation on the hot account: a deposit into it, or a transfer out of it to `peer`.
struct Operation {
  std::string key;
  bool deposit = true;
  std::int64_t amount = 0;
  std::string peer;
  unsigned status = 0;  // the answer it got
  std::string error;    // its "error", if refused
};

class LedgerCommitFailure : public LedgerTest {
 protected:
  void SetUp() override {
    daemon_env_ = fault_.env();
    LedgerTest::SetUp();
  }

  static Operation make(const std::string& key, int i) {
    Operation o;
    o.key = key;
    o.deposit = i % 2 == 0;
    o.amount = 100 + i % 50;  // mostly different: a wrong one shows in the sums
    if (!o.deposit) o.peer = "peer-" + std::to_string(i % 5);
    return o;
  }

  static HttpResult send(HttpClient& client, const Operation& o) {
    if (o.deposit)
      return client.post(
          "/v1/accounts/" + std::string(kHot) + "/deposits",
          json::serialize(
              json::object{{"amount", o.amount}, {"currency", "USD"}, {"idempotencyKey", o.key}}));
    return client.post("/v1/ledger/operations",
                       json::serialize(json::object{{"operation", "transfer"},
                                                    {"idempotencyKey", o.key},
                                                    {"parameters",
                                                     {{"from", kHot},
                                                      {"to", o.peer},
                                                      {"amount", o.amount},
                                                      {"currency", "USD"},
                                                      {"kind", "payout"}}}}));
  }

  static void record(Operation& o, const HttpResult& res) {
    o.status = res.status;
    if (res.status >= 400) {
      boost::system::error_code ec;
      auto body = json::parse(res.body, ec);
      if (!ec && body.is_object() && body.as_object().contains("error"))
        o.error = std::string(body.at("error").as_string());
    }
  }

  // Sends every operation at once, one connection each.
  void send_concurrently(std::vector<Operation>& ops) {
    std::vector<std::thread> threads;
    for (auto& o : ops)
      threads.emplace_back([this, &o] {
        HttpClient client("127.0.0.1", port_);
        record(o, send(client, o));
      });
    for (auto& t : threads) t.join();
  }

  // The balances and journal keys that exactly the acknowledged operations make.
  struct Expected {
    std::int64_t hot = kSeed;
    std::map<std::string, std::int64_t> peers;
    std::set<std::string> hot_keys{"seed"};
  };

  static void add(Expected& e, const Operation& o) {
    e.hot += o.deposit ? o.amount : -o.amount;
    if (!o.deposit) e.peers[o.peer] += o.amount;
    e.hot_keys.insert(o.key);
  }

  void expect_ledger(const Expected& e, const std::string& when) {
    EXPECT_EQ(balance(kHot), (std::array<std::int64_t, 3>{e.hot, 0, 0})) << when;
    for (int p = 0; p < 5; ++p) {
      const std::string peer = "peer-" + std::to_string(p);
      const auto it = e.peers.find(peer);
      EXPECT_EQ(balance(peer)[0], it == e.peers.end() ? 0 : it->second) << peer << " " << when;
    }
    std::set<std::string> keys;
    for (const auto& entry : journal(kHot)) keys.insert(std::string(entry.at("id").as_string()));
    EXPECT_EQ(keys, e.hot_keys) << when;
  }

  // "ledger.commit_failed" lines of the hot account: the size of each failed batch.
  std::vector<std::int64_t> failed_batches() {
    std::vector<std::int64_t> sizes;
    std::istringstream lines(daemon_->output());
    for (std::string line; std::getline(lines, line);) {
      if (line.find(R"("event":"ledger.commit_failed")") == std::string::npos) continue;
      const auto value = json::parse(line);
      if (value.at("account") == kHot)
        sizes.push_back(value.at("operations").to_number<std::int64_t>());
    }
    return sizes;
  }

  void heal_and_wait_for_writes() {
    fault_.heal();
    EXPECT_TRUE(eventually([&] { return client_->get("/readyz").status == 200u; },
                           std::chrono::seconds(30), std::chrono::milliseconds(100)));
  }

  // A failing commit takes 300 ms: what arrives meanwhile queues into the account's next batch.
  IoFault fault_{dir_.path() + "/var", dir_.path() + "/eio-on", "", 300};
};

TEST_F(LedgerCommitFailure, EveryOperationOfAFailedBatchIsRefusedAndAppliesOnceWhenResent) {
  ASSERT_EQ(deposit(kHot, kSeed, "seed").status, 201u);
  Expected expected;

  fault_.fail();
  std::vector<Operation> ops;
  for (int i = 0; i < 12; ++i) ops.push_back(make("batch-" + std::to_string(i), i));
  send_concurrently(ops);
  for (const auto& o : ops) {
    EXPECT_EQ(o.status, 503u) << o.key;
    EXPECT_EQ(o.error, "StoreUnavailable") << o.key;
  }
  // Every failed batch says so, with its size: the first commit's, and those computed over it
  // while it was failing (they fail with it, whatever their own commit would have done).
  const auto sizes = failed_batches();
  std::int64_t refused_in_batches = 0;
  for (auto size : sizes) refused_in_batches += size;
  EXPECT_EQ(refused_in_batches, static_cast<std::int64_t>(ops.size()));
  std::string listed;
  for (auto size : sizes) listed += std::to_string(size) + " ";
  RecordProperty("failedBatchSizes", listed);
  // Nothing of them is journaled or moved money.
  expect_ledger(expected, "while failing");

  heal_and_wait_for_writes();
  expect_ledger(expected, "after recovery, before resending");
  for (int round = 0; round < 2; ++round) {
    // The first round applies each once; the second replays each.
    for (auto& o : ops) {
      auto res = send(*client_, o);
      EXPECT_EQ(res.status, round == 0 ? 201u : 200u) << o.key << " " << res.body;
    }
  }
  for (const auto& o : ops) add(expected, o);
  expect_ledger(expected, "after resending");
  reconcile_ok();
}

TEST_F(LedgerCommitFailure, TheBalanceIsExactlyTheAcknowledgedOperations) {
  ASSERT_EQ(deposit(kHot, kSeed, "seed").status, 201u);
  // Eight clients, each sending operations one after the other until the disk, which starts
  // failing while they run, has refused two of them.
  constexpr int kClients = 8, kMostEach = 400;
  std::vector<std::vector<Operation>> per_client(kClients);
  std::atomic<int> acknowledged{0};
  std::vector<std::thread> threads;
  for (int c = 0; c < kClients; ++c)
    threads.emplace_back([this, c, &per_client, &acknowledged] {
      HttpClient client("127.0.0.1", port_);
      auto& ops = per_client[c];
      for (int i = 0, refused = 0; i < kMostEach && refused < 2; ++i) {
        ops.push_back(make("flip-" + std::to_string(c) + "-" + std::to_string(i), c + i));
        record(ops.back(), send(client, ops.back()));
        if (ops.back().status == 201u)
          ++acknowledged;
        else
          ++refused;
      }
    });
  EXPECT_TRUE(eventually([&] { return acknowledged.load() >= 20; }, std::chrono::seconds(30),
                         std::chrono::milliseconds(1)));
  fault_.fail();
  for (auto& t : threads) t.join();

  Expected expected;
  int refused = 0;
  for (const auto& ops : per_client)
    for (const auto& o : ops) {
      if (o.status == 201u) {
        add(expected, o);
      } else {
        EXPECT_EQ(o.status, 503u) << o.key;
        EXPECT_EQ(o.error, "StoreUnavailable") << o.key;
        ++refused;
      }
    }
  RecordProperty("acknowledged", acknowledged.load());
  RecordProperty("refused", refused);
  EXPECT_GE(acknowledged.load(), 20);
  EXPECT_GT(refused, 0) << "the disk never failed under the clients";
  expect_ledger(expected, "while failing");

  heal_and_wait_for_writes();
  expect_ledger(expected, "after recovery");
  // Everything again, same keys: the refused ones apply, the acknowledged ones replay.
  for (auto& ops : per_client)
    for (auto& o : ops) {
      const bool was_acknowledged = o.status == 201u;
      auto res = send(*client_, o);
      EXPECT_EQ(res.status, was_acknowledged ? 200u : 201u) << o.key << " " << res.body;
      if (!was_acknowledged) add(expected, o);
    }
  expect_ledger(expected, "after resending");
  reconcile_ok();
}

}  // namespace
}  // namespace settled::testing
