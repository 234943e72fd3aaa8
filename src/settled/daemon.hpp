#pragma once
// The composition root: the running daemon built from its configuration (stores, actors, the
// HTTP route stack with API keys and admission, readiness, the admin API), with no listener and
// no signal handling. main() puts it behind the HTTP and admin servers; a test or a fuzzer builds
// the same engine and router in-process and calls http_handler() directly.

#include "actors/engine.hpp"
#include "actors/readiness_actor.hpp"
#include "actors/store_actor.hpp"
#include "adapters/config/schedule_files.hpp"
#include "adapters/http/http_message.hpp"
#include "adapters/lambda/http_invoke_client.hpp"
#include "adapters/store/data_dir_lock.hpp"
#include "adapters/store/lmdb_store.hpp"
#include "adapters/stripe/stripe_client.hpp"
#include "adapters/veriff/veriff_client.hpp"
#include "api/admin_commands.hpp"
#include "domain/asl/mock_config.hpp"
#include "domain/asl/registry.hpp"
#include "domain/events/event_rules.hpp"
#include "domain/result.hpp"
#include "settled/config.hpp"

#include <boost/json/object.hpp>
#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>

namespace settled::app {

// What the daemon opens before any thread runs, in this order: the data directory's lock (so a
// second daemon on it stops here, having opened nothing), the workflows, the schedule and rule
// files, the mock config, the store (where the schedules' and rules' state machines are checked),
// the live Stripe client (its settings checked), and a Stripe simulator store from before merged
// into the main one. Each refusal's message is what the daemon prints before it exits 2.
struct DaemonResources {
  std::optional<adapters::DataDirLock> data_dir_lock;
  asl::RegistryPtr workflows;
  std::shared_ptr<const asl::MockConfig> mock_config;  // null unless mock-config is set
  // The schedules-dir files, checked (their state machines exist); applied by the Daemon.
  std::vector<adapters::ScheduleFile> config_schedules;
  // The rules-dir files (docs/event-rules.md), checked (their state machines exist).
  std::vector<events::EventRule> event_rules;
  std::shared_ptr<adapters::LmdbStore> db;
  std::shared_ptr<adapters::StripeClient> stripe_client;  // null unless stripe-mode=live
  std::shared_ptr<adapters::VeriffClient> veriff_client;  // null unless veriff-mode=live
  // settled:http.invoke's functions (resource-map entries with a URL); null without any.
  std::shared_ptr<adapters::HttpInvokeClient> http_invoke_client;

  // `cfg` must have been validated and its default paths resolved (config.hpp).
  static Result<DaemonResources> open(const SettledConfig& cfg);
};

class Daemon {
 public:
  // Spawns every actor on `system` over `resources` (which must outlive the daemon), registers
  // the workflows (every stored version first), resumes the executions it finds, and builds the
  // route stack. Registration may fail (registered() says why); the daemon is usable to stop.
  Daemon(caf::actor_system& system, const SettledConfig& cfg, const DaemonResources& resources);
  // Stops the actors (stop_actors) unless that was done already.
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // The public API as the HTTP server serves it: the API-key check, then admission, then the
  // routes (api/http_routes.hpp). Called on any thread; answers through the responder.
  const adapters::HttpHandler& http_handler() const { return http_handler_; }
  // The API-key check on a request's headers, run before its body is read
  // (HttpServerOptions::before_body).
  const adapters::HttpHeaderCheck& http_header_check() const { return http_header_check_; }
  // The admin socket's commands (api/admin_commands.hpp).
  const adapters::AdminHandler& admin_handler() const { return admin_api_.handler; }

  const Result<boost::json::object>& registered() const { return registered_; }
  std::uint64_t resumed_executions() const { return resumed_; }
  const actors::EnginePtr& engine() const { return engine_; }
  const actors::StateMachinesActor& state_machines() const { return state_machines_; }
  const actors::ReadinessTargets& readiness_targets() const { return readiness_targets_; }
  bool live_stripe() const { return live_stripe_; }
  // Once the HTTP listener is bound: the Stripe simulator starts sending its events, signed, to
  // this daemon's own POST /v1/webhooks/stripe (nothing without stripe-webhook-secrets), and the
  // Veriff simulator its decisions to POST /v1/webhooks/veriff (nothing without
  // veriff-shared-secrets).
  void start_stripe_webhooks(const std::string& host, std::uint16_t port);
  bool api_keys_enabled() const { return api_keys_enabled_; }

  // Shutdown (shutdown.cpp). Lets the running executions reach a durable point, at most
  // `timeout`; false (and a warning logged) if they did not all get there.
  bool drain(std::chrono::seconds timeout);
  // Stops every actor in the order that loses nothing: the ones that start work first, then
  // the executions, the ledger, a store flush, the rest, the stores last. Idempotent.
  void stop_actors(std::chrono::seconds timeout);

 private:
  void spawn_actors(const SettledConfig& cfg, const DaemonResources& resources);
  void build_routes(const SettledConfig& cfg, const DaemonResources& resources);

  caf::actor_system& system_;
  std::chrono::seconds shutdown_timeout_;
  bool live_stripe_ = false;
  bool api_keys_enabled_ = false;
  bool stopped_ = false;
  actors::EnginePtr engine_;
  std::shared_ptr<actors::StoreStats> store_stats_;
  actors::StripeSimulatorActor stripe_simulator_;  // unset when Stripe is live
  actors::VeriffSimulatorActor veriff_simulator_;
  actors::StateMachinesActor state_machines_;
  actors::ExecutionsActor executions_;
  actors::RetentionActor retention_;
  actors::ClockActor clock_;  // only with a simulated clock
  actors::SchedulesActor schedules_;
  actors::ReadinessActor readiness_;
  actors::ReadinessTargets readiness_targets_;
  api::AdminCommands admin_api_;
  // The Step Functions API's stop and redrive (api/sfn/execution_ops.cpp): its own admin actor.
  actors::AdminActor aws_admin_;
  adapters::HttpHandler http_handler_;
  adapters::HttpHeaderCheck http_header_check_;
  Result<boost::json::object> registered_{boost::json::object{}};
  std::uint64_t resumed_ = 0;
};

}  // namespace settled::app
