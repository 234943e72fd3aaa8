#include "settled/config.hpp"

#include "adapters/config/aws_credentials_file.hpp"
#include "adapters/http/api_keys.hpp"
#include "adapters/ops/webhook_client.hpp"
#include "api/sfn/arn.hpp"
#include "domain/time.hpp"

#include <boost/asio/ip/address.hpp>
#include <caf/all.hpp>

#include <grp.h>

#include <algorithm>
#include <filesystem>
#include <thread>

#ifndef SETTLED_INSTALL_WORKFLOWS
#define SETTLED_INSTALL_WORKFLOWS "/usr/local/share/settled/workflows"
#endif

namespace settled::app {

using adapters::LogLevel;

SettledConfig::SettledConfig() {
  // Work sharing beat work stealing by about 40 % on two cores (bench/engine_bench.cpp):
  // idle stealers spin on each other's queues. `--scheduler.policy=stealing` switches back.
  set("scheduler.policy", caf::atom("sharing"));
  // One worker per core (CAF's default is at least four): the store's writer, the alerts and
  // the webhook senders run on threads of their own, and extra workers only take turns on the
  // cores.
  // `--scheduler.max-threads=N` overrides.
  // (Put into the settings: CAF 0.17's set() checks this option through a meta object that
  // the clang fuzz tree sees as null.)
  caf::put(
      content, "scheduler.max-threads",
      static_cast<caf::config_value::integer>(std::max(2u, std::thread::hardware_concurrency())));
  opt_group{custom_options_, "global"}
      .add(data_dir, "data-dir", "directory of the LMDB environment (default ./var)")
      .add(http, "http", "HOST:PORT the HTTP API listens on; port 0 picks a free port")
      .add(admin_socket, "admin-socket",
           "path of the admin Unix socket (default <data-dir>/settled.sock)")
      .add(admin_group, "admin-group",
           "group whose members may use the admin socket (default: none)")
      .add(workflows_dir, "workflows-dir", "directory of NAME.asl.json state machines")
      .add(schedules_dir, "schedules-dir",
           "directory of NAME.json schedules (PUT /v1/schedules bodies) applied at start "
           "(default: ./config/schedules if it exists, else none)")
      .add(rules_dir, "rules-dir",
           "directory of NAME.json event rules (docs/event-rules.md) read at start "
           "(default: ./config/rules if it exists, else none)")
      .add(http_threads, "http-threads", "I/O threads of the HTTP server")
      .add(body_limit, "body-limit", "largest accepted request body in bytes (larger: 413)")
      .add(map_size_mib, "map-size-mib", "LMDB map size in MiB (the most the store can hold)")
      .add(log_level, "log-level", "debug, info, warn or error")
      .add(stripe_mode, "stripe-mode", "simulator (in-process Stripe test mode) or live")
      .add(stripe_secret_key, "stripe-secret-key",
           "Stripe secret key (sk_...); required with stripe-mode=live")
      .add(stripe_api_base, "stripe-api-base",
           "Stripe API base URL (http:// only on loopback, for tests)")
      .add(stripe_max_requests_per_second, "stripe-max-requests-per-second",
           "live mode: requests sent to Stripe per second at most (0: Stripe's default for the "
           "key, 25 in test mode, 100 live)")
      .add(stripe_max_concurrent_requests, "stripe-max-concurrent-requests",
           "live mode: requests open at Stripe at once (the connection pool)")
      .add(stripe_max_queued_requests, "stripe-max-queued-requests",
           "live mode: calls waiting for the rate or a connection; past it one is refused at "
           "once (0: as many as the rate can send in time)")
      .add(stripe_rate_limit_retries, "stripe-rate-limit-retries",
           "live mode: times a call Stripe answered 429 is sent again (same request and "
           "Idempotency-Key) after the pause before the workflow sees Stripe.RateLimitError")
      .add(stripe_webhook_secrets, "stripe-webhook-secrets",
           "signing secrets (whsec_...) of the Stripe webhook endpoint; several while one is "
           "rotated (empty: POST /v1/webhooks/stripe answers NotFound)")
      .add(stripe_webhook_tolerance_seconds, "stripe-webhook-tolerance-seconds",
           "largest difference, in seconds, between a webhook signature's timestamp and now")
      .add(stripe_simulator_payout_delay_seconds, "stripe-simulator-payout-delay-seconds",
           "simulator: seconds a payout stays pending before it is paid (or failed, for Stripe's "
           "failing test bank accounts), on the business clock (0 to 2592000)")
      .add(veriff_mode, "veriff-mode",
           "simulator (in-process Veriff) or live (HTTPS to veriff-base-url, docs/veriff.md)")
      .add(veriff_base_url, "veriff-base-url",
           "live mode: the integration's Veriff API base URL from Veriff's Customer Portal, "
           "e.g. https://stationapi.veriff.com (required; http:// only on loopback, for tests)")
      .add(veriff_ca_file, "veriff-ca-file",
           "live mode: PEM file of extra CAs trusted for veriff-base-url (default: the system's)")
      .add(veriff_max_requests_per_second, "veriff-max-requests-per-second",
           "live mode: requests sent to Veriff per second at most, evenly spaced")
      .add(veriff_max_concurrent_requests, "veriff-max-concurrent-requests",
           "live mode: requests open at Veriff at once (the connection pool)")
      .add(veriff_max_queued_requests, "veriff-max-queued-requests",
           "live mode: calls waiting for the rate or a connection; past it one is refused at "
           "once with Veriff.RateLimitError (0: as many as the rate can send in time)")
      .add(veriff_rate_limit_retries, "veriff-rate-limit-retries",
           "live mode: times a call Veriff answered 429 is sent again after the pause before "
           "the workflow sees Veriff.RateLimitError")
      .add(veriff_request_timeout_ms, "veriff-request-timeout-ms",
           "live mode: milliseconds from a Veriff call to its answer, queueing included; a call "
           "is sent only while half of it is left")
      .add(veriff_api_key, "veriff-api-key",
           "Veriff integration API key (X-AUTH-CLIENT); required with veriff-mode=live; the "
           "simulator's webhooks carry it")
      .add(veriff_shared_secrets, "veriff-shared-secrets",
           "Veriff shared secrets; several while one is rotated; the first signs live requests "
           "(required with veriff-mode=live; empty: POST /v1/webhooks/veriff answers NotFound "
           "and the simulator sends no decision webhooks)")
      .add(veriff_decision_delay_seconds, "veriff-decision-delay-seconds",
           "simulator: seconds from a session's creation to its decision, on the business clock "
           "(0 to 2592000)")
      .add(api_key_hashes, "api-key-hashes",
           "each accepted /v1 API key: <sha256hex> or <identity>:<scope>[,<scope>...]:<sha256hex> "
           "(docs/identities.md; empty: local-only mode)")
      .add(start_scopes, "start-scopes",
           "state machines only a scope may start through the API, each <machine>:<scope> "
           "(docs/identities.md; default: user-registration, direct-transfer, "
           "ledger-reconciliation and webhook-reconciliation need admin)")
      .add(aws_region, "aws-region",
           "the region the Step Functions API's ARNs name and SigV4 requests must be signed "
           "for, e.g. us-east-1 (docs/aws-api.md, docs/aws-auth.md)")
      .add(aws_account_id, "aws-account-id",
           "the 12-digit account id the Step Functions API's ARNs name (docs/aws-api.md)")
      .add(resource_map, "resource-map",
           "AWS resource ARNs definitions may name, each FROM=TO: "
           "arn:aws:lambda:REGION:ACCOUNT:function:NAME=settled:RESOURCE, "
           "arn:aws:sns:REGION:ACCOUNT:TOPIC=settled:alert.raise|settled:notify.send, "
           "arn:aws:dynamodb:REGION:ACCOUNT:table/NAME=KEY[,KEY] (docs/aws-resources.md)")
      .add(aws_credentials_file, "aws-credentials-file",
           "file of AWS access keys for SigV4, one <identity>:<scope>[,<scope>...]:<access-key-id>"
           ":<secret-access-key> a line; must be owned by the daemon's user and mode 600 "
           "(docs/aws-auth.md; empty: no access key)")
      .add(alert_webhook, "alert-webhook",
           "http:// or https:// URL that alerts are POSTed to as JSON (retried)")
      .add(alert_webhook_ca_file, "alert-webhook-ca-file",
           "PEM file of extra CAs trusted for an https alert webhook")
      .add(alert_webhook_secret, "alert-webhook-secret",
           "signs each alert POST with Settled-Signature (HMAC-SHA256, as Stripe signs); "
           "empty: unsigned")
      .add(notification_webhook_url, "notification-webhook-url",
           "http:// or https:// URL each notification is POSTed to, signed, once per id "
           "(docs/notifications.md; empty: inbox only)")
      .add(notification_webhook_secret, "notification-webhook-secret",
           "the notification webhook's signing secret (Settled-Signature); required with "
           "notification-webhook-url")
      .add(notification_webhook_max_attempts, "notification-webhook-max-attempts",
           "attempts of one notification before it goes to the dead letters (1 to 100)")
      .add(notification_webhook_initial_backoff_ms, "notification-webhook-initial-backoff-ms",
           "milliseconds before the first retry; each later one waits twice as long")
      .add(notification_webhook_max_backoff_ms, "notification-webhook-max-backoff-ms",
           "the longest wait between two attempts, in milliseconds")
      .add(notification_webhook_timeout_ms, "notification-webhook-timeout-ms",
           "milliseconds one POST may take, connect to answer")
      .add(notification_webhook_concurrency, "notification-webhook-concurrency",
           "notification POSTs in flight at once (1 to 64)")
      .add(welcome_bonus_hundredths, "welcome-bonus-hundredths",
           "the welcome bonus POST /v1/users grants each new user once, in hundredths of an "
           "hour (HOUR); 0 grants none (docs/users.md)")
      .add(service_completion_auto_confirm_hours, "service-completion-auto-confirm-hours",
           "hours after the provider marks a service complete until service-completion confirms "
           "it for the requester; 0 (the default, the seed's): never, the requester must confirm "
           "(docs/time-bank.md)")
      .add(history_limit, "history-limit",
           "most history events an execution may have; past it, it fails (States.Runtime)")
      .add(execution_retention_seconds, "execution-retention-seconds",
           "seconds a closed execution and its history are kept (0: forever)")
      .add(events_max_kept, "events-max-kept",
           "events kept for executions not yet waiting, past which POST /v1/events refuses one "
           "that would be kept (503 Overloaded; 1 to 10000000)")
      .add(events_retention_seconds, "events-retention-seconds",
           "how long an event nobody waits for yet is kept for a later events.waitFor")
      .add(timer_window_ms, "timer-window-ms",
           "how far ahead durable timers are loaded into memory; later ones are read from the "
           "store as their time comes")
      .add(ledger_passivate_seconds, "ledger-passivate-seconds",
           "seconds an idle account actor lives before it is passivated")
      .add(ledger_fold_from_keys, "ledger-fold-from-keys",
           "ledger account rows kept in memory (and in their log) before a round folds them "
           "into their B-tree")
      .add(readiness_timeout_ms, "readiness-timeout-ms",
           "how long /readyz waits for each of its round trips (supervisor, ledger, events, "
           "timers, a store write)")
      .add(max_in_flight, "max-in-flight",
           "write requests admitted and not yet answered, all clients; past it 503 Overloaded")
      .add(min_in_flight, "min-in-flight",
           "the lowest the adaptive admission bound goes while admitted requests are slow")
      .add(latency_tolerance_percent, "admission-latency-tolerance-percent",
           "admitted requests slower than this percentage of their uncontended latency "
           "lower the admission bound (docs/overload.md); 0 keeps it at max-in-flight")
      .add(max_running_executions, "max-running-executions",
           "execution actors in memory past which a new start gets 503 Overloaded")
      .add(max_in_flight_per_client, "max-in-flight-per-client",
           "the same for one API key (or peer address without keys); past it 429; 0: half "
           "of max-in-flight with api-key-hashes, no per-client bound without")
      .add(max_connections, "max-connections",
           "open HTTP connections; past it a new one gets 503 Overloaded and is closed")
      .add(max_connections_per_peer, "max-connections-per-peer",
           "open HTTP connections from one IP address; past it the same")
      .add(header_timeout_ms, "header-timeout-ms",
           "milliseconds from a request's first byte to the end of its headers")
      .add(request_deadline_ms, "request-deadline-ms",
           "milliseconds a request may wait for its answer; then 504 Timeout")
      .add(mock_config, "mock-config",
           "test mode: a Step Functions Local mock configuration file; executions started "
           "as NAME#TestCase get its mocked task responses (off by default)")
      .add(clock, "clock",
           "system (wall time) or simulated (time stands still until POST /v1/clock/advance "
           "or settlectl clock advance; for tests and demos, refused with stripe-mode=live)")
      .add(clock_start, "clock-start",
           "RFC 3339 time a simulated clock starts at on a new data directory (default: the "
           "wall time); after that it resumes where it was")
      .add(clock_quiet_ms, "clock-quiet-ms",
           "simulated clock: milliseconds without a commit, a timer or an actor started after "
           "a step of an advance before the next step (or the answer)")
      .add(shutdown_timeout, "shutdown-timeout",
           "seconds a SIGTERM may take to drain before the daemon exits regardless");
}

namespace {

bool is_loopback(const std::string& host) {
  if (host == "localhost") return true;
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(host, ec);
  return !ec && address.is_loopback();
}

std::string invalid(const std::string& option, const std::string& value, const std::string& why) {
  return "invalid value for " + option + ": \"" + value + "\" (" + why + ")";
}

std::string check_range(const std::string& option, std::size_t value, std::size_t low,
                        std::size_t high, const std::string& unit) {
  if (value >= low && value <= high) return {};
  return invalid(option, std::to_string(value),
                 std::to_string(low) + " to " + std::to_string(high) + " " + unit);
}

std::string validate_overload(const SettledConfig& cfg) {
  constexpr std::size_t kMany = 1000000;
  for (const auto& problem :
       {check_range("max-in-flight", cfg.max_in_flight, 1, kMany, "requests"),
        check_range("min-in-flight", cfg.min_in_flight, 1, cfg.max_in_flight,
                    "requests (at most max-in-flight)"),
        check_range("admission-latency-tolerance-percent", cfg.latency_tolerance_percent, 0, 100000,
                    "percent (0: off; else over 100)"),
        check_range("max-running-executions", cfg.max_running_executions, 1, kMany, "executions"),
        check_range("max-in-flight-per-client", cfg.max_in_flight_per_client, 0, cfg.max_in_flight,
                    "requests (at most max-in-flight)"),
        check_range("max-connections", cfg.max_connections, 1, kMany, "connections"),
        check_range("max-connections-per-peer", cfg.max_connections_per_peer, 1,
                    cfg.max_connections, "connections (at most max-connections)"),
        check_range("header-timeout-ms", cfg.header_timeout_ms, 1, 600000, "milliseconds"),
        check_range("request-deadline-ms", cfg.request_deadline_ms, 1, 3600000, "milliseconds")})
    if (!problem.empty()) return problem;
  return {};
}

}  // namespace

std::string check_config_file(const SettledConfig& cfg, const caf::config_option_set& options) {
  const std::string& path = cfg.config_file_path;
  if (path.empty() || !std::filesystem::exists(path)) return {};
  auto raw = caf::actor_system_config::parse_config_file(path.c_str());
  if (!raw) return "cannot parse " + path + ": " + caf::to_string(raw.error());
  const auto check = [&](const std::string& category, const std::string& key,
                         const caf::config_value& value) -> std::string {
    const caf::config_option* opt = options.qualified_name_lookup(category, key);
    if (!opt) return path + ": unknown option " + category + "." + key;
    if (opt->check(value))
      return "invalid value for " + key + " in " + path + ": " + caf::to_string(value) +
             " (expected " + std::string(opt->type_name().data(), opt->type_name().size()) + ")";
    return {};
  };
  for (const auto& [name, value] : *raw) {
    const std::string category(name.data(), name.size());
    if (const auto* section = caf::get_if<caf::settings>(&value)) {
      for (const auto& [key, inner] : *section)
        if (auto problem = check(category, std::string(key.data(), key.size()), inner);
            !problem.empty())
          return problem;
    } else if (auto problem = check("global", category, value); !problem.empty()) {
      return problem;
    }
  }
  return {};
}

namespace {

std::string validate_veriff(const SettledConfig& cfg) {
  if (cfg.veriff_mode != "simulator" && cfg.veriff_mode != "live")
    return invalid("veriff-mode", cfg.veriff_mode, "simulator or live");
  if (cfg.veriff_mode == "live") {
    if (cfg.veriff_base_url.empty())
      return invalid("veriff-base-url", "", "required with veriff-mode=live");
    if (cfg.veriff_api_key.empty())
      return invalid("veriff-api-key", "", "required with veriff-mode=live");
    if (cfg.veriff_shared_secrets.empty())
      return invalid("veriff-shared-secrets", "(not shown)",
                     "required with veriff-mode=live: the first signs every request");
  }
  for (const auto& problem :
       {check_range("veriff-max-requests-per-second", cfg.veriff_max_requests_per_second, 1, 10000,
                    "requests per second"),
        check_range("veriff-max-concurrent-requests", cfg.veriff_max_concurrent_requests, 1, 1000,
                    "requests"),
        check_range("veriff-max-queued-requests", cfg.veriff_max_queued_requests, 0, 1000000,
                    "calls (0: what the rate can send in time)"),
        check_range("veriff-rate-limit-retries", cfg.veriff_rate_limit_retries, 0, 10, "retries"),
        check_range("veriff-request-timeout-ms", cfg.veriff_request_timeout_ms, 100, 600000,
                    "milliseconds")})
    if (!problem.empty()) return problem;
  return {};
}

// A simulated clock must never meet real money: a live charge or a live identity check would be
// made, or time out, on a time that is not the world's.
std::string validate_clock(const SettledConfig& cfg) {
  if (cfg.clock != "system" && cfg.clock != "simulated")
    return invalid("clock", cfg.clock, "system or simulated");
  if (cfg.clock == "simulated" && cfg.stripe_mode == "live")
    return invalid("clock", cfg.clock,
                   "a simulated clock is refused with stripe-mode=live: live Stripe keys run on "
                   "the world's time");
  if (cfg.clock == "simulated" && cfg.veriff_mode == "live")
    return invalid("clock", cfg.clock,
                   "a simulated clock is refused with veriff-mode=live: live identity checks run "
                   "on the world's time");
  if (cfg.clock_quiet_ms == 0 || cfg.clock_quiet_ms > 60000)
    return invalid("clock-quiet-ms", std::to_string(cfg.clock_quiet_ms), "1 to 60000 milliseconds");
  if (!cfg.clock_start.empty()) {
    if (cfg.clock != "simulated")
      return invalid("clock-start", cfg.clock_start, "needs clock=simulated");
    if (!parse_timestamp(cfg.clock_start))
      return invalid("clock-start", cfg.clock_start,
                     "an RFC 3339 time such as 2026-01-01T00:00:00Z");
  }
  return {};
}

// docs/notifications.md "Configuration".
// docs/aws-auth.md: the access keys read (and their file's mode checked) here.
std::string validate_aws(SettledConfig& cfg) {
  // docs/aws-resources.md: the resource map definitions' AWS ARNs run through.
  auto map = aws::parse_resource_map(cfg.resource_map);
  if (!map) return "invalid value for resource-map: " + map.error().message;
  cfg.aws_resource_map = std::make_shared<const aws::ResourceMap>(std::move(*map));
  // The region itself is checked with the account id (api/sfn/arn.hpp).
  if (cfg.aws_credentials_file.empty()) {
    cfg.aws_access_keys = std::make_shared<aws::AccessKeys>();
    return {};
  }
  auto keys = adapters::read_aws_credentials_file(cfg.aws_credentials_file);
  if (!keys) return invalid("aws-credentials-file", cfg.aws_credentials_file, keys.error().message);
  // One identity is one party: the scopes its native key grants are the scopes its AWS keys do.
  for (const auto& entry : cfg.api_key_hashes) {
    auto native = adapters::ApiKeys::parse_entry(entry);
    if (!native) continue;  // refused above
    for (const auto& [id, key] : keys->all())
      if (key.caller.identity == native->caller.identity &&
          key.caller.scopes != native->caller.scopes)
        return invalid("aws-credentials-file", cfg.aws_credentials_file,
                       "the identity \"" + key.caller.identity + "\" of access key " + id +
                           " has other scopes in api-key-hashes; one identity has one set of "
                           "scopes");
  }
  cfg.aws_access_keys = std::make_shared<aws::AccessKeys>(std::move(*keys));
  return {};
}

std::string validate_notification_webhook(const SettledConfig& cfg) {
  if (cfg.notification_webhook_url.empty()) {
    if (!cfg.notification_webhook_secret.empty())
      return invalid("notification-webhook-secret", "(not shown)",
                     "needs notification-webhook-url");
  } else {
    if (auto client = adapters::WebhookClient::create(cfg.notification_webhook_url); !client)
      return invalid("notification-webhook-url", cfg.notification_webhook_url,
                     client.error().message);
    if (cfg.notification_webhook_secret.empty() || cfg.notification_webhook_secret.size() > 256)
      return invalid("notification-webhook-secret", "(not shown)",
                     "required with notification-webhook-url: 1 to 256 characters");
  }
  for (const auto& problem :
       {check_range("notification-webhook-max-attempts", cfg.notification_webhook_max_attempts, 1,
                    100, "attempts"),
        check_range("notification-webhook-initial-backoff-ms",
                    cfg.notification_webhook_initial_backoff_ms, 1, 3600000, "milliseconds"),
        check_range("notification-webhook-max-backoff-ms", cfg.notification_webhook_max_backoff_ms,
                    cfg.notification_webhook_initial_backoff_ms, 86400000,
                    "milliseconds, at least the initial backoff"),
        check_range("notification-webhook-timeout-ms", cfg.notification_webhook_timeout_ms, 1,
                    600000, "milliseconds"),
        check_range("notification-webhook-concurrency", cfg.notification_webhook_concurrency, 1, 64,
                    "POSTs")})
    if (!problem.empty()) return problem;
  return {};
}

}  // namespace

bool split_host_port(const std::string& text, std::string& host, std::uint16_t& port) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  try {
    std::size_t used = 0;
    const auto p = std::stoul(text.substr(colon + 1), &used);
    if (p > 65535 || used != text.size() - colon - 1) return false;
    port = static_cast<std::uint16_t>(p);
  } catch (const std::exception&) {
    return false;
  }
  return true;
}

std::string validate(SettledConfig& cfg, std::string& host, std::uint16_t& port, LogLevel& level) {
  if (!adapters::parse_log_level(cfg.log_level, level))
    return invalid("log-level", cfg.log_level, "debug, info, warn, error");
  if (!split_host_port(cfg.http, host, port)) return invalid("http", cfg.http, "HOST:PORT");
  if (cfg.stripe_mode != "simulator" && cfg.stripe_mode != "live")
    return invalid("stripe-mode", cfg.stripe_mode, "simulator or live");
  if (cfg.stripe_mode == "live" && cfg.stripe_secret_key.empty())
    return invalid("stripe-secret-key", "", "required with stripe-mode=live");
  for (const auto& secret : cfg.stripe_webhook_secrets)
    if (secret.empty() || secret.size() > 256)
      return invalid("stripe-webhook-secrets", "(not shown)",
                     "each secret is a non-empty string of at most 256 characters");
  for (const auto& problem :
       {check_range("stripe-max-requests-per-second", cfg.stripe_max_requests_per_second, 0, 10000,
                    "requests per second (0: Stripe's default for the key)"),
        check_range("stripe-max-concurrent-requests", cfg.stripe_max_concurrent_requests, 1, 1000,
                    "requests"),
        check_range("stripe-max-queued-requests", cfg.stripe_max_queued_requests, 0, 1000000,
                    "calls (0: what the rate can send in time)"),
        check_range("stripe-rate-limit-retries", cfg.stripe_rate_limit_retries, 0, 10, "retries")})
    if (!problem.empty()) return problem;
  if (cfg.stripe_simulator_payout_delay_seconds > 30 * 24 * 3600)
    return invalid("stripe-simulator-payout-delay-seconds",
                   std::to_string(cfg.stripe_simulator_payout_delay_seconds), "0 to 2592000");
  if (cfg.stripe_webhook_tolerance_seconds == 0 || cfg.stripe_webhook_tolerance_seconds > 3600)
    return invalid("stripe-webhook-tolerance-seconds",
                   std::to_string(cfg.stripe_webhook_tolerance_seconds), "1 to 3600");
  if (auto problem = validate_veriff(cfg); !problem.empty()) return problem;
  for (const auto& secret : cfg.veriff_shared_secrets)
    if (secret.empty() || secret.size() > 256)
      return invalid("veriff-shared-secrets", "(not shown)",
                     "each secret is a non-empty string of at most 256 characters");
  if (cfg.veriff_decision_delay_seconds > 30 * 24 * 3600)
    return invalid("veriff-decision-delay-seconds",
                   std::to_string(cfg.veriff_decision_delay_seconds), "0 to 2592000");
  if (auto problem = validate_clock(cfg); !problem.empty()) return problem;
  if (cfg.http_threads == 0 || cfg.http_threads > 64)
    return invalid("http-threads", std::to_string(cfg.http_threads), "1 to 64");
  if (cfg.body_limit == 0) return invalid("body-limit", "0", "at least 1 byte");
  if (cfg.map_size_mib == 0 || cfg.map_size_mib > (std::size_t{1} << 30))
    return invalid("map-size-mib", std::to_string(cfg.map_size_mib), "1 MiB to 1 PiB");
  if (cfg.shutdown_timeout == 0 || cfg.shutdown_timeout > 3600)
    return invalid("shutdown-timeout", std::to_string(cfg.shutdown_timeout), "1 to 3600 seconds");
  if (cfg.data_dir.empty()) return invalid("data-dir", "", "a directory");
  // The socket is given to this group (mode 0660): a name that resolves to nothing would leave
  // its members refused with no word why.
  if (!cfg.admin_group.empty() && ::getgrnam(cfg.admin_group.c_str()) == nullptr)
    return invalid("admin-group", cfg.admin_group, "no such group on this machine");
  if (cfg.readiness_timeout_ms < 10 || cfg.readiness_timeout_ms > 60000)
    return invalid("readiness-timeout-ms", std::to_string(cfg.readiness_timeout_ms),
                   "10 to 60000 milliseconds");
  if (auto problem = validate_overload(cfg); !problem.empty()) return problem;
  if (auto problem =
          check_range("timer-window-ms", cfg.timer_window_ms, 100, 3600000, "milliseconds");
      !problem.empty())
    return problem;
  if (cfg.welcome_bonus_hundredths > 100000000)
    return invalid("welcome-bonus-hundredths", std::to_string(cfg.welcome_bonus_hundredths),
                   "0 to 100000000 hundredths of an hour");
  if (cfg.service_completion_auto_confirm_hours > 8760)
    return invalid("service-completion-auto-confirm-hours",
                   std::to_string(cfg.service_completion_auto_confirm_hours),
                   "0 (off) to 8760 hours (a year)");
  if (cfg.history_limit < 100 || cfg.history_limit > 10000000)
    return invalid("history-limit", std::to_string(cfg.history_limit), "100 to 10000000 events");
  if (cfg.events_max_kept == 0 || cfg.events_max_kept > 10000000)
    return invalid("events-max-kept", std::to_string(cfg.events_max_kept), "1 to 10000000");
  if (cfg.events_retention_seconds == 0 || cfg.events_retention_seconds > 366 * 86400)
    return invalid("events-retention-seconds", std::to_string(cfg.events_retention_seconds),
                   "1 second to 366 days");
  if (cfg.ledger_passivate_seconds == 0 || cfg.ledger_passivate_seconds > 86400)
    return invalid("ledger-passivate-seconds", std::to_string(cfg.ledger_passivate_seconds),
                   "1 to 86400 seconds");
  if (cfg.ledger_fold_from_keys == 0 || cfg.ledger_fold_from_keys > 16777216)
    return invalid("ledger-fold-from-keys", std::to_string(cfg.ledger_fold_from_keys),
                   "1 to 16777216 rows");
  if (!cfg.alert_webhook.empty()) {
    if (auto url = adapters::parse_webhook_url(cfg.alert_webhook); !url)
      return invalid("alert-webhook", cfg.alert_webhook, url.error().message);
    if (auto client = adapters::WebhookClient::create(cfg.alert_webhook, cfg.alert_webhook_ca_file);
        !client)
      return invalid("alert-webhook-ca-file", cfg.alert_webhook_ca_file, client.error().message);
  } else if (!cfg.alert_webhook_ca_file.empty()) {
    return invalid("alert-webhook-ca-file", cfg.alert_webhook_ca_file, "needs alert-webhook");
  }
  if (auto problem = validate_notification_webhook(cfg); !problem.empty()) return problem;
  if (cfg.alert_webhook_secret.size() > 256)
    return invalid("alert-webhook-secret", "(not shown)", "at most 256 characters");
  if (!api::sfn::valid_region(cfg.aws_region))
    return invalid("aws-region", cfg.aws_region,
                   "1 to 32 of a-z, 0-9 and -, starting with a letter");
  if (!api::sfn::valid_account(cfg.aws_account_id))
    return invalid("aws-account-id", cfg.aws_account_id, "exactly 12 digits");
  if (auto why = adapters::ApiKeys::check_entries(cfg.api_key_hashes); !why.empty())
    return "invalid value for api-key-hashes: " + why;
  if (auto scopes = identity::parse_start_scopes(cfg.start_scopes); !scopes)
    return "invalid value for start-scopes: " + scopes.error().message;
  if (auto problem = validate_aws(cfg); !problem.empty()) return problem;
  if (cfg.api_key_hashes.empty() && !is_loopback(host))
    return invalid("http", cfg.http,
                   "a non-loopback address needs api-key-hashes; with no API keys settled only "
                   "listens on loopback");
  return {};
}

void resolve_default_paths(SettledConfig& cfg) {
  if (cfg.admin_socket.empty()) cfg.admin_socket = cfg.data_dir + "/settled.sock";
  if (cfg.workflows_dir.empty())
    cfg.workflows_dir = std::filesystem::is_directory("config/workflows")
                            ? "config/workflows"
                            : SETTLED_INSTALL_WORKFLOWS;
  // No installed fallback: a daemon started elsewhere (a test's, a second one) gets no schedule
  // it was not given.
  if (cfg.schedules_dir.empty() && std::filesystem::is_directory("config/schedules"))
    cfg.schedules_dir = "config/schedules";
  if (cfg.rules_dir.empty() && std::filesystem::is_directory("config/rules"))
    cfg.rules_dir = "config/rules";
}

std::vector<std::string> caf_args(int argc, char** argv) {
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--config=", 0) == 0) arg = "--config-file=" + arg.substr(9);
    args.push_back(std::move(arg));
  }
  return args;
}

void reload_log_level(const std::vector<std::string>& args) {
  SettledConfig fresh;
  LogLevel level;
  if (auto err = fresh.parse(args); err || !adapters::parse_log_level(fresh.log_level, level)) {
    adapters::log(
        LogLevel::kError, "reload.log_level_failed",
        {{"cause", err ? fresh.render(err)
                       : invalid("log-level", fresh.log_level, "debug, info, warn, error")}});
    return;
  }
  adapters::set_log_level(level);
}

}  // namespace settled::app
