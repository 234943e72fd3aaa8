#include "actors/clock_actor.hpp"

#include "actors/messages.hpp"
#include "adapters/ops/log.hpp"
#include "domain/storage_keys.hpp"
#include "domain/write_batch.hpp"

#include <caf/all.hpp>

#include <deque>
#include <optional>
#include <tuple>

namespace settled::actors {

namespace {

// What changes while the daemon is busy: a wake asked for, a commit (or a failed one), an actor
// started or gone.
using Activity = std::tuple<std::uint64_t, std::uint64_t, std::uint64_t, std::size_t, std::size_t>;

struct ClockState {
  ClockPtr clock;
  StoreActor store;
  std::shared_ptr<StoreStats> stats;
  ClockOptions options;
  std::deque<ClockAdvance> queue;  // the front one is running
  ClockReport report;
  Activity seen;
  std::chrono::steady_clock::time_point quiet_since;

  // Shutdown: whoever waits for an advance hears that it stopped (what fired stays fired).
  ~ClockState() {
    for (auto& advance : queue)
      if (advance.reply)
        advance.reply(Error{ErrorCode::kDraining,
                            "the daemon is shutting down: the advance stopped at " +
                                (clock ? format_timestamp(clock->now()) : std::string("?"))});
  }
};

using Self = caf::stateful_actor<ClockState, ClockActor::base>;

Activity activity(Self* self) {
  auto& st = self->state;
  return {st.clock->wakes_requested(), st.stats->commits.load(), st.stats->failures.load(),
          st.clock->pending(), self->system().registry().running()};
}

void step(Self* self);
void wait_until_quiet(Self* self);

void finish(Self* self, Result<ClockReport> result) {
  auto& st = self->state;
  auto reply = std::move(st.queue.front().reply);
  st.queue.pop_front();
  if (reply) reply(std::move(result));
  if (st.queue.empty()) return;
  st.report = ClockReport{};
  wait_until_quiet(self);
}

void wait_until_quiet(Self* self) {
  auto& st = self->state;
  st.seen = activity(self);
  st.quiet_since = std::chrono::steady_clock::now();
  self->delayed_send(self, st.options.poll, check_atom::value);
}

// One step: to the earliest pending wake due by the target, or to the target itself.
void step(Self* self) {
  auto& st = self->state;
  const EpochMillis target = st.queue.front().to;
  const EpochMillis now = st.clock->now();
  if (target < now) {
    finish(self, Error{ErrorCode::kInvalidRequest, "the clock is at " + format_timestamp(now) +
                                                       ", after " + format_timestamp(target) +
                                                       ": it never goes back"});
    return;
  }
  const auto next = st.clock->next_due();
  const EpochMillis to = next && *next <= target ? std::max(*next, now) : target;
  WriteBatch batch;
  batch.put(Table::kMeta, std::string(kSimulatedClockKey), std::to_string(to));
  self->request(st.store, caf::infinite, commit_atom::value, std::move(batch))
      .then(
          [self, to, target](const StoreReply& stored) {
            auto& s = self->state;
            if (!stored.ok) {
              // The clock stays where it was: what fired so far stays fired.
              finish(self, Error{stored.error.code,
                                 "the clock's time could not be stored: " + stored.error.message});
              return;
            }
            const std::size_t fired = s.clock->fire_until(to);
            s.report.fired += fired;
            s.report.steps += 1;
            if (fired == 0 && to == target) {
              s.report.now = to;
              adapters::log(adapters::LogLevel::kInfo, "clock.advanced",
                            {{"now", format_timestamp(to)},
                             {"fired", s.report.fired},
                             {"steps", s.report.steps}});
              finish(self, s.report);
              return;
            }
            wait_until_quiet(self);
          },
          [self](caf::error& err) {
            finish(self, Error{ErrorCode::kStoreUnavailable,
                               "the clock's time could not be stored: " + caf::to_string(err)});
          });
}

ClockActor::behavior_type clock_behavior(Self* self, ClockPtr clock, StoreActor store,
                                         std::shared_ptr<StoreStats> stats, ClockOptions options) {
  auto& st = self->state;
  st.clock = std::move(clock);
  st.store = std::move(store);
  st.stats = std::move(stats);
  st.options = options;
  self->set_exception_handler(crash_handler("clock"));
  return {
      [self](advance_atom, ClockAdvance& advance) {
        auto& s = self->state;
        s.queue.push_back(std::move(advance));
        if (s.queue.size() == 1) {
          s.report = ClockReport{};
          // Work under way (an execution just started, a callback just taken) first asks for
          // its wake-ups at the current time; only then is the earliest one known.
          wait_until_quiet(self);
        }
      },
      [self](check_atom) {
        auto& s = self->state;
        if (s.queue.empty()) return;
        const Activity now = activity(self);
        const auto at = std::chrono::steady_clock::now();
        if (now != s.seen) {
          s.seen = now;
          s.quiet_since = at;
        } else if (at - s.quiet_since >= s.options.quiet) {
          step(self);
          return;
        }
        self->delayed_send(self, s.options.poll, check_atom::value);
      },
  };
}

}  // namespace

ClockActor spawn_clock(caf::actor_system& system, ClockPtr clock, StoreActor store,
                       std::shared_ptr<StoreStats> stats, ClockOptions options) {
  return system.spawn(clock_behavior, std::move(clock), std::move(store), std::move(stats),
                      options);
}

}  // namespace settled::actors
