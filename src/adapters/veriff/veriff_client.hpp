#pragma once
// The live Veriff client (docs/veriff.md "Live mode"): settled:veriff.sessions.create and
// settled:veriff.decision.get over HTTPS, planned by the same table as the simulator
// (domain/veriff/veriff_calls.hpp), with X-AUTH-CLIENT and X-HMAC-SIGNATURE (hex HMAC-SHA256 of
// the body on POST, of the session id on GET: domain/veriff/veriff_signature.hpp), sent by the
// shared downstream client (adapters/downstream/downstream_client.hpp: pool, bounded queue
// with send-by times, rate limit, pause after a 429). Answers become the simulator's
// Veriff.* names.
//
// Veriff takes no idempotency key: a sessions.create that may have reached Veriff and got no
// answer is Veriff.Unknown (a retry may create a second session), never silently sent again;
// decision.get is a read, safe to send again.

#include "adapters/downstream/downstream_client.hpp"
#include "domain/resources/task_outcome.hpp"
#include "domain/result.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace settled::adapters {

struct VeriffClientOptions {
  std::string api_key;        // X-AUTH-CLIENT; required
  std::string shared_secret;  // X-HMAC-SIGNATURE's key; required
  // The integration's API base URL from Veriff's Customer Portal (e.g.
  // https://stationapi.veriff.com); required. http:// only for a loopback fake.
  std::string api_base;
  std::size_t max_connections = 4;             // requests in flight at once; the rest queue
  std::uint32_t max_requests_per_second = 10;  // evenly spaced
  std::size_t max_queued = 0;                  // 0: rate x half the request timeout
  unsigned max_rate_limit_retries = 2;         // 429s answered by sending the call again
  // From the call to its answer, its wait in the queue included; below a task's usual
  // TimeoutSeconds, so the workflow sees a Veriff.* error rather than States.Timeout.
  std::chrono::milliseconds request_timeout{20000};
  // Shorter than Stripe's: a POST on a connection the server closed meanwhile is not resent
  // (no idempotency key), so stale connections are better not reused.
  std::chrono::milliseconds idle_timeout{5000};
  std::size_t io_threads = 1;
  std::string ca_file;  // extra trusted CAs (PEM) besides the system's
  std::string downstream_name = "veriff";
};

class VeriffClient {
 public:
  // kInvalidRequest for a bad or empty base URL, an empty or unprintable API key, an empty
  // shared secret, a zero limit, or an unreadable ca_file.
  static Result<std::shared_ptr<VeriffClient>> create(VeriffClientOptions options);

  VeriffClient(const VeriffClient&) = delete;
  VeriffClient& operator=(const VeriffClient&) = delete;
  ~VeriffClient() = default;

  // Makes the Veriff call `attempt.resource`; `done` runs once, on an io thread. Parameters the
  // call table refuses fail with Veriff.InvalidRequest before anything is sent.
  void make_resource_call(const TaskAttempt& attempt, DownstreamCallback done);

  const DownstreamOptions& limits() const { return downstream_->options(); }
  DownstreamClient::Stats stats() const { return downstream_->stats(); }

 private:
  VeriffClient(VeriffClientOptions options, std::unique_ptr<DownstreamClient> downstream);

  const VeriffClientOptions options_;
  // Last: destroyed first, so no io thread runs a callback into a half-destroyed client.
  const std::unique_ptr<DownstreamClient> downstream_;
};

// What an exchange with Veriff means to a workflow (the live client's outcome hook): 2xx with a
// JSON object is the result; another status its Veriff.* name (veriff::error_for_status) with
// Veriff's error body as the cause (or one in its shape); a failure before anything was sent is
// Veriff.APIConnectionError, one after (no answer, a timeout) Veriff.Unknown.
TaskOutcome veriff_exchange_outcome(const DownstreamConnection::Exchange& exchange,
                                    const DownstreamOptions& options);

}  // namespace settled::adapters
