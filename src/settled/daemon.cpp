#include "settled/daemon.hpp"

#include "actors/accounts_router.hpp"
#include "actors/admin_actor.hpp"
#include "actors/alerts_actor.hpp"
#include "actors/clock_actor.hpp"
#include "actors/events_actor.hpp"
#include "actors/executions_actor.hpp"
#include "actors/messages.hpp"
#include "actors/mock_tasks_actor.hpp"
#include "actors/notifications_actor.hpp"
#include "actors/retention_actor.hpp"
#include "actors/schedules_actor.hpp"
#include "actors/state_machines_actor.hpp"
#include "actors/stripe_client_actor.hpp"
#include "actors/stripe_simulator_actor.hpp"
#include "actors/timer_actor.hpp"
#include "actors/veriff_client_actor.hpp"
#include "actors/veriff_simulator_actor.hpp"
#include "adapters/config/mock_config_file.hpp"
#include "adapters/config/rule_files.hpp"
#include "adapters/config/workflow_loader.hpp"
#include "adapters/http/admission.hpp"
#include "adapters/http/api_keys.hpp"
#include "adapters/ops/log.hpp"
#include "adapters/store/child_name_salt.hpp"
#include "adapters/store/ledger_layout_migration.hpp"
#include "adapters/store/lmdb_store.hpp"
#include "adapters/store/simulator_store_merge.hpp"
#include "api/before_body.hpp"
#include "api/http_routes.hpp"
#include "domain/storage_keys.hpp"
#include "domain/time.hpp"
#include "domain/write_batch.hpp"

#include <boost/json/serialize.hpp>

#include <caf/all.hpp>

#include <algorithm>
#include <utility>

namespace settled::app {

using adapters::LogLevel;

Result<DaemonResources> DaemonResources::open(const SettledConfig& cfg) {
  DaemonResources resources;
  auto lock = adapters::DataDirLock::acquire(cfg.data_dir);
  if (!lock) return lock.error();
  resources.data_dir_lock.emplace(std::move(*lock));

  auto workflows = adapters::load_workflows(cfg.workflows_dir, cfg.aws_resource_map);
  if (!workflows) return workflows.error();
  resources.workflows = std::move(*workflows);
  if (!cfg.schedules_dir.empty()) {
    auto schedules = adapters::load_schedule_files(cfg.schedules_dir);
    if (!schedules) return schedules.error();
    resources.config_schedules = std::move(*schedules);
  }
  if (!cfg.rules_dir.empty()) {
    auto rules = adapters::load_rule_files(cfg.rules_dir);
    if (!rules) return rules.error();
    resources.event_rules = std::move(*rules);
  }
  if (!cfg.mock_config.empty()) {
    auto loaded = adapters::load_mock_config(cfg.mock_config);
    if (!loaded) return loaded.error();
    resources.mock_config = std::move(*loaded);
  }

  const std::size_t map_size = cfg.map_size_mib << 20;
  auto db = adapters::LmdbStore::open({cfg.data_dir, map_size, true});
  if (!db) return db.error();
  resources.db = std::move(*db);
  adapters::DeferredFolding folding;
  folding.from_keys = cfg.ledger_fold_from_keys;
  resources.db->set_deferred_folding(folding);
  if (auto known = adapters::check_config_schedules(*resources.db, resources.config_schedules,
                                                    resources.workflows);
      !known)
    return known.error();
  if (auto known =
          adapters::check_rule_targets(*resources.db, resources.event_rules, resources.workflows);
      !known)
    return known.error();
  // Live Stripe: the client is made (and its settings checked) before any actor runs.
  if (cfg.stripe_mode == "live") {
    adapters::StripeClientOptions stripe_options;
    stripe_options.secret_key = cfg.stripe_secret_key;
    if (!cfg.stripe_api_base.empty()) stripe_options.api_base = cfg.stripe_api_base;
    stripe_options.max_requests_per_second =
        static_cast<std::uint32_t>(cfg.stripe_max_requests_per_second);
    stripe_options.max_connections = cfg.stripe_max_concurrent_requests;
    stripe_options.max_queued = cfg.stripe_max_queued_requests;
    stripe_options.max_rate_limit_retries = static_cast<unsigned>(cfg.stripe_rate_limit_retries);
    auto client = adapters::StripeClient::create(stripe_options);
    if (!client)
      return Error{client.error().code, "invalid value for stripe-api-base or stripe-secret-key: " +
                                            client.error().message};
    resources.stripe_client = std::move(*client);
  }
  // Live Veriff: likewise (docs/veriff.md "Live mode").
  if (cfg.veriff_mode == "live") {
    adapters::VeriffClientOptions veriff_options;
    veriff_options.api_base = cfg.veriff_base_url;
    veriff_options.api_key = cfg.veriff_api_key;
    veriff_options.shared_secret = cfg.veriff_shared_secrets.front();  // checked: not empty
    veriff_options.ca_file = cfg.veriff_ca_file;
    veriff_options.max_requests_per_second =
        static_cast<std::uint32_t>(cfg.veriff_max_requests_per_second);
    veriff_options.max_connections = cfg.veriff_max_concurrent_requests;
    veriff_options.max_queued = cfg.veriff_max_queued_requests;
    veriff_options.max_rate_limit_retries = static_cast<unsigned>(cfg.veriff_rate_limit_retries);
    veriff_options.request_timeout = std::chrono::milliseconds(cfg.veriff_request_timeout_ms);
    auto client = adapters::VeriffClient::create(veriff_options);
    if (!client)
      return Error{client.error().code,
                   "invalid value for veriff-base-url, veriff-api-key or veriff-ca-file: " +
                       client.error().message};
    resources.veriff_client = std::move(*client);
  }
  // Lambda functions mapped to URLs (docs/aws-resources.md): one downstream client each.
  if (!cfg.aws_resource_map->function_urls.empty()) {
    auto client = adapters::HttpInvokeClient::create(*cfg.aws_resource_map, {});
    if (!client) return client.error();
    resources.http_invoke_client = std::move(*client);
  }
  // The simulators keep their tables in the main store (one commit stream); a data directory
  // from before, with their own environment, is merged once here.
  auto merged = adapters::merge_legacy_simulator_store(*resources.db, cfg.data_dir);
  if (!merged) return merged.error();
  if (merged->merged)
    adapters::log(adapters::LogLevel::kInfo, "store.simulator_store_merged",
                  {{"rows", merged->rows}, {"movedTo", merged->moved_to}});
  // The ledger's index lines and heads moved beside the balances (session 22): once here too.
  auto relaid = adapters::migrate_ledger_layout(*resources.db);
  if (!relaid) return relaid.error();
  if (relaid->index_lines + relaid->heads > 0)
    adapters::log(adapters::LogLevel::kInfo, "store.ledger_layout_migrated",
                  {{"indexLines", relaid->index_lines}, {"heads", relaid->heads}});
  return resources;
}

namespace {

// The business clock (docs/clock.md). A simulated one resumes at its stored time, so a restart
// never takes it back; on a new data directory it starts at clock-start or the wall time, and
// that is stored at once. Written here, before the store actor (the one writer) exists.
actors::ClockPtr open_clock(const SettledConfig& cfg, adapters::LmdbStore& db) {
  if (cfg.clock != "simulated") return actors::Clock::system();
  const std::string key(kSimulatedClockKey);
  if (auto stored = db.get(Table::kMeta, key)) {
    try {
      const EpochMillis at = std::stoll(*stored);
      adapters::log(LogLevel::kInfo, "clock.simulated",
                    {{"now", format_timestamp(at)}, {"resumed", true}});
      return actors::Clock::simulated(at);
    } catch (const std::exception&) {
      adapters::log(LogLevel::kError, "clock.unreadable", {{"stored", *stored}});
    }
  }
  const EpochMillis start =
      cfg.clock_start.empty() ? actors::system_now() : parse_timestamp(cfg.clock_start).value_or(0);
  WriteBatch batch;
  batch.put(Table::kMeta, key, std::to_string(start));
  if (auto written = db.commit({&batch}); !written)
    adapters::log(LogLevel::kError, "clock.not_stored", {{"cause", written.error().message}});
  adapters::log(LogLevel::kInfo, "clock.simulated",
                {{"now", format_timestamp(start)}, {"resumed", false}});
  return actors::Clock::simulated(start);
}

// The schedules-dir files (docs/schedules.md, "Schedules in the configuration"), written before
// the schedules actor reads its table, so their fires follow the same rules as any schedule's.
void apply_config_schedules(const DaemonResources& resources, EpochMillis now) {
  if (resources.config_schedules.empty()) return;
  auto applied = adapters::apply_config_schedules(*resources.db, resources.config_schedules, now);
  if (!applied) {
    adapters::log(LogLevel::kError, "schedules.config_not_applied",
                  {{"cause", applied.error().message}});
    return;
  }
  for (const auto& schedule : *applied)
    adapters::log(LogLevel::kInfo, "schedule.configured",
                  {{"schedule", schedule.name}, {"outcome", schedule.outcome}});
}

// records settings/service-completion: the config service-completion reads (docs/time-bank.md).
// Written by the daemon at start, not sent by the workflow's caller: records are read-only over
// the API, so no provider can start a completion that confirms itself.
void write_service_completion_settings(const SettledConfig& cfg, adapters::LmdbStore& db,
                                       EpochMillis now) {
  const auto hours = static_cast<std::int64_t>(cfg.service_completion_auto_confirm_hours);
  boost::json::object stored{{"collection", "settings"},
                             {"key", "service-completion"},
                             {"record", boost::json::object{{"autoConfirmHours", hours},
                                                            {"autoConfirmSeconds", hours * 3600},
                                                            {"autoConfirm", hours > 0}}},
                             {"updatedAt", format_timestamp(now)}};
  WriteBatch writes;
  writes.put(Table::kRecords, record_key("settings", "service-completion"),
             boost::json::serialize(stored));
  if (auto status = db.commit({&writes}); !status)
    adapters::log(LogLevel::kError, "settings.not_written", {{"cause", status.error().message}});
}

}  // namespace

Daemon::Daemon(caf::actor_system& system, const SettledConfig& cfg,
               const DaemonResources& resources)
    : system_(system),
      shutdown_timeout_(cfg.shutdown_timeout),
      live_stripe_(cfg.stripe_mode == "live") {
  spawn_actors(cfg, resources);
  if (registered_) {
    caf::scoped_actor self{system_};
    self->request(executions_, caf::infinite, actors::recover_atom::value)
        .receive(
            [&](std::uint64_t n) { resumed_ = n; },
            [&](caf::error& err) {
              adapters::log(LogLevel::kError, "recovery.failed", {{"cause", system_.render(err)}});
            });
  }
  build_routes(cfg, resources);
}

Daemon::~Daemon() {
  stop_actors(shutdown_timeout_);
}

void Daemon::spawn_actors(const SettledConfig& cfg, const DaemonResources& resources) {
  engine_ = std::make_shared<actors::Engine>();
  engine_->db = resources.db;
  engine_->clock = open_clock(cfg, *resources.db);
  engine_->now = [clock = engine_->clock] { return clock->now(); };
  // Like the clock, read or made before the store actor (the one writer) exists.
  auto child_name_salt = adapters::open_child_name_salt(*resources.db, engine_->now());
  if (child_name_salt) engine_->child_name_salt = *child_name_salt;
  apply_config_schedules(resources, engine_->now());
  write_service_completion_settings(cfg, *resources.db, engine_->now());
  engine_->history_limit = static_cast<std::int64_t>(cfg.history_limit);
  engine_->rule_name_prefixes = events::rule_name_prefixes(resources.event_rules);
  engine_->max_running_executions = cfg.max_running_executions;
  // Checked by validate(); an entry that does not parse leaves nothing unguarded: the defaults.
  auto start_scopes = identity::parse_start_scopes(cfg.start_scopes);
  const auto default_scopes = identity::parse_start_scopes(identity::default_start_scopes());
  engine_->start_scopes = start_scopes ? std::move(*start_scopes) : *default_scopes;
  // A configured list replaces the defaults: say which guarded workflows it leaves open (a list
  // written before a release that added one keeps it open silently otherwise).
  for (const auto& [machine, scope] : *default_scopes)
    if (!cfg.start_scopes.empty() && !engine_->start_scopes.count(machine))
      adapters::log(LogLevel::kWarn, "start_scopes.default_left_open",
                    {{"stateMachine", machine}, {"defaultScope", scope}});
  if (resources.mock_config) {
    engine_->mock = resources.mock_config;
    engine_->mock_tasks = actors::spawn_mock_tasks(system_, resources.mock_config);
  }
  engine_->aws_resources = cfg.aws_resource_map;
  engine_->set_workflows(resources.workflows);  // unversioned, until the stored versions are read
  actors::AlertsOptions alerts_options;
  alerts_options.webhook_url = cfg.alert_webhook;
  alerts_options.webhook_ca_file = cfg.alert_webhook_ca_file;
  alerts_options.webhook_secret = cfg.alert_webhook_secret;
  engine_->alerts = actors::spawn_alerts(system_, alerts_options, resources.db);
  store_stats_ = std::make_shared<actors::StoreStats>();
  actors::StoreOptions store_options;
  store_options.alerts = engine_->alerts;  // one alert when commits start failing
  engine_->store = actors::spawn_store(system_, resources.db, store_options, store_stats_);
  // Before any execution runs (they wake it after each notification) and before recovery: it
  // resumes the deliveries pending at the last stop.
  actors::NotificationsOptions notification_options;
  notification_options.webhook_url = cfg.notification_webhook_url;
  notification_options.webhook_secret = cfg.notification_webhook_secret;
  notification_options.retry.max_attempts = static_cast<int>(cfg.notification_webhook_max_attempts);
  notification_options.retry.initial_backoff =
      std::chrono::milliseconds(cfg.notification_webhook_initial_backoff_ms);
  notification_options.retry.max_backoff =
      std::chrono::milliseconds(cfg.notification_webhook_max_backoff_ms);
  notification_options.timeout = std::chrono::milliseconds(cfg.notification_webhook_timeout_ms);
  notification_options.concurrency = cfg.notification_webhook_concurrency;
  engine_->aws_arns = aws::ArnScope{cfg.aws_region, cfg.aws_account_id};
  engine_->notification_webhook = !cfg.notification_webhook_url.empty();  // validated by config
  engine_->notifications = actors::spawn_notifications(system_, engine_, notification_options);
  if (live_stripe_) {
    engine_->stripe = actors::spawn_stripe_client(system_, resources.stripe_client);
  } else {
    actors::StripeSimulatorOptions simulator_options;
    simulator_options.simulator.payout_delay_ms =
        static_cast<std::int64_t>(cfg.stripe_simulator_payout_delay_seconds) * 1000;
    simulator_options.clock = engine_->clock;
    simulator_options.now = engine_->now;
    if (!cfg.stripe_webhook_secrets.empty())
      simulator_options.webhook_secret = cfg.stripe_webhook_secrets.front();
    stripe_simulator_ =
        actors::spawn_stripe_simulator(system_, resources.db, engine_->store, simulator_options);
    engine_->stripe = stripe_simulator_;
  }
  if (resources.http_invoke_client)
    engine_->http_invoke = actors::spawn_client_actor(system_, resources.http_invoke_client);
  if (resources.veriff_client) {
    engine_->veriff = actors::spawn_veriff_client(system_, resources.veriff_client);
  } else {
    actors::VeriffSimulatorOptions veriff_options;
    veriff_options.simulator.decision_delay_ms =
        static_cast<std::int64_t>(cfg.veriff_decision_delay_seconds) * 1000;
    veriff_options.clock = engine_->clock;
    veriff_options.now = engine_->now;
    veriff_options.api_key = cfg.veriff_api_key;
    if (!cfg.veriff_shared_secrets.empty())
      veriff_options.shared_secret = cfg.veriff_shared_secrets.front();
    veriff_simulator_ =
        actors::spawn_veriff_simulator(system_, resources.db, engine_->store, veriff_options);
    engine_->veriff = veriff_simulator_;
  }
  // Every stored version, plus the workflow files that changed since, before any execution
  // resumes: recovering executions find the version they started on.
  state_machines_ = actors::spawn_state_machines(system_, engine_, {cfg.workflows_dir});
  registered_ =
      actors::reload_state_machines(state_machines_, resources.workflows, std::chrono::seconds(60));
  // Without its secret the daemon would name children one way now and another once it had one.
  if (!child_name_salt) registered_ = child_name_salt.error();
  actors::AccountsDeps ledger_deps{resources.db, engine_->store, engine_->now, {}, engine_->clock};
  ledger_deps.options.passivate_after = std::chrono::seconds(cfg.ledger_passivate_seconds);
  ledger_deps.options.sweep_every = std::min<std::chrono::milliseconds>(
      ledger_deps.options.passivate_after, std::chrono::seconds(5));
  engine_->ledger = actors::spawn_accounts(system_, std::move(ledger_deps));
  if (engine_->clock->is_simulated())
    clock_ = actors::spawn_clock(system_, engine_->clock, engine_->store, store_stats_,
                                 {std::chrono::milliseconds(cfg.clock_quiet_ms)});
  executions_ = actors::spawn_executions(system_, engine_);
  // Set before any execution runs: executions read engine->timers without a lock.
  engine_->timers =
      actors::spawn_timers(system_, engine_, executions_,
                           actors::TimerOptions{std::chrono::milliseconds(cfg.timer_window_ms)});
  actors::EventsOptions events_options;
  events_options.retention = std::chrono::seconds(cfg.events_retention_seconds);
  events_options.max_kept = cfg.events_max_kept;
  events_options.rules = resources.event_rules;
  for (const auto& rule : resources.event_rules)
    adapters::log(LogLevel::kInfo, "event_rule.configured",
                  {{"rule", rule.name},
                   {"detailType", rule.detail_type},
                   {"target", rule.target == events::EventRule::Target::kDeliver
                                  ? "deliver"
                                  : "startExecution:" + rule.state_machine}});
  engine_->events = actors::spawn_events(system_, engine_, executions_, events_options);
  schedules_ = actors::spawn_schedules(system_, engine_, executions_);
  if (cfg.execution_retention_seconds > 0) {
    actors::RetentionOptions retention_options;
    retention_options.keep_closed = std::chrono::seconds(cfg.execution_retention_seconds);
    // A short retention (tests, small disks) is swept at least that often.
    retention_options.sweep_every = std::min<std::chrono::milliseconds>(
        retention_options.sweep_every, retention_options.keep_closed);
    retention_ = actors::spawn_retention(system_, engine_, retention_options);
    engine_->retention = retention_;  // before any execution runs (recovery comes later)
  }
}

void Daemon::build_routes(const SettledConfig& cfg, const DaemonResources& resources) {
  readiness_targets_.executions = executions_;
  readiness_targets_.ledger = engine_->ledger;
  readiness_targets_.store = engine_->store;
  readiness_targets_.timeout = std::chrono::milliseconds(cfg.readiness_timeout_ms);
  readiness_targets_.db = resources.db;
  readiness_targets_.events = engine_->events;
  readiness_targets_.timers = engine_->timers;
  readiness_ = actors::spawn_readiness(system_, readiness_targets_);
  adapters::ApiKeys keys(cfg.api_key_hashes);
  api_keys_enabled_ = keys.enabled();
  adapters::AdmissionOptions admission_options;
  admission_options.max_in_flight = cfg.max_in_flight;
  admission_options.min_in_flight = cfg.min_in_flight;
  admission_options.latency_tolerance = static_cast<double>(cfg.latency_tolerance_percent) / 100;
  admission_options.max_in_flight_per_client =
      cfg.max_in_flight_per_client > 0 ? cfg.max_in_flight_per_client
      : keys.enabled()                 ? std::max<std::size_t>(cfg.max_in_flight / 2, 1)
                                       : 0;
  // Inside require_api_key: a request without a valid key never takes a slot.
  api::HttpRoutesDeps routes{engine_,
                             executions_,
                             state_machines_,
                             live_stripe_ ? nullptr : resources.db,
                             static_cast<std::int64_t>(cfg.events_retention_seconds) * 1000,
                             readiness_,
                             {},
                             clock_,
                             schedules_,
                             stripe_simulator_,
                             cfg.veriff_shared_secrets,
                             resources.veriff_client ? nullptr : resources.db,
                             engine_->notifications};
  routes.stripe_webhooks.secrets = cfg.stripe_webhook_secrets;
  routes.welcome_bonus_hundredths = static_cast<std::int64_t>(cfg.welcome_bonus_hundredths);
  // The Step Functions API: its own admin actor for stop and redrive, the ARN scope, and SigV4
  // against the configured access keys (api/sfn/aws_auth.hpp).
  aws_admin_ = actors::spawn_admin_actor(system_, executions_, store_stats_);
  routes.admin = aws_admin_;
  routes.aws_arns = api::sfn::ArnScope{cfg.aws_region, cfg.aws_account_id};
  routes.aws_authenticate = api::sfn::sigv4_authenticator(cfg.aws_access_keys, cfg.sigv4_settings(),
                                                          cfg.aws_local_only());
  routes.stripe_webhooks.tolerance_seconds =
      static_cast<std::int64_t>(cfg.stripe_webhook_tolerance_seconds);
  auto admitted_api = adapters::admit(std::make_shared<adapters::Admission>(admission_options),
                                      adapters::identify_clients(keys.enabled()),
                                      api::make_http_routes(std::move(routes)));
  // On a request's headers, before its body is read: no valid key, or what the headers alone
  // refuse (api/before_body.hpp).
  http_header_check_ =
      [key_check = adapters::api_key_header_check(keys),
       aws_header_authenticate = api::sfn::sigv4_header_authenticator(
           cfg.aws_access_keys, cfg.sigv4_settings(), cfg.aws_local_only())](
          adapters::HttpRequest& request) -> std::optional<adapters::HttpResponse> {
    if (auto refused = key_check(request)) return refused;
    return api::refusal_before_body(request, aws_header_authenticate);
  };
  http_handler_ = adapters::require_api_key(keys, std::move(admitted_api));
  api::AdminCommandsDeps admin_deps;
  admin_deps.engine = engine_;
  admin_deps.executions = executions_;
  admin_deps.store_stats = store_stats_;
  admin_deps.state_machines = state_machines_;
  admin_deps.clock = clock_;
  admin_deps.schedules = schedules_;
  admin_deps.notifications = engine_->notifications;
  admin_api_ = api::spawn_admin_commands(system_, std::move(admin_deps));
}

void Daemon::start_stripe_webhooks(const std::string& host, std::uint16_t port) {
  // A wildcard address is reached on the loopback of its family.
  const std::string reach = host == "0.0.0.0" ? "127.0.0.1" : host == "::" ? "::1" : host;
  const std::string authority = reach.find(':') != std::string::npos ? "[" + reach + "]" : reach;
  const std::string base = "http://" + authority + ":" + std::to_string(port);
  if (veriff_simulator_)
    caf::anon_send(veriff_simulator_, actors::webhooks_atom::value, base + "/v1/webhooks/veriff");
  if (stripe_simulator_)
    caf::anon_send(stripe_simulator_, actors::webhooks_atom::value, base + "/v1/webhooks/stripe");
}

}  // namespace settled::app
