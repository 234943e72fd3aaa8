#pragma once
// Shared pieces of settled's benchmarks: a temporary data directory and the in-process engine
// wired exactly as the daemon wires it (durable LMDB, group commit, Stripe simulator).

#include "actors/engine.hpp"
#include "actors/executions_actor.hpp"
#include "actors/notifications_actor.hpp"
#include "actors/stripe_simulator_actor.hpp"
#include "adapters/config/workflow_loader.hpp"

#include <caf/all.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

namespace settled::bench {

class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "settled-bench-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct InProcessEngine {
  TempDir dir;
  caf::actor_system_config config;
  std::unique_ptr<caf::actor_system> system;
  actors::EnginePtr engine;
  actors::ExecutionsActor executions;
  std::shared_ptr<actors::StoreStats> store_stats = std::make_shared<actors::StoreStats>();

  // `workflows_dir`: the state machines to register (the repository's config/workflows);
  // `data_dir`: where the store lives (a temporary directory, removed afterwards).
  explicit InProcessEngine(std::string workflows_dir = std::string(SETTLED_SOURCE_DIR) +
                                                       "/config/workflows",
                           std::string data_dir = "") {
    const std::string var = data_dir.empty() ? dir.path() + "/var" : data_dir;
    // As the daemon: the sharing scheduler (SETTLED_SCHEDULER=stealing to compare).
    const char* policy = std::getenv("SETTLED_SCHEDULER");
    config.set("scheduler.policy", caf::atom_from_string(policy ? policy : "sharing"));
    // As the daemon: one worker per core (SETTLED_WORKERS=N to compare).
    const char* workers = std::getenv("SETTLED_WORKERS");
    caf::put(config.content, "scheduler.max-threads",
             static_cast<caf::config_value::integer>(
                 workers ? std::atoi(workers)
                         : static_cast<int>(std::max(2u, std::thread::hardware_concurrency()))));
    system = std::make_unique<caf::actor_system>(config);
    auto db = adapters::LmdbStore::open({var, std::size_t{8} << 30, true});
    auto workflows = adapters::load_workflows(workflows_dir);
    if (!db || !workflows) throw std::runtime_error("cannot set up the engine");
    engine = std::make_shared<actors::Engine>();
    engine->db = *db;
    engine->now = actors::system_now;
    engine->set_workflows(*workflows);
    engine->store = actors::spawn_store(*system, *db, {}, store_stats);
    // As the daemon: the simulator's tables in the main store, one commit stream.
    engine->stripe = actors::spawn_stripe_simulator(*system, *db, engine->store);
    // As the daemon without a webhook: the notifications actor drops each outbox row once its
    // notification is durable (a commit of its own that the daemon pays too).
    engine->notifications = actors::spawn_notifications(*system, engine, {});
    executions = actors::spawn_executions(*system, engine);
  }

  ~InProcessEngine() {
    const auto stop = [](const auto& actor) {
      caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
    };
    stop(executions);
    stop(engine->notifications);
    stop(engine->stripe);
    if (engine->mock_tasks) stop(engine->mock_tasks);
    stop(engine->store);
    // Drop every handle first: CAF's shutdown waits for detached actors to be destroyed.
    executions = nullptr;
    engine.reset();
    system.reset();
  }
};

}  // namespace settled::bench
