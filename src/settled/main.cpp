// settled: the daemon. Wiring only: the configuration (config.hpp), the composition root that
// builds the engine and its routes (daemon.hpp), the HTTP and admin listeners, signals, systemd.

#include "actors/state_machines_actor.hpp"
#include "actors/watchdog_actor.hpp"
#include "adapters/admin/admin_server.hpp"
#include "adapters/http/http_server.hpp"
#include "adapters/ops/log.hpp"
#include "settled/config.hpp"
#include "settled/daemon.hpp"

#include <systemd/sd-daemon.h>
#include <caf/all.hpp>

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <thread>

namespace {

using namespace settled;
using adapters::LogLevel;
using app::SettledConfig;

int fail(const std::string& message) {
  std::cerr << "settled: " << message << std::endl;
  return 2;
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
  const std::vector<std::string> args = app::caf_args(argc, argv);
  SettledConfig cfg;
  if (auto err = cfg.parse(args); err) return fail("invalid configuration: " + cfg.render(err));
  if (cfg.cli_helptext_printed) return 0;
  if (auto problem = app::check_config_file(cfg, cfg.options()); !problem.empty())
    return fail(problem);

  std::string host;
  std::uint16_t port = 0;
  LogLevel level;
  if (auto problem = app::validate(cfg, host, port, level); !problem.empty()) return fail(problem);
  adapters::init_logging(level);
  app::resolve_default_paths(cfg);

  // Held to the end: one daemon per data directory, decided before anything in it is opened.
  auto resources = app::DaemonResources::open(cfg);
  if (!resources) return fail(resources.error().message);

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
    app::Daemon daemon(system, cfg, *resources);
    const auto& registered = daemon.registered();
    adapters::HttpServerOptions http_options;
    http_options.host = host;
    http_options.port = port;
    http_options.threads = cfg.http_threads;
    http_options.body_limit = cfg.body_limit;
    http_options.max_connections = cfg.max_connections;
    http_options.max_connections_per_peer = cfg.max_connections_per_peer;
    http_options.header_timeout = std::chrono::milliseconds(cfg.header_timeout_ms);
    http_options.request_deadline = std::chrono::milliseconds(cfg.request_deadline_ms);
    http_options.before_body = daemon.http_header_check();
    auto server = adapters::HttpServer::start(http_options, daemon.http_handler());
    auto admin = adapters::AdminServer::start(
        {cfg.admin_socket, cfg.admin_group, std::size_t{1} << 20}, daemon.admin_handler());
    actors::WatchdogActor watchdog;
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
        auto watchdog_targets = daemon.readiness_targets();
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
                                  {"schedules", cfg.schedules_dir},
                                  {"rules", cfg.rules_dir},
                                  {"stateMachines", daemon.engine()->workflows()->all().size()},
                                  {"resumedExecutions", daemon.resumed_executions()},
                                  {"stripe", cfg.stripe_mode},
                                  {"watchdogSeconds", static_cast<double>(usec) / 1e6}};
      adapters::log(LogLevel::kInfo, "settled.started", started);
      if (daemon.live_stripe()) {
        adapters::log(LogLevel::kInfo, "stripe.live",
                      {{"apiBase", cfg.stripe_api_base.empty() ? std::string("default")
                                                               : cfg.stripe_api_base}});
      } else {
        adapters::log(LogLevel::kWarn, "stripe.simulator",
                      {{"message", "Stripe runs in simulator mode: no real money moves"}});
      }
      if (const auto& mock_config = resources->mock_config)
        adapters::log(LogLevel::kWarn, "mock.enabled",
                      {{"message",
                        "test mode: executions started as NAME#TestCase get mocked task "
                        "responses from mock-config; any Task resource is accepted"},
                       {"file", cfg.mock_config},
                       {"testCases", mock_config->test_case_count()}});
      if (!daemon.api_keys_enabled())
        adapters::log(LogLevel::kWarn, "api.local_only",
                      {{"message",
                        "no api-key-hashes configured: /v1 is open to local clients "
                        "on the loopback address only"}});
      daemon.start_stripe_webhooks(host, (*server)->port());
      std::cout << "settled ready http=" << host << ":" << (*server)->port()
                << " admin=" << cfg.admin_socket << " data=" << cfg.data_dir << std::endl;
      sd_notify(0, "READY=1");

      int signal_number = 0;
      for (;;) {
        sigwait(&signals, &signal_number);
        if (signal_number != SIGHUP) break;
        sd_notify(0, "RELOADING=1");
        app::reload_log_level(args);
        (void)actors::reload_state_machines(daemon.state_machines(), nullptr,
                                            std::chrono::seconds(60));
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
      (void)daemon.drain(timeout);
      while ((*server)->open_sessions() > 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      (*server)->stop();
    }
    if (watchdog) caf::anon_send_exit(watchdog, caf::exit_reason::user_shutdown);
    daemon.stop_actors(std::chrono::seconds(cfg.shutdown_timeout));
  }
  adapters::log(LogLevel::kInfo, "settled.stopped");
  return exit_code;
}
