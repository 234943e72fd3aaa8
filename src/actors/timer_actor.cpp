#include "actors/timer_actor.hpp"

#include "actors/messages.hpp"
#include "adapters/ops/log.hpp"
#include "domain/storage_keys.hpp"

#include <caf/all.hpp>

#include <limits>
#include <set>

namespace settled::actors {

namespace {

struct TimerState {
  EnginePtr engine;
  ExecutionsActor supervisor;
  TimerOptions options;
  std::set<std::string> due_soon;  // timer keys, in due order (the key starts with the due time)
  EpochMillis horizon = 0;         // every timer due before this is in `due_soon`
  EpochMillis armed_for = 0;       // when the pending tick fires; 0: none pending
};

using Self = caf::stateful_actor<TimerState, TimersActor::base>;

EpochMillis due_of(const std::string& key) {
  TimerKey parsed;
  return parse_timer_key(key, parsed) ? parsed.due : 0;
}

void arm(Self* self) {
  auto& st = self->state;
  if (st.due_soon.empty()) return;
  const EpochMillis next = due_of(*st.due_soon.begin());
  if (st.armed_for != 0 && st.armed_for <= next) return;  // an earlier tick will re-arm
  st.armed_for = next;
  wake_at(self, st.engine->clock, st.engine->now(), next, tick_atom::value);
}

bool simulated(const Self* self) {
  return self->state.engine->clock && self->state.engine->clock->is_simulated();
}

// Loads every stored timer due before now + window (the table is sorted by due time). On a
// simulated clock, every timer, once: a scan each window/2 of simulated time would make an
// advance of days stop thousands of times for nothing, and simulated time is for tests.
void scan(Self* self) {
  auto& st = self->state;
  const EpochMillis until = simulated(self) ? std::numeric_limits<EpochMillis>::max()
                                            : st.engine->now() + st.options.window.count();
  const std::string end = timer_key(until, '\0', "");
  std::size_t loaded = 0;
  st.engine->db->scan(Table::kTimers, "", [&](std::string_view key, std::string_view) {
    if (key >= end) return false;
    loaded += st.due_soon.emplace(key).second;
    return true;
  });
  st.horizon = until;
  if (loaded) adapters::log(adapters::LogLevel::kDebug, "timers.loaded", {{"count", loaded}});
  // Look again before the window runs out.
  if (!simulated(self)) self->delayed_send(self, st.options.window / 2, scan_atom::value);
  arm(self);
}

void fire_due(Self* self) {
  auto& st = self->state;
  st.armed_for = 0;
  const EpochMillis now = st.engine->now();
  while (!st.due_soon.empty()) {
    const std::string key = *st.due_soon.begin();
    TimerKey parsed;
    if (!parse_timer_key(key, parsed)) {
      st.due_soon.erase(st.due_soon.begin());
      continue;
    }
    if (parsed.due > now) break;
    st.due_soon.erase(st.due_soon.begin());
    // The execution erases the row when it moves on; until then a restart fires it again.
    self->send(st.supervisor, timer_fired_atom::value, parsed.execution_id, parsed.kind,
               static_cast<std::int64_t>(parsed.due));
  }
  arm(self);
}

TimersActor::behavior_type timer_behavior(Self* self, EnginePtr engine, ExecutionsActor supervisor,
                                          TimerOptions options) {
  self->state.engine = std::move(engine);
  self->set_exception_handler(crash_handler("timers"));
  self->state.supervisor = std::move(supervisor);
  self->state.options = options;
  self->send(self, scan_atom::value);
  // Each handler fails its one message on an exception; the scans and ticks go on.
  const auto ignore = [](const std::string&) {};
  return {
      [self](scan_atom) {
        adapters::survive(
            "timers", "scan", adapters::no_subject, [&] { scan(self); },
            [self](const std::string&) {
              self->delayed_send(self, self->state.options.window / 2, scan_atom::value);
            });
      },
      [self](tick_atom) {
        adapters::survive(
            "timers", "tick", adapters::no_subject, [&] { fire_due(self); },
            [self](const std::string&) {
              self->state.armed_for = 0;
              self->delayed_send(self, std::chrono::seconds(1), tick_atom::value);
            });
      },
      [self, ignore](timer_atom, const std::string& key) {
        adapters::survive(
            "timers", "add",
            [&] {
              return boost::json::object{{"timer", key}};
            },
            [&] {
              auto& st = self->state;
              if (due_of(key) >= st.horizon) return;  // the next scan reads it
              st.due_soon.insert(key);
              arm(self);
            },
            ignore);
      },
      [](ping_atom) { return true; },
  };
}

}  // namespace

TimersActor spawn_timers(caf::actor_system& system, EnginePtr engine, ExecutionsActor supervisor,
                         TimerOptions options) {
  return system.spawn(timer_behavior, std::move(engine), std::move(supervisor), options);
}

}  // namespace settled::actors
