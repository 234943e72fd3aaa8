#pragma once
// The daemon's configuration: every option with its default and help text (what --help prints),
// and every check that can refuse a start, each naming its option. main() and the composition
// root (daemon.hpp) read it; tests build one in memory.

#include "adapters/ops/log.hpp"
#include "domain/aws/access_keys.hpp"
#include "domain/aws/sigv4_verify.hpp"
#include "domain/identity/start_scopes.hpp"
#include "domain/resources/aws_resource_map.hpp"

#include <caf/actor_system_config.hpp>
#include <caf/config_option_set.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace settled::app {

class SettledConfig : public caf::actor_system_config {
 public:
  std::string data_dir = "./var";
  std::string http = "127.0.0.1:8080";
  std::string admin_socket;   // default: <data-dir>/settled.sock
  std::string admin_group;    // default: only the daemon's uid and root
  std::string workflows_dir;  // default: ./config/workflows, else the installed ones
  std::string schedules_dir;  // default: ./config/schedules if it exists, else none
  std::string rules_dir;      // default: ./config/rules if it exists, else none
  std::size_t http_threads = 1;
  std::size_t body_limit = 1 << 20;
  std::size_t map_size_mib = 4096;
  std::string log_level = "info";
  std::string stripe_mode = "simulator";
  std::string stripe_secret_key;
  std::string stripe_api_base;  // empty: the client's default, Stripe's API
  // POST /v1/webhooks/stripe: the endpoint's signing secrets (several during a rotation); empty:
  // the route answers NotFound. Never logged.
  std::vector<std::string> stripe_webhook_secrets;
  std::size_t stripe_webhook_tolerance_seconds = 300;
  // How long a simulated payout stays pending (Stripe's standard schedule: two days).
  std::size_t stripe_simulator_payout_delay_seconds = 2 * 24 * 3600;
  // stripe-mode=live only (docs/stripe-client.md "Limits"); the simulator is in-process and
  // not limited. 0: Stripe's default for the key's mode (25/s test, 100/s live).
  std::size_t stripe_max_requests_per_second = 0;
  std::size_t stripe_max_concurrent_requests = 8;
  std::size_t stripe_max_queued_requests = 0;  // 0: what the rate can send in time
  std::size_t stripe_rate_limit_retries = 2;
  // Veriff (docs/veriff.md): "simulator" (in-process) or "live" (the HTTPS client).
  std::string veriff_mode = "simulator";
  std::string veriff_base_url;  // live: the integration's API base URL; required
  std::string veriff_ca_file;   // live: extra trusted CAs (PEM); empty: the system's only
  // veriff-mode=live only (docs/veriff.md "Live mode"), as stripe-* above.
  std::size_t veriff_max_requests_per_second = 10;
  std::size_t veriff_max_concurrent_requests = 4;
  std::size_t veriff_max_queued_requests = 0;  // 0: what the rate can send in time
  std::size_t veriff_rate_limit_retries = 2;
  std::size_t veriff_request_timeout_ms = 20000;
  std::string veriff_api_key;  // X-AUTH-CLIENT of live requests and of the simulator's webhooks
  // POST /v1/webhooks/veriff: the integration's shared secrets (several during a rotation); the
  // live client and the simulator sign with the first. Empty: the route answers NotFound. Never
  // logged.
  std::vector<std::string> veriff_shared_secrets;
  // Simulator: seconds from a session's creation to its decision, on the business clock.
  std::size_t veriff_decision_delay_seconds = 60;
  // Each: <sha256hex> or <identity>:<scope>[,<scope>...]:<sha256hex> (docs/identities.md).
  std::vector<std::string> api_key_hashes;
  // Each: <state machine>:<scope>, a machine only that scope may start through the API
  // (docs/identities.md). Defaults: the workflows behind gated routes and the daemon's schedules.
  std::vector<std::string> start_scopes = identity::default_start_scopes();
  // The Step Functions API (docs/aws-api.md): the region and account its ARNs name; requests
  // must be signed for that region (docs/aws-auth.md), with a key of the file of access keys
  // (owner-only mode; empty: no access key).
  std::string aws_region = "us-east-1";
  std::string aws_account_id = "000000000000";
  std::string aws_credentials_file;
  // Filled by validate() from aws-credentials-file (never null; empty without the file).
  std::shared_ptr<const aws::AccessKeys> aws_access_keys = std::make_shared<aws::AccessKeys>();
  // AWS resource ARNs a definition may name, each FROM=TO (docs/aws-resources.md): a Lambda
  // function to a settled resource, an SNS topic to alert.raise or notify.send, a DynamoDB
  // table to its key attributes.
  std::vector<std::string> resource_map;
  // Filled by validate() from resource-map (never null).
  std::shared_ptr<const aws::ResourceMap> aws_resource_map = std::make_shared<aws::ResourceMap>();
  // What aws::verify_sigv4 takes: the configured region, service "states", 5 minutes of skew.
  aws::SigV4Settings sigv4_settings() const {
    return aws::SigV4Settings{aws_region, "states", aws::kMaxClockSkewSeconds};
  }
  // No key of any kind configured (the daemon then listens on loopback only): the Step
  // Functions API, like /v1, takes every request as Caller::local(), signed or not. With native
  // keys but no AWS key it is not local-only: every AWS request is refused.
  bool aws_local_only() const { return api_key_hashes.empty() && aws_access_keys->empty(); }
  // POST /v1/users: the welcome bonus a new user is granted once (docs/users.md).
  std::size_t welcome_bonus_hundredths = 1000;
  // service-completion: hours until a completion the requester has not confirmed confirms
  // itself; 0: never (the seed's). Written to records settings/service-completion at start.
  std::size_t service_completion_auto_confirm_hours = 0;
  std::size_t shutdown_timeout = 10;
  std::string alert_webhook;  // empty: alerts go to the log and the metric only
  std::string alert_webhook_ca_file;
  std::string alert_webhook_secret;  // set: alerts carry Settled-Signature. Never logged.
  // docs/notifications.md: the notification webhook (empty URL: inbox only).
  std::string notification_webhook_url;
  std::string notification_webhook_secret;  // required with the URL. Never logged.
  std::size_t notification_webhook_max_attempts = 8;
  std::size_t notification_webhook_initial_backoff_ms = 1000;
  std::size_t notification_webhook_max_backoff_ms = 300000;
  std::size_t notification_webhook_timeout_ms = 10000;
  std::size_t notification_webhook_concurrency = 4;
  std::size_t ledger_passivate_seconds = 30;
  std::size_t ledger_fold_from_keys = 262144;
  std::size_t events_retention_seconds = 7 * 24 * 3600;
  // Kept events past which POST /v1/events refuses one that would be kept (docs/engine.md).
  std::size_t events_max_kept = 100000;
  std::size_t history_limit = 25000;
  std::size_t execution_retention_seconds = 0;  // 0: keep closed executions forever
  std::size_t readiness_timeout_ms = 2000;
  std::size_t timer_window_ms = 60000;
  // Overload: shed at the edge instead of queueing (docs/overload.md).
  std::size_t max_in_flight = 16;
  std::size_t min_in_flight = 2;
  std::size_t latency_tolerance_percent = 0;  // 0: the admission bound stays at max-in-flight
  std::size_t max_running_executions = 10000;
  std::size_t max_in_flight_per_client = 0;  // 0: max_in_flight / 2 with API keys, else none
  std::size_t max_connections = 1024;
  std::size_t max_connections_per_peer = 256;
  std::size_t header_timeout_ms = 10000;
  std::size_t request_deadline_ms = 10000;
  std::string mock_config;  // test mode: Step Functions Local's MockConfigFile; empty: off
  // docs/clock.md: "system" (wall time) or "simulated" (stands still until advanced); the
  // simulated clock's first time (RFC 3339; empty: the wall time at the first start).
  std::string clock = "system";
  std::string clock_start;
  std::size_t clock_quiet_ms = 100;  // an advance's step is over after this long with no activity

  SettledConfig();

  const caf::config_option_set& options() const { return custom_options_; }
};

// CAF drops a config-file value of the wrong type, and a misspelt key, without a word. Reads
// the file raw and refuses both, naming the option. Empty if all is well.
std::string check_config_file(const SettledConfig& cfg, const caf::config_option_set& options);

// "HOST:PORT" or "[V6]:PORT" -> host and port; false if it is neither.
bool split_host_port(const std::string& text, std::string& host, std::uint16_t& port);

// Every check that can refuse a start, each naming its option. Empty if all is well; otherwise
// `host`, `port` and `level` are what the http and log-level options say.
std::string validate(SettledConfig& cfg, std::string& host, std::uint16_t& port,
                     adapters::LogLevel& level);

// The defaults that depend on other options or on the working directory: the admin socket in
// the data directory, the workflows in ./config/workflows if there are any, else the installed
// ones; the schedules in ./config/schedules if there are any, else none (an installed daemon
// names its schedules directory: systemd/settled.service).
void resolve_default_paths(SettledConfig& cfg);

// The command line as CAF parses it ("--config=FILE" is CAF's "--config-file=FILE").
std::vector<std::string> caf_args(int argc, char** argv);

// SIGHUP: the log level as the config file and flags now say.
void reload_log_level(const std::vector<std::string>& args);

}  // namespace settled::app
