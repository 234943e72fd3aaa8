// settled_http_load: the HTTP load generator. Posts payment executions to a running daemon over
// keep-alive connections and reports acknowledgements per second and ack-latency percentiles
// (an acknowledgement is sent only after the execution's first durable commit).
//
//   settled_http_load --target=127.0.0.1:8080 --connections=64 --requests=200000 [--rate=20000]
//
// Without --rate each connection sends its next request as soon as the previous one is
// answered (closed loop: peak throughput). With --rate the requests are paced to that total
// rate (latency at a given load). Names carry a run id, so runs never collide.

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
  double rate = 0;  // requests per second in total; 0 = closed loop
  int threads = 1;
  std::string state_machine = "payment";  // any that takes the payment input
  std::string method = "pm_card_visa";
};

struct Shared {
  Options options;
  std::string run_id;
  std::atomic<long> next{0};
  std::atomic<long> ok{0}, errors{0};
  Clock::time_point start;
  std::vector<std::vector<double>> latencies;  // per connection, microseconds
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(net::io_context& io, Shared& shared, int index)
      : stream_(io), timer_(io), shared_(shared), index_(index) {}

  void start(const net::ip::tcp::resolver::results_type& endpoints) {
    stream_.async_connect(endpoints, [self = shared_from_this()](beast::error_code ec, auto) {
      if (ec) {
        std::cerr << "connect: " << ec.message() << "\n";
        return;
      }
      self->send_next();
    });
  }

 private:
  void send_next() {
    const long n = shared_.next++;
    if (n >= shared_.options.requests) return;
    if (shared_.options.rate > 0) {
      // Request n is due at start + n / rate: an open-loop schedule, latency from the due time.
      due_ = shared_.start +
             std::chrono::duration_cast<Clock::duration>(
                 std::chrono::duration<double>(static_cast<double>(n) / shared_.options.rate));
      timer_.expires_at(due_);
      timer_.async_wait([self = shared_from_this(), n](beast::error_code) { self->send(n); });
    } else {
      due_ = Clock::now();
      send(n);
    }
  }

  void send(long n) {
    const std::string id = "load-" + shared_.run_id + "-" + std::to_string(n);
    req_ = {};
    req_.method(http::verb::post);
    req_.target("/v1/executions");
    req_.version(11);
    req_.set(http::field::host, shared_.options.host);
    req_.set(http::field::content_type, "application/json");
    req_.keep_alive(true);
    req_.body() = R"({"stateMachine":")" + shared_.options.state_machine + R"(","name":")" + id +
                  R"(","input":{"paymentId":")" +
                  id +
                  R"(","customerId":"c-load","amount":1250,"currency":"USD","paymentMethod":")" +
                  shared_.options.method + R"("}})";
    req_.prepare_payload();
    http::async_write(
        stream_, req_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
          if (ec) return self->fail("write", ec);
          self->res_ = {};
          http::async_read(
              self->stream_, self->buffer_, self->res_, [self](beast::error_code rec, std::size_t) {
                if (rec) return self->fail("read", rec);
                const auto micros =
                    std::chrono::duration<double, std::micro>(Clock::now() - self->due_).count();
                self->shared_.latencies[self->index_].push_back(micros);
                (self->res_.result_int() == 201 ? self->shared_.ok : self->shared_.errors) += 1;
                self->send_next();
              });
        });
  }

  void fail(const char* what, beast::error_code ec) {
    shared_.errors += 1;
    std::cerr << what << ": " << ec.message() << "\n";
  }

  beast::tcp_stream stream_;
  net::steady_timer timer_;
  Shared& shared_;
  int index_;
  Clock::time_point due_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> req_;
  http::response<http::string_body> res_;
};

double percentile(std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const auto i = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1));
  return sorted[i];
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
    } else if (a.rfind("--threads=", 0) == 0) {
      o.threads = std::stoi(value);
    } else if (a.rfind("--payment-method=", 0) == 0) {
      o.method = value;
    } else if (a.rfind("--state-machine=", 0) == 0) {
      o.state_machine = value;
    } else {
      std::cerr << "usage: settled_http_load --target=HOST:PORT [--connections=N] [--requests=N] "
                   "[--rate=PER_SECOND] [--threads=N] [--payment-method=pm_...] "
                   "[--state-machine=NAME]\n";
      return 2;
    }
  }
  shared.run_id = std::to_string(std::random_device{}() % 1000000);
  shared.latencies.resize(static_cast<std::size_t>(o.connections));
  net::io_context io;
  net::ip::tcp::resolver resolver(io);
  const auto endpoints = resolver.resolve(o.host, o.port);
  shared.start = Clock::now() + std::chrono::milliseconds(50);
  for (int c = 0; c < o.connections; ++c)
    std::make_shared<Connection>(io, shared, c)->start(endpoints);
  std::vector<std::thread> threads;
  for (int t = 1; t < o.threads; ++t) threads.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& t : threads) t.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - shared.start).count();

  std::vector<double> all;
  for (auto& l : shared.latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  std::printf("requests=%ld acknowledged(201)=%ld errors=%ld seconds=%.2f throughput=%.0f/s\n",
              o.requests, shared.ok.load(), shared.errors.load(), seconds,
              static_cast<double>(shared.ok.load()) / seconds);
  std::printf(
      "ack latency: p50=%.2fms p90=%.2fms p99=%.2fms p99.9=%.2fms max=%.2fms (%s, %d "
      "connections)\n",
      percentile(all, 0.5) / 1000, percentile(all, 0.9) / 1000, percentile(all, 0.99) / 1000,
      percentile(all, 0.999) / 1000, all.empty() ? 0.0 : all.back() / 1000,
      o.rate > 0 ? "open loop" : "closed loop", o.connections);
  return shared.errors.load() == 0 ? 0 : 1;
}
