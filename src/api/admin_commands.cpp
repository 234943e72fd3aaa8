#include "api/admin_commands.hpp"

#include "actors/messages.hpp"
#include "actors/notifications_actor.hpp"
#include "actors/schedules_actor.hpp"
#include "actors/state_machines_actor.hpp"
#include "adapters/config/workflow_loader.hpp"
#include "adapters/ops/log.hpp"
#include "adapters/ops/metrics.hpp"
#include "adapters/store/backup.hpp"
#include "adapters/store/execution_queries.hpp"
#include "adapters/store/ledger_reader.hpp"
#include "adapters/store/ledger_reconcile_run.hpp"
#include "adapters/store/notifications_reader.hpp"
#include "adapters/store/started_executions.hpp"
#include "adapters/store/state_machine_store.hpp"
#include "adapters/stripe/webhook_events_reader.hpp"
#include "api/clock_commands.hpp"
#include "api/request_parsing.hpp"
#include "domain/asl/parser.hpp"
#include "domain/json_limits.hpp"
#include "domain/ledger/reconcile_report.hpp"
#include "domain/utf8.hpp"

#include <boost/json.hpp>

#include <atomic>
#include <thread>

namespace settled::api {

namespace json = boost::json;
using adapters::AdminReply;
using namespace actors;

namespace {

// What every command may use; shared by the handler's calls, which come from the admin
// server's thread, and by the answers, which come from actor threads.
struct AdminContext {
  AdminCommandsDeps deps;
  AdminActor actor;  // the admin actor (actors/admin_actor.hpp)
  std::atomic<bool> backup_running{false};
};
using Context = std::shared_ptr<AdminContext>;

using LmdbStorePtr = std::shared_ptr<adapters::LmdbStore>;

Result<std::string> string_field(const json::object& request, const char* name) {
  const json::value* v = request.if_contains(name);
  if (!v || !v->is_string() || v->as_string().empty())
    return Error{ErrorCode::kInvalidRequest,
                 std::string("\"") + name + "\" is required and must be a non-empty string"};
  return std::string(v->as_string());
}

// "executionId": settled's id, or the execution's ARN ($$.Execution.Id), as the id it names.
Result<std::string> execution_id_field(const Context& ctx, const json::object& request) {
  auto reference = string_field(request, "executionId");
  if (!reference) return reference.error();
  const auto& engine = *ctx->deps.engine;
  return adapters::resolve_execution_id(*engine.db, engine.aws_arns, *reference);
}

std::string optional_string(const json::object& request, const char* name) {
  const json::value* v = request.if_contains(name);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

// "limit": an integer from 1 to `max`, `fallback` when absent.
Result<std::size_t> limit_field(const json::object& request, std::size_t fallback,
                                std::size_t max) {
  const json::value* l = request.if_contains("limit");
  if (!l) return fallback;
  if (!l->is_int64() || l->as_int64() < 1 || l->as_int64() > static_cast<std::int64_t>(max))
    return Error{ErrorCode::kInvalidRequest,
                 "\"limit\" must be an integer from 1 to " + std::to_string(max)};
  return static_cast<std::size_t>(l->as_int64());
}

// The limited downstreams (docs/stripe-client.md "Limits"): none in simulator mode.
json::object downstreams_status(const adapters::Metrics& metrics) {
  json::object all;
  for (const auto& d : metrics.downstreams()) {
    all[d.name] = json::object{{"queueDepth", d.queue_depth},
                               {"inFlight", d.in_flight},
                               {"limits", json::object{{"requestsPerSecond", d.requests_per_second},
                                                       {"concurrent", d.concurrent},
                                                       {"queue", d.queue_limit}}},
                               {"throttled", d.throttled},
                               {"rateLimited", d.rate_limited},
                               {"retried", d.retried},
                               {"dropped", json::object{{"deadline", d.dropped_deadline},
                                                        {"queueFull", d.dropped_queue_full}}}};
  }
  return all;
}

void status(const Context& ctx, AdminReply reply) {
  caf::anon_send(
      ctx->actor, admin_atom::value, StatusAsk{[ctx, reply](Result<DaemonStatus> answer) {
        if (!answer) return reply(answer.error());
        const auto& deps = ctx->deps;
        const SupervisorStatus& sup = answer->supervisor;
        const std::uint64_t open = deps.engine->db->count(Table::kOpenExecutions);
        const auto usage = deps.engine->db->usage();
        const auto& metrics = adapters::Metrics::instance();
        json::object result{
            {"version", deps.version},
            {"uptimeSeconds", answer->uptime_seconds},
            {"ingestion", sup.draining ? "draining"
                          : sup.paused ? "paused"
                                       : "accepting"},
            {"openExecutions", json::object{{"RUNNING", open}}},
            {"runningExecutions", sup.running},
            {"admittingExecutions", sup.admitting},
            {"quarantinedExecutions", sup.quarantined},
            {"executions", json::object{{"started", metrics.executions_started()},
                                        {"succeeded", metrics.executions_finished("SUCCEEDED")},
                                        {"failed", metrics.executions_finished("FAILED")}}},
            {"downstreams", downstreams_status(metrics)},
            {"store",
             json::object{
                 {"writable", deps.store_stats->writable.load()},
                 {"mapSize", usage.map_size},
                 {"usedBytes", usage.used_bytes},
                 {"mapUsePercent", usage.map_size ? 100.0 * static_cast<double>(usage.used_bytes) /
                                                        static_cast<double>(usage.map_size)
                                                  : 0.0},
                 {"commits", deps.store_stats->commits.load()},
                 {"operations", deps.store_stats->operations.load()},
                 {"commitsPerSecond", answer->commits_per_second},
                 {"operationsPerSecond", answer->operations_per_second},
                 {"ledger", json::object{{"rowsWaiting", usage.ledger_rows_waiting},
                                         {"rowsWaitingBytes", usage.ledger_rows_waiting_bytes},
                                         {"foldRounds", usage.ledger_fold_rounds}}}}},
            {"logLevel", adapters::log_level_name(adapters::log_level())}};
        reply(json::value(std::move(result)));
      }});
}

void control(const Context& ctx, ControlAsk::Kind kind, const json::object& request,
             AdminReply reply) {
  auto id = execution_id_field(ctx, request);
  if (!id) return reply(id.error());
  ControlAsk ask;
  ask.kind = kind;
  ask.execution_id = *id;
  ask.reply = [reply](Result<json::object> answer) {
    if (!answer) return reply(answer.error());
    reply(json::value(std::move(*answer)));
  };
  caf::anon_send(ctx->actor, admin_atom::value, std::move(ask));
}

void ingest(const Context& ctx, bool pause, AdminReply reply) {
  caf::anon_send(ctx->actor, admin_atom::value,
                 IngestionAsk{pause, [reply](Result<bool> paused) {
                                if (!paused) return reply(paused.error());
                                reply(json::value{{"ingestion", *paused ? "paused" : "accepting"}});
                              }});
}

Result<json::value> list(const Context& ctx, const json::object& request) {
  adapters::ExecutionFilter filter;
  filter.state_machine = optional_string(request, "stateMachine");
  filter.status = optional_string(request, "status");
  filter.cursor = optional_string(request, "cursor");
  if (const json::value* l = request.if_contains("limit")) {
    if (!l->is_int64() && !l->is_uint64())
      return Error{ErrorCode::kInvalidRequest, "\"limit\" must be an integer"};
    const auto n = l->to_number<std::int64_t>();
    if (n <= 0) return Error{ErrorCode::kInvalidRequest, "limit must be between 1 and 1000"};
    filter.limit = static_cast<std::size_t>(n);
  }
  auto out = adapters::list_executions(*ctx->deps.engine->db, filter);
  if (!out) return out.error();
  return json::value(std::move(*out));
}

// workflows.list {limit?, startingAfter?}: a page of the latest version of each state machine,
// with how many versions it has and where the latest came from; paged as GET /v1/state-machines
// is: in name order, `limit` (1 to 100, 10 by default) after the name `startingAfter` (which need
// not be registered still), and "has_more" while a later name is registered.
Result<json::value> workflows(const Context& ctx, const json::object& request) {
  const auto limit = limit_field(request, 10, 100);
  if (!limit) return limit.error();
  std::string after;
  if (const json::value* a = request.if_contains("startingAfter")) {
    if (!a->is_string() || !valid_state_machine_name(a->as_string()))
      return Error{ErrorCode::kInvalidRequest,
                   "\"startingAfter\" must be a state machine name (1 to 80 characters of A-Z, "
                   "a-z, 0-9, _ and -)"};
    after = std::string(a->as_string());
  }
  const auto& engine = *ctx->deps.engine;
  const auto registry = engine.workflows();
  const auto& latest = registry->all();  // by name
  json::array machines;
  auto it = after.empty() ? latest.begin() : latest.upper_bound(after);
  for (; it != latest.end() && machines.size() < *limit; ++it) {
    const auto& [name, machine] = *it;
    json::object m{{"name", name},
                   {"version", machine->version},
                   {"versions", registry->versions(name).size()},
                   {"startAt", machine->start_at},
                   {"states", machine->states.size()}};
    if (auto stored = adapters::read_state_machine_version(*engine.db, name, machine->version)) {
      m["registeredAt"] = format_timestamp(stored->registered_at);
      m["source"] = stored->source;
    }
    machines.push_back(std::move(m));
  }
  return json::value{{"stateMachines", std::move(machines)}, {"has_more", it != latest.end()}};
}

// The definition as a JSON value: given as an object, or as the text of a file.
Result<json::value> definition_field(const json::object& request) {
  const json::value* definition = request.if_contains("definition");
  if (!definition)
    return Error{ErrorCode::kInvalidRequest, "\"definition\" is required (the ASL JSON)"};
  if (!definition->is_string()) return *definition;
  auto parsed = parse_request_json(definition->as_string(), "definition");
  if (!parsed) return Error{ErrorCode::kInvalidDefinition, parsed.error().message};
  return std::move(*parsed);
}

void register_workflow(const Context& ctx, const json::object& request, AdminReply reply) {
  auto name = string_field(request, "name");
  if (!name) return reply(name.error());
  auto definition = definition_field(request);
  if (!definition) return reply(definition.error());
  caf::anon_send(
      ctx->deps.state_machines, register_atom::value,
      RegisterRequest{*name, std::move(*definition), [reply](Result<RegisterResult> result) {
                        if (!result) return reply(result.error());
                        reply(json::value(result->to_json()));
                      }});
}

void reload_workflows(const Context& ctx, AdminReply reply) {
  caf::anon_send(ctx->deps.state_machines, reload_atom::value,
                 ReloadRequest{nullptr, [reply](Result<json::object> result) {
                                 if (!result) return reply(result.error());
                                 reply(json::value(std::move(*result)));
                               }});
}

Result<json::value> validate(const Context& ctx, const json::object& request) {
  const json::value* definition = request.if_contains("definition");
  if (!definition)
    return Error{ErrorCode::kInvalidRequest, "\"definition\" is required (the ASL JSON)"};
  std::string name = optional_string(request, "name");
  if (name.empty()) name = "unnamed";
  const auto aws = ctx->deps.engine ? ctx->deps.engine->aws_resources : nullptr;
  auto machine =
      definition->is_string()
          ? asl::parse_state_machine_text(definition->as_string(), name,
                                          adapters::builtin_parse_options(aws))
          : asl::parse_state_machine(*definition, name, adapters::builtin_parse_options(aws));
  if (!machine) return machine.error();
  return json::value{{"valid", true},
                     {"name", name},
                     {"startAt", machine->start_at},
                     {"states", machine->states.size()}};
}

Result<json::value> log_level(const json::object& request) {
  if (const json::value* v = request.if_contains("level")) {
    adapters::LogLevel level;
    if (!v->is_string() || !adapters::parse_log_level(v->as_string(), level))
      return Error{ErrorCode::kInvalidRequest, "level must be debug, info, warn or error"};
    adapters::set_log_level(level);
    adapters::log(adapters::LogLevel::kWarn, "log.level_changed",
                  {{"level", adapters::log_level_name(level)}});
  }
  return json::value{{"level", adapters::log_level_name(adapters::log_level())}};
}

void backup(const Context& ctx, const json::object& request, AdminReply reply) {
  auto path = string_field(request, "path");
  if (!path) return reply(path.error());
  if (ctx->backup_running.exchange(true))
    return reply(Error{ErrorCode::kInvalidRequest, "a backup is already running"});
  // A copy takes as long as the data is big: off the admin socket's thread.
  std::thread([db = ctx->deps.engine->db, path = *path, reply, ctx] {
    auto info = adapters::backup_lmdb(*db, path);
    ctx->backup_running.store(false);
    if (!info) return reply(info.error());
    adapters::log(adapters::LogLevel::kInfo, "backup.done",
                  {{"path", info->path}, {"bytes", info->bytes}, {"millis", info->millis}});
    reply(json::value{{"path", info->path}, {"bytes", info->bytes}, {"millis", info->millis}});
  }).detach();
}

// The same callbacks as POST /v1/tasks/{success,failure,heartbeat}.
void task_callback(const Context& ctx, TaskCallback::Kind kind, const json::object& request,
                   AdminReply reply) {
  json::object body = request;
  body.erase("command");
  body.erase("id");  // the admin protocol's request id
  auto callback = parse_task_callback(kind, body);
  if (!callback) return reply(callback.error());
  // Whoever can open the admin socket operates the box: every scope (docs/identities.md).
  callback->caller = Caller::operator_on_the_box();
  callback->reply = [reply](Answer answer) {
    if (!answer) return reply(answer.error());
    reply(json::value(json::object{{"accepted", true}}));
  };
  caf::anon_send(ctx->deps.executions, task_callback_atom::value, std::move(*callback));
}

// reconcile: every ledger table read in one read transaction (a consistent snapshot while the
// daemon keeps committing), then the domain's invariants (adapters/store/ledger_reconcile_run,
// shared with settled:ledger.reconcile). Off the admin socket's thread: it reads everything.
void reconcile(const Context& ctx, AdminReply reply) {
  std::thread([db = ctx->deps.engine->db, reply] {
    auto run = adapters::run_ledger_reconcile(*db, "admin");
    if (!run) return reply(run.error());
    reply(json::value(ledger::admin_report(run->summary, run->millis)));
  }).detach();
}

Result<json::value> ledger_read(const std::string& command, const LmdbStorePtr& db,
                                const json::object& request) {
  if (command == "escrow") {
    auto id = string_field(request, "escrowId");
    if (!id) return id.error();
    auto out = adapters::read_escrow(*db, *id);
    if (!out) return out.error();
    return json::value(std::move(*out));
  }
  auto account = string_field(request, "account");
  if (!account) return account.error();
  if (command == "balances") {
    auto out = adapters::read_account(*db, *account);
    if (!out) return out.error();
    return json::value(std::move(*out));
  }
  std::uint64_t after = 0;
  std::size_t limit = 1000;
  for (const char* name : {"after", "limit"}) {
    if (const json::value* v = request.if_contains(name)) {
      if (!v->is_int64() && !v->is_uint64())
        return Error{ErrorCode::kInvalidRequest,
                     std::string("\"") + name + "\" must be an integer"};
      const auto n = v->to_number<std::int64_t>();
      if (n < 0) return Error{ErrorCode::kInvalidRequest, std::string(name) + " must be >= 0"};
      (std::string_view(name) == "after" ? after : limit) = static_cast<std::uint64_t>(n);
    }
  }
  if (limit == 0 || limit > 10000)
    return Error{ErrorCode::kInvalidRequest, "limit must be between 1 and 10000"};
  auto out = adapters::read_journal(*db, *account, after, limit);
  if (!out) return out.error();
  return json::value(std::move(*out));
}

// webhooks.list {after?, limit?} / webhooks.show {eventId}: the stored Stripe webhook events.
Result<json::value> webhooks_read(const std::string& command, const LmdbStorePtr& db,
                                  const json::object& request) {
  if (command == "webhooks.show") {
    auto id = string_field(request, "eventId");
    if (!id) return id.error();
    auto out = adapters::stripe::read_stripe_event(*db, *id);
    if (!out) return out.error();
    return json::value(std::move(*out));
  }
  std::string after;
  if (const json::value* a = request.if_contains("after")) {
    if (!a->is_string()) return Error{ErrorCode::kInvalidRequest, "\"after\" must be a string"};
    after = std::string(a->as_string());
  }
  const auto limit =
      limit_field(request, adapters::stripe::kDefaultEventsPage, adapters::stripe::kMaxEventsPage);
  if (!limit) return limit.error();
  return json::value(adapters::stripe::list_stripe_events(*db, after, *limit));
}

// clock.show, clock.advance {"by": "7d"} or {"to": RFC 3339} (api/clock_commands.hpp).
void clock(const Context& ctx, const std::string& c, const json::object& r, AdminReply reply) {
  static const auto wall = actors::Clock::system();
  const actors::Clock& now = ctx->deps.engine->clock ? *ctx->deps.engine->clock : *wall;
  if (c == "clock.show") return reply(json::value(clock_json(now)));
  json::object body = r;
  body.erase("command");
  body.erase("id");  // the admin protocol's request id
  auto to = parse_clock_advance(body, now);
  if (!to) return reply(to.error());
  advance_clock(ctx->deps.clock, *to, [reply = std::move(reply)](Result<json::object> done) {
    if (!done) return reply(done.error());
    reply(json::value(std::move(*done)));
  });
}

// schedules.list, schedules.show {"name"}, schedules.put {"name", "schedule": {cron, timezone,
// stateMachine, input}}, schedules.delete {"name"}: the same actor as /v1/schedules.
void schedules(const Context& ctx, const std::string& c, const json::object& r, AdminReply reply) {
  auto answer = [reply = std::move(reply)](actors::Answer answered) {
    if (!answered) return reply(answered.error());
    reply(json::value(std::move(answered->body)));
  };
  const auto& actor = ctx->deps.schedules;
  if (c == "schedules.list")
    return caf::anon_send(actor, actors::schedule_atom::value, actors::ScheduleQuery{"", answer});
  auto name = string_field(r, "name");
  if (!name) return answer(name.error());
  if (c == "schedules.show")
    return caf::anon_send(actor, actors::schedule_atom::value,
                          actors::ScheduleQuery{*name, answer});
  if (c == "schedules.delete")
    return caf::anon_send(actor, actors::schedule_atom::value,
                          actors::ScheduleDelete{*name, answer});
  const json::value* schedule = r.if_contains("schedule");
  if (!schedule || !schedule->is_object())
    return answer(Error{ErrorCode::kInvalidRequest, "\"schedule\" must be a JSON object"});
  caf::anon_send(actor, actors::schedule_atom::value,
                 actors::SchedulePut{*name, schedule->as_object(), answer});
}

// notifications.list {userId, unread?, limit?, startingAfter?}, notifications.read {userId,
// notificationId}, notifications.dead-letters, notifications.redeliver {notificationId}
// (docs/notifications.md): the same reads and actor as /v1/users/{userId}/notifications.
void notifications(const Context& ctx, const std::string& c, const json::object& r,
                   AdminReply reply) {
  const auto& deps = ctx->deps;
  if (c == "notifications.dead-letters")
    return reply(json::value(adapters::list_dead_letters(*deps.engine->db)));
  auto answer = [reply](actors::Answer answered) {
    if (!answered) return reply(answered.error());
    reply(json::value(std::move(answered->body)));
  };
  if (!deps.notifications)
    return reply(Error{ErrorCode::kDraining, "notifications are not running"});
  if (c == "notifications.redeliver") {
    auto id = string_field(r, "notificationId");
    if (!id) return reply(id.error());
    return caf::anon_send(deps.notifications, actors::redeliver_atom::value,
                          actors::NotificationRedeliver{*id, answer});
  }
  auto user = string_field(r, "userId");
  if (!user) return reply(user.error());
  if (c == "notifications.read") {
    auto id = string_field(r, "notificationId");
    if (!id) return reply(id.error());
    return caf::anon_send(deps.notifications, actors::mark_read_atom::value,
                          actors::NotificationRead{*user, *id, answer});
  }
  adapters::InboxQuery query;
  query.user_id = *user;
  query.starting_after = optional_string(r, "startingAfter");
  if (const json::value* unread = r.if_contains("unread")) {
    if (!unread->is_bool())
      return reply(Error{ErrorCode::kInvalidRequest, "\"unread\" must be true or false"});
    query.unread_only = unread->as_bool();
  }
  const auto limit = limit_field(r, query.limit, 100);
  if (!limit) return reply(limit.error());
  query.limit = *limit;
  auto listed = adapters::list_inbox(*deps.engine->db, query);
  if (!listed) return reply(listed.error());
  reply(json::value(std::move(*listed)));
}

void dispatch(const Context& ctx, const std::string& c, const json::object& r, AdminReply reply) {
  auto& deps = ctx->deps;
  if (c == "ping") return reply(json::value{{"pong", true}});
  if (c == "status") return status(ctx, std::move(reply));
  if (c == "executions.list") return reply(list(ctx, r));
  if (c == "executions.describe" || c == "executions.history") {
    auto id = execution_id_field(ctx, r);
    if (!id) return reply(id.error());
    auto out = c == "executions.describe"
                   ? adapters::describe_execution(*deps.engine->db, *id)
                   : adapters::execution_history(*deps.engine->db, *id, deps.engine->aws_arns);
    if (!out) return reply(out.error());
    return reply(json::value(std::move(*out)));
  }
  if (c == "executions.stop") return control(ctx, ControlAsk::Kind::kStop, r, std::move(reply));
  if (c == "executions.redrive")
    return control(ctx, ControlAsk::Kind::kRedrive, r, std::move(reply));
  if (c == "ingest.pause") return ingest(ctx, true, std::move(reply));
  if (c == "ingest.resume") return ingest(ctx, false, std::move(reply));
  if (c == "workflows.list") return reply(workflows(ctx, r));
  if (c == "workflows.validate") return reply(validate(ctx, r));
  if (c == "workflows.register") return register_workflow(ctx, r, std::move(reply));
  if (c == "workflows.reload") return reload_workflows(ctx, std::move(reply));
  if (c == "backup") return backup(ctx, r, std::move(reply));
  if (c.rfind("tasks.", 0) == 0) {
    if (const auto kind = task_callback_kind(std::string_view(c).substr(6)))
      return task_callback(ctx, *kind, r, std::move(reply));
  }
  if (c == "clock.show" || c == "clock.advance") return clock(ctx, c, r, std::move(reply));
  if (c == "schedules.list" || c == "schedules.show" || c == "schedules.put" ||
      c == "schedules.delete")
    return schedules(ctx, c, r, std::move(reply));
  if (c == "log-level") return reply(log_level(r));
  if (c == "reconcile") return reconcile(ctx, std::move(reply));
  if (c == "balances" || c == "journal" || c == "escrow")
    return reply(ledger_read(c, deps.engine->db, r));
  if (c == "webhooks.list" || c == "webhooks.show")
    return reply(webhooks_read(c, deps.engine->db, r));
  if (c == "notifications.list" || c == "notifications.read" || c == "notifications.dead-letters" ||
      c == "notifications.redeliver")
    return notifications(ctx, c, r, std::move(reply));
  reply(Error{ErrorCode::kInvalidRequest,
              "unknown command \"" + cut_for_display(c) +
                  "\" (known: ping, status, executions.list, executions.describe, "
                  "executions.history, executions.stop, executions.redrive, ingest.pause, "
                  "ingest.resume, workflows.list, workflows.validate, workflows.register, "
                  "workflows.reload, backup, log-level, tasks.success, tasks.failure, "
                  "tasks.heartbeat, balances, journal, escrow, reconcile, webhooks.list, "
                  "webhooks.show, clock.show, clock.advance, schedules.list, schedules.show, "
                  "schedules.put, schedules.delete, notifications.list, notifications.read, "
                  "notifications.dead-letters, notifications.redeliver)"});
}

}  // namespace

AdminCommands spawn_admin_commands(caf::actor_system& system, AdminCommandsDeps deps) {
  auto ctx = std::make_shared<AdminContext>();
  ctx->actor = actors::spawn_admin_actor(system, deps.executions, deps.store_stats);
  ctx->deps = std::move(deps);
  AdminCommands commands;
  commands.actor = ctx->actor;
  commands.handler = [ctx](const std::string& command, const json::object& request,
                           AdminReply reply) { dispatch(ctx, command, request, std::move(reply)); };
  return commands;
}

}  // namespace settled::api
