#include "adapters/http/admission.hpp"

#include "adapters/http/api_keys.hpp"
#include "adapters/ops/metrics.hpp"
#include "domain/error.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace settled::adapters {

namespace {

bool may_write(const std::string& method) {
  return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

HttpResponse refusal(unsigned status, const Error& error, unsigned retry_after) {
  return HttpResponse{status,
                      boost::json::serialize(to_json(error)),
                      "application/json",
                      {{"Retry-After", std::to_string(retry_after)}}};
}

HttpResponse too_many_requests(std::size_t share, unsigned retry_after) {
  return refusal(
      429,
      Error{ErrorCode::kTooManyRequests, "this client already has " + std::to_string(share) +
                                             " requests in flight (its share); retry after " +
                                             std::to_string(retry_after) + " s"},
      retry_after);
}

HttpResponse overloaded(std::size_t bound, std::size_t max_in_flight, unsigned retry_after) {
  const std::string which = bound < max_in_flight
                                ? "adaptive bound; max-in-flight " + std::to_string(max_in_flight)
                                : std::string("max-in-flight");
  return refusal(
      503,
      Error{ErrorCode::kOverloaded,
            "the daemon has " + std::to_string(bound) + " requests in flight (" + which +
                "); nothing was done, retry after " + std::to_string(retry_after) + " s"},
      retry_after);
}

// The 503 names the bound it met, which the adaptive bound moves at most once a window: built
// when the bound moved, copied otherwise (under overload most answers are 503s).
class OverloadedRefusals {
 public:
  explicit OverloadedRefusals(const AdmissionOptions& options) : options_(options) {}

  HttpResponse at(std::size_t bound) const {
    auto built = std::atomic_load(&built_);
    if (!built || built->bound != bound) {
      built = std::make_shared<const Built>(
          Built{bound, overloaded(bound, options_.max_in_flight, options_.retry_after_seconds)});
      std::atomic_store(&built_, built);
    }
    return built->response;
  }

 private:
  struct Built {
    std::size_t bound;
    HttpResponse response;
  };
  const AdmissionOptions options_;
  mutable std::shared_ptr<const Built> built_;  // read and written with std::atomic_load/store
};

// Gives the slot back exactly once: when the request is answered, or when the last copy of
// its responder goes away unanswered (a handler that dropped it must not leak the slot).
class Slot {
 public:
  // `received_at`: when the request reached the daemon (its wait before admission counts, as
  // the client sees it); epoch when unknown, then from now.
  Slot(std::shared_ptr<Admission> admission, std::string client,
       std::chrono::steady_clock::time_point received_at)
      : admission_(std::move(admission)),
        client_(std::move(client)),
        started_at_(received_at == std::chrono::steady_clock::time_point{}
                        ? std::chrono::steady_clock::now()
                        : received_at) {}
  Slot(const Slot&) = delete;
  Slot& operator=(const Slot&) = delete;
  ~Slot() {
    if (!released_.exchange(true)) admission_->release(client_);
  }

  // The request was answered: its latency teaches the adaptive bound.
  void answered() {
    if (!released_.exchange(true))
      admission_->release(client_, std::chrono::steady_clock::now() - started_at_);
  }

 private:
  std::shared_ptr<Admission> admission_;
  std::string client_;
  const std::chrono::steady_clock::time_point started_at_;
  std::atomic<bool> released_{false};
};

}  // namespace

Admission::Admission(AdmissionOptions options)
    : options_(options),
      limit_(ConcurrencyLimitOptions{options.max_in_flight,
                                     std::min(options.min_in_flight, options.max_in_flight),
                                     options.latency_tolerance}) {
  Metrics::instance().http_in_flight_limit(limit_.limit());
}

Admission::Decision Admission::try_admit(const std::string& client) {
  // Reserve first, check after: two racing requests cannot both take the last slot.
  const std::size_t bound = limit_.limit();
  if (in_flight_.fetch_add(1, std::memory_order_relaxed) >= bound) {
    in_flight_.fetch_sub(1, std::memory_order_relaxed);
    limit_.refused();
    Metrics::instance().http_refused("in_flight");
    return {503, bound};
  }
  if (options_.max_in_flight_per_client == 0) return admitted();
  std::lock_guard<std::mutex> lock(clients_mutex_);
  std::size_t& held = per_client_[client];
  if (held >= options_.max_in_flight_per_client) {
    in_flight_.fetch_sub(1, std::memory_order_relaxed);
    limit_.refused();
    Metrics::instance().http_refused("client_share");
    return {429, options_.max_in_flight_per_client};
  }
  ++held;
  return admitted();
}

Admission::Decision Admission::admitted() {
  Metrics::instance().http_in_flight(1);
  return {};
}

void Admission::release(const std::string& client,
                        std::optional<std::chrono::steady_clock::duration> latency) {
  if (options_.max_in_flight_per_client > 0) {
    std::lock_guard<std::mutex> lock(clients_mutex_);
    auto it = per_client_.find(client);
    if (it != per_client_.end() && --it->second == 0) per_client_.erase(it);
  }
  const std::size_t in_flight = in_flight_.fetch_sub(1, std::memory_order_relaxed);
  Metrics::instance().http_in_flight(-1);
  if (!latency) return;
  if (limit_.record(*latency, in_flight, std::chrono::steady_clock::now()))
    Metrics::instance().http_in_flight_limit(limit_.limit());
}

std::string peer_host(const HttpRequest& request) {
  const std::string& address = request.remote_address;
  const auto colon = address.rfind(':');
  return colon == std::string::npos ? address : address.substr(0, colon);
}

ClientIdentity identify_clients(bool by_api_key) {
  if (!by_api_key) return peer_host;
  // Behind require_api_key the key was accepted, so its hash is the configured one.
  return [](const HttpRequest& request) {
    constexpr std::size_t kScheme = 7;  // "Bearer "
    return request.authorization.size() > kScheme
               ? sha256_hex(std::string_view(request.authorization).substr(kScheme))
               : peer_host(request);
  };
}

HttpHandler admit(std::shared_ptr<Admission> admission, ClientIdentity identity,
                  HttpHandler inner) {
  // Refusals are built once (the 503 once per bound it names), copied per refused request.
  const AdmissionOptions& options = admission->options();
  auto overloaded = std::make_shared<const OverloadedRefusals>(options);
  auto too_many = std::make_shared<const HttpResponse>(
      too_many_requests(options.max_in_flight_per_client, options.retry_after_seconds));
  return [admission = std::move(admission), identity = std::move(identity),
          inner = std::move(inner), overloaded = std::move(overloaded),
          too_many = std::move(too_many)](HttpRequest req, HttpResponder respond) {
    if (!may_write(req.method)) return inner(std::move(req), std::move(respond));
    // Who the request counts against matters only for the per-client share; without one the
    // refusal path under overload does not pay for it.
    std::string client = admission->options().max_in_flight_per_client > 0 ? identity(req) : "";
    if (const Admission::Decision decision = admission->try_admit(client);
        decision.refused_with != 0) {
      return respond(decision.refused_with == 429 ? *too_many : overloaded->at(decision.bound));
    }
    auto slot = std::make_shared<Slot>(admission, std::move(client), req.received_at);
    inner(std::move(req), [slot, respond = std::move(respond)](HttpResponse response) {
      slot->answered();
      respond(std::move(response));
    });
  };
}

}  // namespace settled::adapters
