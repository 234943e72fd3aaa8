#pragma once
// Admission control in front of the engine: a bounded number of write requests in flight
// (admitted, not yet answered), in total and per client. Past a bound the request is refused
// at once on the io thread with 503 Overloaded (the daemon is full) or 429 TooManyRequests
// (this client holds its share), both with Retry-After, so overload sheds instead of queueing
// in actor mailboxes. Reads (GET/HEAD) are not counted: they never enter an actor's mailbox.

#include "adapters/http/concurrency_limit.hpp"
#include "adapters/http/http_message.hpp"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace settled::adapters {

struct AdmissionOptions {
  std::size_t max_in_flight = 16;            // all clients together; past it 503
  std::size_t max_in_flight_per_client = 0;  // one client; past it 429; 0 = no per-client bound
  unsigned retry_after_seconds = 1;          // Retry-After of a refusal
  // The bound in force adapts below max_in_flight with admitted latency (concurrency_limit.hpp):
  // never under min_in_flight; tolerance 0 keeps it at max_in_flight.
  std::size_t min_in_flight = 2;
  double latency_tolerance = 0;
};

// Who a request counts against: the matched API key's hash, or the peer address.
using ClientIdentity = std::function<std::string(const HttpRequest&)>;

class Admission : public std::enable_shared_from_this<Admission> {
 public:
  explicit Admission(AdmissionOptions options);

  // Whether a request was admitted, and if not, the bound it met.
  struct Decision {
    unsigned refused_with = 0;  // 0: admitted; else 503 (the daemon's bound) or 429 (its share)
    std::size_t bound = 0;      // a refusal's: the bound in force then, or the client's share
  };
  // Takes a slot for `client`, or answers why not.
  Decision try_admit(const std::string& client);
  // Gives back the slot try_admit took for `client`; `latency`: from arrival to the answer
  // (none when the request was dropped unanswered).
  void release(const std::string& client,
               std::optional<std::chrono::steady_clock::duration> latency = std::nullopt);

  std::size_t in_flight() const { return in_flight_.load(std::memory_order_relaxed); }
  // The bound in force now: max_in_flight, or lower while admitted requests are slow.
  std::size_t limit() const { return limit_.limit(); }
  // The unloaded p99 the bound is judged against (zero until learnt), for metrics and tests.
  std::chrono::steady_clock::duration baseline() const { return limit_.baseline(); }
  const AdmissionOptions& options() const { return options_; }

 private:
  Decision admitted();

  const AdmissionOptions options_;
  ConcurrencyLimit limit_;
  std::atomic<std::size_t> in_flight_{0};
  std::mutex clients_mutex_;  // only taken when the per-client bound is on
  std::unordered_map<std::string, std::size_t> per_client_;
};

// The peer's address without its port: "127.0.0.1:5412" -> "127.0.0.1".
std::string peer_host(const HttpRequest& request);

// API keys on: the hash of the request's key (call it behind require_api_key). Off: peer_host.
ClientIdentity identify_clients(bool by_api_key);

// Wraps `inner`: every request that may write (any method but GET, HEAD and OPTIONS) holds a
// slot from before `inner` sees it until it is answered (or its responder is dropped).
HttpHandler admit(std::shared_ptr<Admission> admission, ClientIdentity identity, HttpHandler inner);

}  // namespace settled::adapters
