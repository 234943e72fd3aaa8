#include "actors/schedules_actor.hpp"

#include "actors/clock.hpp"
#include "adapters/config/time_zones.hpp"
#include "adapters/ops/crash_log.hpp"
#include "adapters/ops/log.hpp"
#include "adapters/ops/metrics.hpp"
#include "domain/schedules/schedule.hpp"
#include "domain/utf8.hpp"

#include <boost/json.hpp>

#include <map>
#include <optional>
#include <utility>

namespace settled::actors {

namespace json = boost::json;
using adapters::LogLevel;
using schedules::Schedule;
using schedules::ScheduleExpression;

namespace {

// A name longer than any schedule's is quoted cut short: a 10 kB name makes no 10 kB answer.
Error schedule_does_not_exist(const std::string& name) {
  return Error{
      ErrorCode::kScheduleDoesNotExist,
      "schedule \"" + quote_name(name, schedules::kMaxScheduleNameLength) + "\" does not exist"};
}

struct Armed {
  Schedule schedule;
  ScheduleExpression expression;
  const date::time_zone* zone = nullptr;
  std::optional<EpochMillis> next;  // the fire a wake is set for; none: it never fires again
};

struct SchedulesState {
  EnginePtr engine;
  ExecutionsActor executions;
  std::map<std::string, Armed> armed;  // by name, so lists come out in order
};

using Self = caf::stateful_actor<SchedulesState, SchedulesActor::base>;

// Builds the in-memory form of a stored or requested schedule; an error if its expression or
// zone no longer reads (a tzdata without the zone, a row from a newer version).
Result<Armed> arm_form(Schedule schedule) {
  auto expression = ScheduleExpression::parse(schedule.cron);
  if (!expression) return expression.error();
  const auto* zone = adapters::find_time_zone(schedule.timezone);
  if (!zone)
    return Error{ErrorCode::kInvalidRequest, "unknown time zone \"" + schedule.timezone + "\""};
  return Armed{std::move(schedule), std::move(*expression), zone, std::nullopt};
}

void arm(Self* self, Armed& armed, std::optional<EpochMillis> next) {
  armed.next = next;
  if (!next) return;
  const auto& engine = self->state.engine;
  wake_at(self, engine->clock, engine->now(), *next, fire_atom::value, armed.schedule.name,
          static_cast<std::int64_t>(*next));
}

// Starts the execution of the fire at `due`; fired_atom comes back with the answer.
void fire(Self* self, const Armed& armed, EpochMillis due) {
  StartRequest start;
  start.state_machine = armed.schedule.state_machine;
  start.name = schedules::fire_execution_name(armed.schedule, due);
  start.input = armed.schedule.input;
  auto me = caf::actor_cast<SchedulesActor>(self);
  start.reply = [me, name = armed.schedule.name, due](Answer answer) {
    const bool started = answer.ok();
    caf::anon_send(me, fired_atom::value, name, static_cast<std::int64_t>(due), started,
                   started
                       ? std::string(answer->outcome == Outcome::kCreated ? "started" : "existing")
                       : answer.error().message);
  };
  adapters::log(LogLevel::kInfo, "schedule.fire",
                {{"schedule", armed.schedule.name},
                 {"fireAt", format_timestamp(due)},
                 {"executionId", start.name}});
  self->send(self->state.executions, start_atom::value, std::move(start));
}

// Reads every stored schedule; runs the latest missed fire of each and arms the next.
void load(Self* self) {
  auto& st = self->state;
  const EpochMillis now = st.engine->now();
  st.engine->db->scan(Table::kSchedules, "", [&](std::string_view name, std::string_view row) {
    auto schedule = schedules::decode_schedule(row);
    auto armed = schedule ? arm_form(std::move(*schedule)) : Result<Armed>(schedule.error());
    if (!armed) {
      adapters::log(LogLevel::kError, "schedule.unreadable",
                    {{"schedule", std::string(name)}, {"cause", armed.error().message}});
      return true;
    }
    auto& entry = st.armed[armed->schedule.name] = std::move(*armed);
    const auto plan = schedules::plan_fires(entry.schedule, entry.expression, *entry.zone, now);
    if (plan.skipped) {
      adapters::log(LogLevel::kWarn, "schedule.missed",
                    {{"schedule", entry.schedule.name}, {"skipped", plan.skipped}});
      adapters::Metrics::instance().schedule_missed(entry.schedule.name, plan.skipped);
    }
    if (plan.catch_up) {
      // The next fire is armed once this one is recorded.
      entry.next = plan.catch_up;
      fire(self, entry, *plan.catch_up);
    } else {
      arm(self, entry, plan.next);
    }
    return true;
  });
}

void put(Self* self, SchedulePut& request) {
  auto& st = self->state;
  const EpochMillis now = st.engine->now();
  auto existing = st.armed.find(request.name);
  auto schedule = schedules::schedule_from_request(
      request.name, request.body,
      [](std::string_view zone) { return adapters::find_time_zone(zone) != nullptr; }, now,
      existing == st.armed.end() ? nullptr : &existing->second.schedule);
  if (!schedule) return request.reply(schedule.error());
  auto armed = arm_form(*schedule);
  if (!armed) return request.reply(armed.error());
  WriteBatch batch;
  batch.put(Table::kSchedules, schedule->name, schedules::encode(*schedule));
  const bool created = existing == st.armed.end();
  self->request(st.engine->store, caf::infinite, commit_atom::value, std::move(batch))
      .then(
          [self, created, armed = std::move(*armed),
           reply = std::move(request.reply)](StoreReply& stored) mutable {
            if (!stored.ok) return reply(stored.error);
            auto& state = self->state;
            const std::string name = armed.schedule.name;
            auto& entry = state.armed[name] = std::move(armed);
            // From now on: a change never re-runs fires that have passed.
            arm(self, entry,
                entry.expression.next_after(state.engine->now(), *entry.zone,
                                            entry.schedule.created_at));
            adapters::log(LogLevel::kInfo, created ? "schedule.created" : "schedule.changed",
                          {{"schedule", name}, {"cron", entry.schedule.cron}});
            reply(Answered{created ? Outcome::kCreated : Outcome::kExisting,
                           schedules::describe(entry.schedule, entry.next)});
          },
          [reply = request.reply](caf::error& err) {
            reply(Error{ErrorCode::kStoreUnavailable, caf::to_string(err)});
          });
}

void remove(Self* self, ScheduleDelete& request) {
  auto& st = self->state;
  if (!st.armed.count(request.name)) return request.reply(schedule_does_not_exist(request.name));
  WriteBatch batch;
  batch.erase(Table::kSchedules, request.name);
  self->request(st.engine->store, caf::infinite, commit_atom::value, std::move(batch))
      .then(
          [self, name = request.name, reply = request.reply](StoreReply& stored) {
            if (!stored.ok) return reply(stored.error);
            // A wake already set finds no schedule and does nothing.
            self->state.armed.erase(name);
            adapters::Metrics::instance().forget_schedule(name);
            adapters::log(LogLevel::kInfo, "schedule.deleted", {{"schedule", name}});
            reply(Answered{Outcome::kExisting, json::object{{"deleted", name}}});
          },
          [reply = request.reply](caf::error& err) {
            reply(Error{ErrorCode::kStoreUnavailable, caf::to_string(err)});
          });
}

void query(Self* self, ScheduleQuery& request) {
  const auto& armed = self->state.armed;
  if (!request.name.empty()) {
    auto it = armed.find(request.name);
    if (it == armed.end()) return request.reply(schedule_does_not_exist(request.name));
    return request.reply(
        Answered{Outcome::kExisting, schedules::describe(it->second.schedule, it->second.next)});
  }
  json::array all;
  for (const auto& [name, entry] : armed)
    all.push_back(schedules::describe(entry.schedule, entry.next));
  request.reply(Answered{Outcome::kExisting, json::object{{"schedules", std::move(all)}}});
}

// A fire's start was answered: record the fire, then arm the next. A refused start (no such
// state machine, the store failing) is logged and counted, and the schedule moves on: the next
// fire tries again.
void fired(Self* self, const std::string& name, EpochMillis due, bool started,
           const std::string& detail) {
  auto& st = self->state;
  auto it = st.armed.find(name);
  if (it == st.armed.end() || it->second.next != due) return;  // deleted or changed meanwhile
  adapters::Metrics::instance().schedule_fire(name, started ? detail : "refused");
  if (!started)
    adapters::log(LogLevel::kError, "schedule.fire_refused",
                  {{"schedule", name}, {"fireAt", format_timestamp(due)}, {"cause", detail}});
  Schedule recorded = it->second.schedule;
  recorded.last_fire_at = due;
  WriteBatch batch;
  batch.put(Table::kSchedules, name, schedules::encode(recorded));
  self->request(st.engine->store, caf::infinite, commit_atom::value, std::move(batch))
      .then(
          [self, name, due, recorded](StoreReply& stored) {
            auto& state = self->state;
            auto entry = state.armed.find(name);
            if (entry == state.armed.end() || entry->second.next != due) return;
            // Not recorded: the fire runs again at the next start (a replay of the same name).
            if (stored.ok) entry->second.schedule.last_fire_at = recorded.last_fire_at;
            const EpochMillis after = std::max<EpochMillis>(state.engine->now(), due);
            arm(self, entry->second,
                entry->second.expression.next_after(after, *entry->second.zone,
                                                    entry->second.schedule.created_at));
          },
          [](caf::error&) {});
}

SchedulesActor::behavior_type schedules_behavior(Self* self, EnginePtr engine,
                                                 ExecutionsActor executions) {
  self->set_exception_handler(crash_handler("schedules"));
  self->state.engine = std::move(engine);
  self->state.executions = std::move(executions);
  adapters::survive(
      "schedules", "load", [] { return json::object{}; }, [&] { load(self); },
      [](const std::string&) {});
  return {
      [self](schedule_atom, SchedulePut& request) { put(self, request); },
      [self](schedule_atom, ScheduleDelete& request) { remove(self, request); },
      [self](schedule_atom, ScheduleQuery& request) { query(self, request); },
      [self](fire_atom, const std::string& name, std::int64_t due) {
        auto it = self->state.armed.find(name);
        if (it == self->state.armed.end() || it->second.next != due) return;  // stale wake
        fire(self, it->second, due);
      },
      [self](fired_atom, const std::string& name, std::int64_t due, bool started,
             const std::string& detail) { fired(self, name, due, started, detail); },
      [](ping_atom) { return true; },
  };
}

}  // namespace

SchedulesActor spawn_schedules(caf::actor_system& system, EnginePtr engine,
                               ExecutionsActor executions) {
  return system.spawn(schedules_behavior, std::move(engine), std::move(executions));
}

}  // namespace settled::actors
