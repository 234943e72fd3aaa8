// settled: the daemon. Wiring only: configuration, stores, actors, listeners, signals.

#include "actors/accounts_router.hpp"
#include "actors/alerts_actor.hpp"
#include "actors/events_actor.hpp"
#include "actors/executions_actor.hpp"
#include "actors/messages.hpp"
#include "actors/mock_tasks_actor.hpp"
#include "actors/readiness.hpp"
#include "actors/retention_actor.hpp"
#include "actors/state_machines_actor.hpp"
#include "actors/stripe_client_actor.hpp"
#include "actors/stripe_simulator_actor.hpp"
#include "actors/timer_actor.hpp"
#include "actors/watchdog.hpp"
#include "adapters/admin_server.hpp"
#include "adapters/admission.hpp"
#include "adapters/api_keys.hpp"
#include "adapters/data_dir_lock.hpp"
#include "adapters/http_server.hpp"
#include "adapters/log.hpp"
#include "adapters/mock_config_file.hpp"
#include "adapters/stripe_client.hpp"
#include "adapters/webhook_client.hpp"
#include "adapters/workflow_loader.hpp"
#include "api/admin_commands.hpp"
#include "api/http_routes.hpp"

#include <systemd/sd-daemon.h>
#include <boost/asio/ip/address.hpp>
#include <caf/all.hpp>

#include <grp.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <thread>

namespace {

using namespace settled;
using adapters::LogLevel;

#ifndef SETTLED_INSTALL_WORKFLOWS
#define SETTLED_INSTALL_WORKFLOWS "/usr/local/share/settled/workflows"
#endif

class SettledConfig : public caf::actor_system_config {
 public:
  std::string data_dir = "./var";
  std::string http = "127.0.0.1:8080";
  std::string admin_socket;   // default: <data-dir>/settled.sock
  std::string admin_group;    // default: only the daemon's uid and root
  std::string workflows_dir;  // default: ./config/workflows, else the installed ones
  std::size_t http_threads = 1;
  std::size_t body_limit = 1 << 20;
  std::size_t map_size_mib = 4096;
  std::string log_level = "info";
  std::string stripe_mode = "simulator";
  std::string stripe_secret_key;
  std::string stripe_api_base;  // empty: the client's default, Stripe's API
  std::vector<std::string> api_key_hashes;
  std::size_t shutdown_timeout = 10;
  std::string alert_webhook;  // empty: alerts go to the log and the metric only
  std::string alert_webhook_ca_file;
  std::size_t ledger_passivate_seconds = 30;
  std::size_t events_retention_seconds = 7 * 24 * 3600;
  std::size_t history_limit = 25000;
  std::size_t execution_retention_seconds = 0;  // 0: keep closed executions forever
  std::size_t readiness_timeout_ms = 2000;
  std::size_t timer_window_ms = 60000;
  // Overload: shed at the edge instead of queueing (docs/overload.md).
  std::size_t max_in_flight = 32;
  std::size_t max_running_executions = 10000;
  std::size_t min_in_flight = 2;
  std::size_t latency_tolerance_percent = 200;  // 0: the admission bound stays at max-in-flight
  std::size_t max_in_flight_per_client = 0;     // 0: max_in_flight / 2 with API keys, else none
  std::size_t max_connections = 1024;
  std::size_t max_connections_per_peer = 256;
  std::size_t header_timeout_ms = 10000;
  std::size_t request_deadline_ms = 10000;
  std::string mock_config;  // test mode: Step Functions Local's MockConfigFile; empty: off

  SettledConfig() {
    // Work sharing beat work stealing by about 40 % on two cores (bench/engine_bench.cpp):
    // idle stealers spin on each other's queues. `--scheduler.policy=stealing` switches back.
    set("scheduler.policy", caf::atom("sharing"));
    opt_group{custom_options_, "global"}
        .add(data_dir, "data-dir", "directory of the LMDB environment (default ./var)")
        .add(http, "http", "HOST:PORT the HTTP API listens on; port 0 picks a free port")
        .add(admin_socket, "admin-socket",
             "path of the admin Unix socket (default <data-dir>/settled.sock)")
        .add(admin_group, "admin-group",
             "group whose members may use the admin socket (default: none)")
        .add(workflows_dir, "workflows-dir", "directory of NAME.asl.json state machines")
        .add(http_threads, "http-threads", "I/O threads of the HTTP server")
        .add(body_limit, "body-limit", "largest accepted request body in bytes (larger: 413)")
        .add(map_size_mib, "map-size-mib", "LMDB map size in MiB (the most the store can hold)")
        .add(log_level, "log-level", "debug, info, warn or error")
        .add(stripe_mode, "stripe-mode", "simulator (in-process Stripe test mode) or live")
        .add(stripe_secret_key, "stripe-secret-key",
             "Stripe secret key (sk_...); required with stripe-mode=live")
        .add(stripe_api_base, "stripe-api-base",
             "Stripe API base URL (http:// only on loopback, for tests)")
        .add(api_key_hashes, "api-key-hashes",
             "SHA-256 hex of each accepted /v1 API key (empty: local-only mode)")
        .add(alert_webhook, "alert-webhook",
             "http:// or https:// URL that alerts are POSTed to as JSON (retried)")
        .add(alert_webhook_ca_file, "alert-webhook-ca-file",
             "PEM file of extra CAs trusted for an https alert webhook")
        .add(history_limit, "history-limit",
             "most history events an execution may have; past it, it fails (States.Runtime)")
        .add(execution_retention_seconds, "execution-retention-seconds",
             "seconds a closed execution and its history are kept (0: forever)")
        .add(events_retention_seconds, "events-retention-seconds",
             "how long an event nobody waits for yet is kept for a later events.waitFor")
        .add(timer_window_ms, "timer-window-ms",
             "how far ahead durable timers are loaded into memory; later ones are read from the "
             "store as their time comes")
        .add(ledger_passivate_seconds, "ledger-passivate-seconds",
             "seconds an idle account actor lives before it is passivated")
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
        .add(shutdown_timeout, "shutdown-timeout",
             "seconds a SIGTERM may take to drain before the daemon exits regardless");
  }

  const caf::config_option_set& options() const { return custom_options_; }
};

// CAF drops a config-file value of the wrong type, and a misspelt key, without a word. Read the
// file raw and refuse both, naming the option.
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

bool is_loopback(const std::string& host) {
  if (host == "localhost") return true;
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(host, ec);
  return !ec && address.is_loopback();
}

int fail(const std::string& message) {
  std::cerr << "settled: " << message << std::endl;
  return 2;
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

// Every check that can refuse a start, each naming its option. Empty if all is well.
std::string validate(SettledConfig& cfg, std::string& host, std::uint16_t& port, LogLevel& level) {
  if (!adapters::parse_log_level(cfg.log_level, level))
    return invalid("log-level", cfg.log_level, "debug, info, warn, error");
  if (!split_host_port(cfg.http, host, port)) return invalid("http", cfg.http, "HOST:PORT");
  if (cfg.stripe_mode != "simulator" && cfg.stripe_mode != "live")
    return invalid("stripe-mode", cfg.stripe_mode, "simulator or live");
  if (cfg.stripe_mode == "live" && cfg.stripe_secret_key.empty())
    return invalid("stripe-secret-key", "", "required with stripe-mode=live");
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
  if (cfg.history_limit < 100 || cfg.history_limit > 10000000)
    return invalid("history-limit", std::to_string(cfg.history_limit), "100 to 10000000 events");
  if (cfg.events_retention_seconds == 0 || cfg.events_retention_seconds > 366 * 86400)
    return invalid("events-retention-seconds", std::to_string(cfg.events_retention_seconds),
                   "1 second to 366 days");
  if (cfg.ledger_passivate_seconds == 0 || cfg.ledger_passivate_seconds > 86400)
    return invalid("ledger-passivate-seconds", std::to_string(cfg.ledger_passivate_seconds),
                   "1 to 86400 seconds");
  if (!cfg.alert_webhook.empty()) {
    if (auto url = adapters::parse_webhook_url(cfg.alert_webhook); !url)
      return invalid("alert-webhook", cfg.alert_webhook, url.error().message);
    if (auto client = adapters::WebhookClient::create(cfg.alert_webhook, cfg.alert_webhook_ca_file);
        !client)
      return invalid("alert-webhook-ca-file", cfg.alert_webhook_ca_file, client.error().message);
  } else if (!cfg.alert_webhook_ca_file.empty()) {
    return invalid("alert-webhook-ca-file", cfg.alert_webhook_ca_file, "needs alert-webhook");
  }
  for (const auto& hash : cfg.api_key_hashes)
    if (!adapters::ApiKeys::valid_hash(hash))
      return invalid("api-key-hashes", hash, "each must be the 64 hex digits of a SHA-256");
  if (cfg.api_key_hashes.empty() && !is_loopback(host))
    return invalid("http", cfg.http,
                   "a non-loopback address needs api-key-hashes; with no API keys settled only "
                   "listens on loopback");
  return {};
}

std::vector<std::string> caf_args(int argc, char** argv) {
  // "--config=FILE" is CAF's "--config-file=FILE".
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--config=", 0) == 0) arg = "--config-file=" + arg.substr(9);
    args.push_back(std::move(arg));
  }
  return args;
}

// SIGHUP: the log level as the config file and flags now say.
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

// After the first SIGTERM/SIGINT: a second one, or the shutdown deadline, ends the process at
// once. Acknowledged work is durable already, so cutting the drain short loses none of it.
void arm_forced_exit(sigset_t signals, std::chrono::seconds deadline) {
  std::thread([signals, deadline] {
    timespec timeout{static_cast<time_t>(deadline.count()), 0};
    const int sig = sigtimedwait(&signals, nullptr, &timeout);
    adapters::log(LogLevel::kWarn, "settled.forced_exit",
                  {{"reason", sig > 0 ? "second signal" : "shutdown deadline passed"}});
    std::_Exit(sig > 0 ? 128 + sig : 1);
  }).detach();
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args = caf_args(argc, argv);
  SettledConfig cfg;
  if (auto err = cfg.parse(args); err) return fail("invalid configuration: " + cfg.render(err));
  if (cfg.cli_helptext_printed) return 0;
  if (auto problem = check_config_file(cfg, cfg.options()); !problem.empty()) return fail(problem);

  std::string host;
  std::uint16_t port = 0;
  LogLevel level;
  if (auto problem = validate(cfg, host, port, level); !problem.empty()) return fail(problem);
  adapters::init_logging(level);
  if (cfg.admin_socket.empty()) cfg.admin_socket = cfg.data_dir + "/settled.sock";
  if (cfg.workflows_dir.empty())
    cfg.workflows_dir = std::filesystem::is_directory("config/workflows")
                            ? "config/workflows"
                            : SETTLED_INSTALL_WORKFLOWS;

  // One daemon per data directory, decided before anything in it is opened: a second one
  // exits 2 here, having resumed nothing, opened no LMDB and unlinked no socket.
  auto data_dir_lock = adapters::DataDirLock::acquire(cfg.data_dir);
  if (!data_dir_lock) return fail(data_dir_lock.error().message);

  auto workflows = adapters::load_workflows(cfg.workflows_dir);
  if (!workflows) return fail(workflows.error().message);
  std::shared_ptr<const asl::MockConfig> mock_config;
  if (!cfg.mock_config.empty()) {
    auto loaded = adapters::load_mock_config(cfg.mock_config);
    if (!loaded) return fail(loaded.error().message);
    mock_config = std::move(*loaded);
  }

  const std::size_t map_size = cfg.map_size_mib << 20;
  auto db = adapters::LmdbStore::open({cfg.data_dir, map_size, true});
  if (!db) return fail(db.error().message);
  // Live Stripe: the client is made (and its settings checked) before any actor runs.
  const bool live_stripe = cfg.stripe_mode == "live";
  std::shared_ptr<adapters::StripeClient> stripe_client;
  if (live_stripe) {
    adapters::StripeClientOptions stripe_options;
    stripe_options.secret_key = cfg.stripe_secret_key;
    if (!cfg.stripe_api_base.empty()) stripe_options.api_base = cfg.stripe_api_base;
    auto client = adapters::StripeClient::create(stripe_options);
    if (!client)
      return fail("invalid value for stripe-api-base or stripe-secret-key: " +
                  client.error().message);
    stripe_client = *client;
  }
  auto simulator_db =
      adapters::LmdbStore::open({cfg.data_dir + "/stripe-simulator", std::size_t{1} << 30, true});
  if (!simulator_db) return fail(simulator_db.error().message);

  // Signals are taken by sigwait below; block them before any thread starts.
  sigset_t stop_signals, signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  signals = stop_signals;
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  int exit_code = 0;
  {
    caf::actor_system system{cfg};
    auto engine = std::make_shared<actors::Engine>();
    engine->db = *db;
    engine->now = actors::system_now;
    engine->history_limit = static_cast<std::int64_t>(cfg.history_limit);
    engine->max_running_executions = cfg.max_running_executions;
    if (mock_config) {
      engine->mock = mock_config;
      engine->mock_tasks = actors::spawn_mock_tasks(system, mock_config);
    }
    engine->set_workflows(*workflows);  // unversioned, until the stored versions are read
    actors::AlertsOptions alerts_options;
    alerts_options.webhook_url = cfg.alert_webhook;
    alerts_options.webhook_ca_file = cfg.alert_webhook_ca_file;
    engine->alerts = actors::spawn_alerts(system, alerts_options, *db);
    auto store_stats = std::make_shared<actors::StoreStats>();
    actors::StoreOptions store_options;
    store_options.alerts = engine->alerts;  // one alert when commits start failing
    engine->store = actors::spawn_store(system, *db, store_options, store_stats);
    auto simulator_store =
        actors::spawn_store(system, *simulator_db, {}, std::make_shared<actors::StoreStats>());
    if (live_stripe) {
      engine->stripe = actors::spawn_stripe_client(system, stripe_client);
    } else {
      engine->stripe = actors::spawn_stripe_simulator(system, *simulator_db, simulator_store);
    }
    // Every stored version, plus the workflow files that changed since, before any execution
    // resumes: recovering executions find the version they started on.
    auto state_machines = actors::spawn_state_machines(system, engine, {cfg.workflows_dir});
    const auto reload_timeout = std::chrono::seconds(60);
    auto registered = actors::reload_state_machines(state_machines, *workflows, reload_timeout);
    actors::AccountsDeps ledger_deps{*db, engine->store, engine->now, {}};
    ledger_deps.options.passivate_after = std::chrono::seconds(cfg.ledger_passivate_seconds);
    ledger_deps.options.sweep_every = std::min<std::chrono::milliseconds>(
        ledger_deps.options.passivate_after, std::chrono::seconds(5));
    engine->ledger = actors::spawn_accounts(system, std::move(ledger_deps));
    auto executions = actors::spawn_executions(system, engine);
    // Set before any execution runs: executions read engine->timers without a lock.
    engine->timers =
        actors::spawn_timers(system, engine, executions,
                             actors::TimerOptions{std::chrono::milliseconds(cfg.timer_window_ms)});
    actors::EventsOptions events_options;
    events_options.retention = std::chrono::seconds(cfg.events_retention_seconds);
    engine->events = actors::spawn_events(system, engine, executions, events_options);
    caf::actor retention;
    if (cfg.execution_retention_seconds > 0) {
      actors::RetentionOptions retention_options;
      retention_options.keep_closed = std::chrono::seconds(cfg.execution_retention_seconds);
      // A short retention (tests, small disks) is swept at least that often.
      retention_options.sweep_every = std::min<std::chrono::milliseconds>(
          retention_options.sweep_every, retention_options.keep_closed);
      retention = actors::spawn_retention(system, engine, retention_options);
    }
    caf::scoped_actor self{system};

    std::uint64_t resumed = 0;
    if (registered) {
      self->request(executions, caf::infinite, actors::recover_atom::value)
          .receive(
              [&](std::uint64_t n) { resumed = n; },
              [&](caf::error& err) {
                adapters::log(LogLevel::kError, "recovery.failed", {{"cause", system.render(err)}});
              });
    }

    actors::ReadinessTargets readiness_targets;
    readiness_targets.executions = executions;
    readiness_targets.ledger = engine->ledger;
    readiness_targets.store = engine->store;
    readiness_targets.timeout = std::chrono::milliseconds(cfg.readiness_timeout_ms);
    readiness_targets.db = *db;
    readiness_targets.events = engine->events;
    readiness_targets.timers = engine->timers;
    auto readiness = actors::spawn_readiness(system, readiness_targets);
    adapters::ApiKeys keys(cfg.api_key_hashes);
    adapters::HttpServerOptions http_options;
    http_options.host = host;
    http_options.port = port;
    http_options.threads = cfg.http_threads;
    http_options.body_limit = cfg.body_limit;
    http_options.max_connections = cfg.max_connections;
    http_options.max_connections_per_peer = cfg.max_connections_per_peer;
    http_options.header_timeout = std::chrono::milliseconds(cfg.header_timeout_ms);
    http_options.request_deadline = std::chrono::milliseconds(cfg.request_deadline_ms);
    adapters::AdmissionOptions admission_options;
    admission_options.max_in_flight = cfg.max_in_flight;
    admission_options.min_in_flight = cfg.min_in_flight;
    admission_options.latency_tolerance = static_cast<double>(cfg.latency_tolerance_percent) / 100;
    admission_options.max_in_flight_per_client =
        cfg.max_in_flight_per_client > 0 ? cfg.max_in_flight_per_client
        : keys.enabled()                 ? std::max<std::size_t>(cfg.max_in_flight / 2, 1)
                                         : 0;
    // Inside require_api_key: a request without a valid key never takes a slot.
    auto admitted_api = adapters::admit(
        std::make_shared<adapters::Admission>(admission_options),
        adapters::identify_clients(keys.enabled()),
        api::make_http_routes(
            {engine, executions, state_machines, live_stripe ? nullptr : *simulator_db,
             static_cast<std::int64_t>(cfg.events_retention_seconds) * 1000, readiness}));
    auto server = adapters::HttpServer::start(
        http_options, adapters::require_api_key(keys, std::move(admitted_api)));
    auto admin_api =
        api::spawn_admin_commands(system, {engine, executions, store_stats, state_machines});
    auto admin = adapters::AdminServer::start(
        {cfg.admin_socket, cfg.admin_group, std::size_t{1} << 20}, admin_api.handler);
    caf::actor watchdog;
    if (std::uint64_t usec = 0; !registered || !server || !admin) {
      std::cerr << "settled: "
                << (!registered ? "cannot register the workflows: " + registered.error().message
                    : !server   ? server.error().message
                                : admin.error().message)
                << std::endl;
      exit_code = 2;
    } else {
      if (sd_watchdog_enabled(0, &usec) > 0) {
        actors::WatchdogOptions options;
        options.interval = std::chrono::milliseconds(usec / 2000);
        options.timeout = std::chrono::milliseconds(usec / 2000);
        auto watchdog_targets = readiness_targets;
        watchdog_targets.timeout = options.timeout;
        watchdog = actors::spawn_watchdog(
            system, watchdog_targets, options, [] { sd_notify(0, "WATCHDOG=1"); },
            [](const std::string& why) {
              adapters::log(LogLevel::kWarn, "watchdog.missed", {{"cause", why}});
            });
      }
      boost::json::object started{{"dataDir", cfg.data_dir},
                                  {"http", host + ":" + std::to_string((*server)->port())},
                                  {"workflows", cfg.workflows_dir},
                                  {"stateMachines", engine->workflows()->all().size()},
                                  {"resumedExecutions", resumed},
                                  {"stripe", cfg.stripe_mode},
                                  {"watchdogSeconds", static_cast<double>(usec) / 1e6}};
      adapters::log(LogLevel::kInfo, "settled.started", started);
      if (live_stripe) {
        adapters::log(LogLevel::kInfo, "stripe.live",
                      {{"apiBase", cfg.stripe_api_base.empty() ? std::string("default")
                                                               : cfg.stripe_api_base}});
      } else {
        adapters::log(LogLevel::kWarn, "stripe.simulator",
                      {{"message", "Stripe runs in simulator mode: no real money moves"}});
      }
      if (mock_config)
        adapters::log(LogLevel::kWarn, "mock.enabled",
                      {{"message",
                        "test mode: executions started as NAME#TestCase get mocked task "
                        "responses from mock-config; any Task resource is accepted"},
                       {"file", cfg.mock_config},
                       {"testCases", mock_config->test_case_count()}});
      if (!keys.enabled())
        adapters::log(LogLevel::kWarn, "api.local_only",
                      {{"message",
                        "no api-key-hashes configured: /v1 is open to local clients "
                        "on the loopback address only"}});
      std::cout << "settled ready http=" << host << ":" << (*server)->port()
                << " admin=" << cfg.admin_socket << " data=" << cfg.data_dir << std::endl;
      sd_notify(0, "READY=1");

      int signal_number = 0;
      for (;;) {
        sigwait(&signals, &signal_number);
        if (signal_number != SIGHUP) break;
        sd_notify(0, "RELOADING=1");
        reload_log_level(args);
        (void)actors::reload_state_machines(state_machines, nullptr, reload_timeout);
        adapters::log(LogLevel::kInfo, "settled.reloaded",
                      {{"logLevel", adapters::log_level_name(adapters::log_level())}});
        sd_notify(0, "READY=1");
      }

      // Drain: stop accepting, answer what is in flight, then stop the actors in order.
      sd_notify(0, "STOPPING=1");
      const auto timeout = std::chrono::seconds(cfg.shutdown_timeout);
      const auto deadline = std::chrono::steady_clock::now() + timeout;
      arm_forced_exit(stop_signals, timeout + std::chrono::seconds(5));
      adapters::log(LogLevel::kInfo, "settled.stopping", {{"signal", signal_number}});
      (*admin)->stop();
      (*server)->stop_accepting();
      self->request(executions, timeout, actors::drain_atom::value)
          .receive([](bool) {},
                   [](caf::error& err) {
                     adapters::log(LogLevel::kWarn, "drain.incomplete",
                                   {{"cause", caf::to_string(err)}});
                   });
      while ((*server)->open_sessions() > 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      (*server)->stop();
    }
    if (watchdog) self->send_exit(watchdog, caf::exit_reason::user_shutdown);
    self->send_exit(readiness, caf::exit_reason::user_shutdown);
    self->send_exit(admin_api.actor, caf::exit_reason::user_shutdown);
    // No timer fires into a supervisor that is going away.
    self->send_exit(engine->timers, caf::exit_reason::user_shutdown);
    self->send_exit(engine->events, caf::exit_reason::user_shutdown);
    if (retention) self->send_exit(retention, caf::exit_reason::user_shutdown);
    self->send_exit(state_machines, caf::exit_reason::user_shutdown);
    // The supervisor ends after its executions; then an empty commit behind whatever they
    // sent tells us the store has finished the pending group commit.
    self->monitor(executions);
    self->send_exit(executions, caf::exit_reason::user_shutdown);
    self->receive([](const caf::down_msg&) {},
                  caf::after(std::chrono::seconds(cfg.shutdown_timeout)) >>
                      [] { adapters::log(LogLevel::kWarn, "shutdown.executions_slow"); });
    // The ledger answers nothing more; commits its account actors sent are in the store's
    // mailbox already and land before the barrier below.
    self->send_exit(engine->ledger, caf::exit_reason::user_shutdown);
    self->request(engine->store, std::chrono::seconds(cfg.shutdown_timeout),
                  actors::commit_atom::value, WriteBatch{})
        .receive([](actors::StoreReply&) {},
                 [](caf::error& err) {
                   adapters::log(LogLevel::kWarn, "shutdown.store_flush_failed",
                                 {{"cause", caf::to_string(err)}});
                 });
    self->send_exit(engine->stripe, caf::exit_reason::user_shutdown);
    self->send_exit(engine->alerts, caf::exit_reason::user_shutdown);
    if (engine->mock_tasks) self->send_exit(engine->mock_tasks, caf::exit_reason::user_shutdown);
    self->send_exit(engine->store, caf::exit_reason::user_shutdown);
    self->send_exit(simulator_store, caf::exit_reason::user_shutdown);
  }
  adapters::log(LogLevel::kInfo, "settled.stopped");
  return exit_code;
}
