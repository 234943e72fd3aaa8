// settled: the daemon. Wiring only: configuration, stores, actors, listeners, signals.

#include "actors/executions_actor.hpp"
#include "actors/http_api.hpp"
#include "actors/messages.hpp"
#include "actors/stripe_simulator_actor.hpp"
#include "adapters/admin_server.hpp"
#include "adapters/http_server.hpp"
#include "adapters/log.hpp"
#include "adapters/workflow_loader.hpp"

#include <systemd/sd-daemon.h>
#include <caf/all.hpp>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <iostream>

namespace {

using namespace settled;

#ifndef SETTLED_INSTALL_WORKFLOWS
#define SETTLED_INSTALL_WORKFLOWS "/usr/local/share/settled/workflows"
#endif

class SettledConfig : public caf::actor_system_config {
 public:
  std::string data_dir = "./var";
  std::string http = "127.0.0.1:8080";
  std::string admin_socket;   // default: <data-dir>/settled.sock
  std::string workflows_dir;  // default: ./config/workflows, else the installed ones
  std::size_t http_threads = 1;
  std::size_t body_limit = 1 << 20;
  std::size_t map_size_mib = 4096;
  std::string log_level = "info";
  std::string stripe_mode = "simulator";

  SettledConfig() {
    opt_group{custom_options_, "global"}
        .add(data_dir, "data-dir", "directory of the LMDB environment (default ./var)")
        .add(http, "http", "HOST:PORT the HTTP API listens on; port 0 picks a free port")
        .add(admin_socket, "admin-socket",
             "path of the admin Unix socket (default <data-dir>/settled.sock)")
        .add(workflows_dir, "workflows-dir", "directory of NAME.asl.json state machines")
        .add(http_threads, "http-threads", "I/O threads of the HTTP server")
        .add(body_limit, "body-limit", "largest accepted request body in bytes (larger: 413)")
        .add(map_size_mib, "map-size-mib", "LMDB map size in MiB (the most the store can hold)")
        .add(log_level, "log-level", "debug, info, warn or error")
        .add(stripe_mode, "stripe-mode", "simulator (in-process Stripe test mode)");
  }
};

bool split_host_port(const std::string& text, std::string& host, std::uint16_t& port) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  host = text.substr(0, colon);
  try {
    const auto p = std::stoul(text.substr(colon + 1));
    if (p > 65535) return false;
    port = static_cast<std::uint16_t>(p);
  } catch (const std::exception&) {
    return false;
  }
  return true;
}

int fail(const std::string& message) {
  std::cerr << "settled: " << message << std::endl;
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  // "--config=FILE" is CAF's "--config-file=FILE".
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--config=", 0) == 0) arg = "--config-file=" + arg.substr(9);
    args.push_back(std::move(arg));
  }
  SettledConfig cfg;
  if (auto err = cfg.parse(args); err) return fail("invalid configuration: " + cfg.render(err));
  if (cfg.cli_helptext_printed) return 0;

  adapters::LogLevel level;
  if (!adapters::parse_log_level(cfg.log_level, level))
    return fail("invalid value for log-level: \"" + cfg.log_level +
                "\" (debug, info, warn, error)");
  adapters::init_logging(level);
  std::string host;
  std::uint16_t port = 0;
  if (!split_host_port(cfg.http, host, port))
    return fail("invalid value for http: \"" + cfg.http + "\" (HOST:PORT)");
  if (cfg.stripe_mode != "simulator")
    return fail("invalid value for stripe-mode: \"" + cfg.stripe_mode +
                "\" (only simulator is available)");
  if (cfg.admin_socket.empty()) cfg.admin_socket = cfg.data_dir + "/settled.sock";
  if (cfg.workflows_dir.empty())
    cfg.workflows_dir = std::filesystem::is_directory("config/workflows")
                            ? "config/workflows"
                            : SETTLED_INSTALL_WORKFLOWS;

  auto workflows = adapters::load_workflows(cfg.workflows_dir);
  if (!workflows) return fail(workflows.error().message);

  const std::size_t map_size = cfg.map_size_mib << 20;
  auto db = adapters::LmdbStore::open({cfg.data_dir, map_size, true});
  if (!db) return fail(db.error().message);
  auto simulator_db =
      adapters::LmdbStore::open({cfg.data_dir + "/stripe-simulator", std::size_t{1} << 30, true});
  if (!simulator_db) return fail(simulator_db.error().message);

  // Signals are taken by sigwait below; block them before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  int exit_code = 0;
  {
    caf::actor_system system{cfg};
    auto engine = std::make_shared<actors::Engine>();
    engine->db = *db;
    engine->now = actors::system_now;
    engine->set_workflows(*workflows);
    auto store_stats = std::make_shared<actors::StoreStats>();
    engine->store = actors::spawn_store(system, *db, {}, store_stats);
    auto simulator_store =
        actors::spawn_store(system, *simulator_db, {}, std::make_shared<actors::StoreStats>());
    engine->stripe = actors::spawn_stripe_simulator(system, *simulator_db, simulator_store);
    auto executions = actors::spawn_executions(system, engine);

    std::uint64_t resumed = 0;
    {
      caf::scoped_actor self{system};
      self->request(executions, caf::infinite, actors::recover_atom::value)
          .receive([&](std::uint64_t n) { resumed = n; },
                   [&](caf::error& err) {
                     adapters::log(adapters::LogLevel::kError, "recovery.failed",
                                   {{"cause", system.render(err)}});
                   });
    }

    adapters::HttpServerOptions http_options;
    http_options.host = host;
    http_options.port = port;
    http_options.threads = cfg.http_threads;
    http_options.body_limit = cfg.body_limit;
    auto server = adapters::HttpServer::start(
        http_options, actors::make_http_api({engine, executions, *simulator_db}));
    const auto started_at = std::chrono::steady_clock::now();
    auto admin = adapters::AdminServer::start(
        {cfg.admin_socket, "", std::size_t{1} << 20},
        [&system, executions, engine, store_stats, started_at, db = *db](
            const std::string& command, const boost::json::object&, adapters::AdminReply reply) {
          if (command == "ping")
            return reply(boost::json::value(boost::json::object{{"pong", true}}));
          if (command != "status")
            return reply(Error{ErrorCode::kInvalidRequest,
                               "unknown command \"" + command + "\" (known: ping, status)"});
          system.spawn([=](caf::event_based_actor* self) {
            self->request(executions, std::chrono::seconds(5), actors::count_atom::value)
                .then(
                    [=](std::uint64_t running) {
                      const auto usage = db->usage();
                      const auto& s = *engine->stats;
                      boost::json::object result{
                          {"version", "0.1.0"},
                          {"uptimeSeconds", std::chrono::duration_cast<std::chrono::seconds>(
                                                std::chrono::steady_clock::now() - started_at)
                                                .count()},
                          {"ingestion", "accepting"},
                          {"runningExecutions", running},
                          {"executions", boost::json::object{{"started", s.started.load()},
                                                             {"succeeded", s.succeeded.load()},
                                                             {"failed", s.failed.load()}}},
                          {"store",
                           boost::json::object{{"mapSize", usage.map_size},
                                               {"usedBytes", usage.used_bytes},
                                               {"commits", store_stats->commits.load()},
                                               {"operations", store_stats->operations.load()}}}};
                      reply(boost::json::value(std::move(result)));
                    },
                    [=](caf::error& err) {
                      reply(Error{ErrorCode::kTimeout,
                                  "executions supervisor did not answer: " + caf::to_string(err)});
                    });
          });
        });
    if (!server || !admin) {
      std::cerr << "settled: " << (!server ? server.error().message : admin.error().message)
                << std::endl;
      exit_code = 2;
    } else {
      boost::json::object started{{"dataDir", cfg.data_dir},
                                  {"http", host + ":" + std::to_string((*server)->port())},
                                  {"workflows", cfg.workflows_dir},
                                  {"stateMachines", (*workflows)->all().size()},
                                  {"resumedExecutions", resumed},
                                  {"stripe", "simulator"}};
      adapters::log(adapters::LogLevel::kInfo, "settled.started", started);
      adapters::log(adapters::LogLevel::kWarn, "stripe.simulator",
                    {{"message", "Stripe runs in simulator mode: no real money moves"}});
      std::cout << "settled ready http=" << host << ":" << (*server)->port()
                << " admin=" << cfg.admin_socket << " data=" << cfg.data_dir << std::endl;
      sd_notify(0, "READY=1");

      int signal_number = 0;
      sigwait(&signals, &signal_number);
      sd_notify(0, "STOPPING=1");
      adapters::log(adapters::LogLevel::kInfo, "settled.stopping", {{"signal", signal_number}});
      (*server)->stop();
      (*admin)->stop();
    }
    caf::anon_send_exit(executions, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(engine->stripe, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(engine->store, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(simulator_store, caf::exit_reason::user_shutdown);
  }
  adapters::log(adapters::LogLevel::kInfo, "settled.stopped");
  return exit_code;
}
