// settled_http_load: the HTTP load generator. Posts payment executions to a running daemon over
// keep-alive connections and reports, per outcome, counts and latency percentiles (an
// acknowledgement is sent only after the execution's first durable commit).
//
//   settled_http_load --target=127.0.0.1:8080 --connections=64 --requests=200000 [--rate=20000]
//
// Without --rate each connection sends its next request as soon as the previous one is
// answered (closed loop: peak throughput). With --rate the offered load is fixed (open loop):
// request n is due at start + n / rate whatever the daemon does, and its latency counts from
// that due time, so a daemon that falls behind shows it in the latency, not in a lower offered
// rate. Give enough connections that they are never all busy (answers past a bound are fast).
// Outcomes: accepted (201, or 200 for a replay), shed (503 and 429, as admission control
// answers), other statuses, and failures (connection errors and answers slower than --timeout-ms).
// It also reports how late requests were sent (send lag: the generator's own backlog) and the
// accepted p99 counted from the actual send, to tell a slow daemon from a starved generator.
// The last line, "RESULT ...", is for scripts (bench/run-overload.sh). Names carry a run id, so
// runs never collide.

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string host = "127.0.0.1";
  std::string port = "8080";
  int connections = 64;
  long requests = 100000;
  double rate = 0;      // requests per second in total; 0 = closed loop
  double duration = 0;  // seconds; with --rate, requests = rate * duration
  int threads = 1;
  std::chrono::milliseconds timeout{10000};
  std::string state_machine = "payment";  // any that takes the payment input
  std::string method = "pm_card_visa";
};

enum Outcome { kAccepted, kShed503, kShed429, kOtherStatus, kFailed, kOutcomes };
const char* const kOutcomeNames[kOutcomes] = {"accepted", "503", "429", "other-status", "failed"};

struct Shared {
  Options options;
  std::string run_id;
  std::atomic<long> next{0};
  Clock::time_point start;
  std::mutex mutex;                               // guards latencies
  std::vector<double> latencies[kOutcomes];       // microseconds from the due time
  std::vector<double> sent_latencies[kOutcomes];  // microseconds from the actual send
  std::vector<double> lags;  // microseconds a request was sent after its due time
  std::atomic<long> failure_logs{0};

  void record(Outcome outcome, double micros, double sent_micros, double lag_micros) {
    std::lock_guard<std::mutex> lock(mutex);
    latencies[outcome].push_back(micros);
    sent_latencies[outcome].push_back(sent_micros);
    lags.push_back(lag_micros);
  }
};

class Pacer;

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(net::io_context& io, Shared& shared,
             const net::ip::tcp::resolver::results_type& endpoints, Pacer* pacer)
      : stream_(io), shared_(shared), endpoints_(endpoints), pacer_(pacer) {}

  // Closed loop: sends one request after another until all are taken.
  void start_closed_loop() { send_next_closed(); }

  // Open loop: sends request n (due at `due`) now; the pacer hears when it is answered.
  void send(long n, Clock::time_point due);

 private:
  void send_next_closed() {
    const long n = shared_.next++;
    if (n >= shared_.options.requests) return;
    send(n, Clock::now());
  }

  void write() {
    http::async_write(
        stream_, req_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
          if (ec) return self->fail("write", ec);
          self->res_ = {};
          http::async_read(self->stream_, self->buffer_, self->res_,
                           [self](beast::error_code rec, std::size_t) { self->on_read(rec); });
        });
  }

  void on_read(beast::error_code ec) {
    if (ec) return fail("read", ec);
    const unsigned status = res_.result_int();
    const Outcome outcome = status == 201 || status == 200 ? kAccepted
                            : status == 503                ? kShed503
                            : status == 429                ? kShed429
                                                           : kOtherStatus;
    record(outcome);
    if (outcome == kOtherStatus && shared_.failure_logs++ < 5)
      std::cerr << "status " << status << ": " << res_.body() << "\n";
    if (!res_.keep_alive()) reconnect();
    done();
  }

  void fail(const char* what, beast::error_code ec) {
    record(kFailed);
    if (shared_.failure_logs++ < 5) std::cerr << what << ": " << ec.message() << "\n";
    reconnect();
    done();
  }

  void done();

  void reconnect() {
    beast::error_code ignored;
    stream_.socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
    stream_.close();  // the next async_connect opens a fresh socket
    buffer_.clear();
    connected_ = false;
  }

  void record(Outcome outcome) {
    using Micros = std::chrono::duration<double, std::micro>;
    const auto now = Clock::now();
    shared_.record(outcome, Micros(now - due_).count(), Micros(now - sent_).count(),
                   Micros(sent_ - due_).count());
  }

  beast::tcp_stream stream_;
  Shared& shared_;
  net::ip::tcp::resolver::results_type endpoints_;
  Pacer* pacer_;  // null in closed loop
  bool connected_ = false;
  Clock::time_point due_, sent_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> req_;
  http::response<http::string_body> res_;
};

// Open loop, one per thread: request n (of this thread's share: n % threads == index) is due at
// start + n / rate. One timer per thread, not one per connection: at 14,000 requests/s a timer
// per request costs the generator more CPU than the daemon's answer, on the same cores. The
// pacer sleeps until the next due time (at least kMinSleep), then sends every request that is
// due on an idle connection; a connection that comes back while requests are overdue takes the
// next one at once. Latency still counts from each request's own due time.
class Pacer {
 public:
  Pacer(net::io_context& io, Shared& shared, long first, long stride)
      : timer_(io), shared_(shared), next_(first), stride_(stride) {}

  void add(std::shared_ptr<Connection> connection) { idle_.push_back(std::move(connection)); }
  void start() { tick(); }

  void idle(std::shared_ptr<Connection> connection) {
    idle_.push_back(std::move(connection));
    if (next_ < shared_.options.requests && due(next_) <= Clock::now()) send_due(Clock::now());
  }

 private:
  static constexpr std::chrono::microseconds kMinSleep{100};

  Clock::time_point due(long n) const {
    return shared_.start +
           std::chrono::duration_cast<Clock::duration>(
               std::chrono::duration<double>(static_cast<double>(n) / shared_.options.rate));
  }

  void send_due(Clock::time_point now) {
    while (next_ < shared_.options.requests && !idle_.empty() && due(next_) <= now) {
      std::shared_ptr<Connection> connection = std::move(idle_.back());
      idle_.pop_back();
      connection->send(next_, due(next_));
      next_ += stride_;
    }
  }

  void tick() {
    const auto now = Clock::now();
    send_due(now);
    if (next_ >= shared_.options.requests) return;
    timer_.expires_at(std::max(due(next_), now + kMinSleep));
    timer_.async_wait([this](beast::error_code) { tick(); });
  }

  net::steady_timer timer_;
  Shared& shared_;
  long next_;
  const long stride_;
  std::vector<std::shared_ptr<Connection>> idle_;
};

void Connection::send(long n, Clock::time_point due) {
  due_ = due;
  sent_ = Clock::now();
  const std::string id = "load-" + shared_.run_id + "-" + std::to_string(n);
  req_ = {};
  req_.method(http::verb::post);
  req_.target("/v1/executions");
  req_.version(11);
  req_.set(http::field::host, shared_.options.host);
  req_.set(http::field::content_type, "application/json");
  req_.keep_alive(true);
  req_.body() = R"({"stateMachine":")" + shared_.options.state_machine + R"(","name":")" + id +
                R"(","input":{"paymentId":")" + id +
                R"(","customerId":"c-load","amount":1250,"currency":"USD","paymentMethod":")" +
                shared_.options.method + R"("}})";
  req_.prepare_payload();
  // One deadline for connect + write + read: a late answer counts as a failure.
  stream_.expires_after(shared_.options.timeout);
  if (!connected_) {
    stream_.async_connect(endpoints_, [self = shared_from_this()](beast::error_code ec, auto) {
      if (ec) return self->fail("connect", ec);
      self->connected_ = true;
      self->write();
    });
    return;
  }
  write();
}

void Connection::done() {
  if (pacer_) return pacer_->idle(shared_from_this());
  send_next_closed();
}

double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const auto i = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1));
  return sorted[i];
}

int usage() {
  std::cerr << "usage: settled_http_load --target=HOST:PORT [--connections=N] [--requests=N] "
               "[--rate=PER_SECOND [--duration=SECONDS]] [--timeout-ms=N] [--threads=N] "
               "[--payment-method=pm_...] [--state-machine=NAME]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Shared shared;
  Options& o = shared.options;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const auto value = a.substr(a.find('=') + 1);
    if (a.rfind("--target=", 0) == 0) {
      o.host = value.substr(0, value.rfind(':'));
      o.port = value.substr(value.rfind(':') + 1);
    } else if (a.rfind("--connections=", 0) == 0) {
      o.connections = std::stoi(value);
    } else if (a.rfind("--requests=", 0) == 0) {
      o.requests = std::stol(value);
    } else if (a.rfind("--rate=", 0) == 0) {
      o.rate = std::stod(value);
    } else if (a.rfind("--duration=", 0) == 0) {
      o.duration = std::stod(value);
    } else if (a.rfind("--timeout-ms=", 0) == 0) {
      o.timeout = std::chrono::milliseconds(std::stol(value));
    } else if (a.rfind("--threads=", 0) == 0) {
      o.threads = std::stoi(value);
    } else if (a.rfind("--payment-method=", 0) == 0) {
      o.method = value;
    } else if (a.rfind("--state-machine=", 0) == 0) {
      o.state_machine = value;
    } else {
      return usage();
    }
  }
  if (o.duration > 0) {
    if (o.rate <= 0) return usage();
    o.requests = static_cast<long>(o.rate * o.duration);
  }
  shared.run_id = std::to_string(std::random_device{}() % 1000000);
  shared.start = Clock::now() + std::chrono::milliseconds(50);
  // One io_context per thread, each with its share of the connections (and, open loop, of the
  // requests): no locks between threads but the latency record.
  const int threads = std::max(o.threads, 1);
  std::vector<std::unique_ptr<net::io_context>> contexts;
  std::vector<std::unique_ptr<Pacer>> pacers;
  for (int t = 0; t < threads; ++t) {
    contexts.push_back(std::make_unique<net::io_context>(1));
    net::io_context& io = *contexts.back();
    net::ip::tcp::resolver resolver(io);
    const auto endpoints = resolver.resolve(o.host, o.port);
    Pacer* pacer = nullptr;
    if (o.rate > 0) {
      pacers.push_back(std::make_unique<Pacer>(io, shared, t, threads));
      pacer = pacers.back().get();
    }
    for (int c = t; c < o.connections; c += threads) {
      auto connection = std::make_shared<Connection>(io, shared, endpoints, pacer);
      if (pacer)
        pacer->add(std::move(connection));
      else
        connection->start_closed_loop();
    }
    if (pacer) pacer->start();
  }
  std::vector<std::thread> runners;
  for (int t = 1; t < threads; ++t) runners.emplace_back([&contexts, t] { contexts[t]->run(); });
  contexts[0]->run();
  for (auto& t : runners) t.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - shared.start).count();

  for (auto& l : shared.latencies) std::sort(l.begin(), l.end());
  for (auto& l : shared.sent_latencies) std::sort(l.begin(), l.end());
  std::sort(shared.lags.begin(), shared.lags.end());
  const auto count = [&](Outcome k) { return static_cast<long>(shared.latencies[k].size()); };
  std::vector<double> shed = shared.latencies[kShed503];
  shed.insert(shed.end(), shared.latencies[kShed429].begin(), shared.latencies[kShed429].end());
  std::sort(shed.begin(), shed.end());
  const auto& accepted = shared.latencies[kAccepted];
  const double offered = o.rate > 0 ? o.rate : static_cast<double>(o.requests) / seconds;

  std::printf("requests=%ld seconds=%.2f (%s, %d connections)\n", o.requests, seconds,
              o.rate > 0 ? "open loop" : "closed loop", o.connections);
  // Large lags mean this generator (or its CPU share) could not keep the schedule.
  std::printf("  send lag     p50=%.2fms p99=%.2fms\n", percentile(shared.lags, 0.5) / 1000,
              percentile(shared.lags, 0.99) / 1000);
  for (int k = 0; k < kOutcomes; ++k) {
    const auto& l = shared.latencies[k];
    std::printf("  %-12s %8zu  p50=%.2fms p99=%.2fms p99.9=%.2fms max=%.2fms\n", kOutcomeNames[k],
                l.size(), percentile(l, 0.5) / 1000, percentile(l, 0.99) / 1000,
                percentile(l, 0.999) / 1000, l.empty() ? 0.0 : l.back() / 1000);
  }
  std::printf(
      "RESULT offered=%.0f accepted_per_s=%.0f accepted=%ld acc_p50_ms=%.2f acc_p99_ms=%.2f "
      "shed503=%ld shed429=%ld shed_p99_ms=%.2f other_status=%ld failed=%ld "
      "acc_p99_from_send_ms=%.2f send_lag_p99_ms=%.2f\n",
      offered, static_cast<double>(count(kAccepted)) / seconds, count(kAccepted),
      percentile(accepted, 0.5) / 1000, percentile(accepted, 0.99) / 1000, count(kShed503),
      count(kShed429), percentile(shed, 0.99) / 1000, count(kOtherStatus), count(kFailed),
      percentile(shared.sent_latencies[kAccepted], 0.99) / 1000,
      percentile(shared.lags, 0.99) / 1000);
  return count(kOtherStatus) + count(kFailed) == 0 ? 0 : 1;
}
