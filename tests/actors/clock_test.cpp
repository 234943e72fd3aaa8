// The simulated clock (actors/clock.hpp) and its driver (actors/clock_actor.hpp) on CAF's testing
// scheduler: wakes fire only when the clock is advanced, in due order, each seeing now() equal
// to its due time; a wake set by a fired one fires in the same advance; the time is durable; the
// clock never goes back; and a real execution's durable 24-hour Wait runs to its end on it.

#include "actors/clock.hpp"
#include "actors/clock_actor.hpp"
#include "deterministic_fixture.hpp"

#include <gtest/gtest.h>

#include <caf/all.hpp>

#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace settled::actors::testing {
namespace {

constexpr EpochMillis kStart = 1'767'603'600'000;  // 2026-01-05T09:00:00Z
constexpr EpochMillis kHour = 3'600'000;

// What a recorder saw: the label of each wake, and the clock's time when it ran.
using Seen = std::vector<std::pair<std::int64_t, EpochMillis>>;

class SimulatedClock : public DeterministicEngine {
 protected:
  SimulatedClock() : DeterministicEngine(Clock::simulated(kStart)) {
    ClockOptions options;
    options.quiet = std::chrono::milliseconds(0);  // run() leaves every actor idle already
    clock_actor_ = spawn_clock(system_, engine_->clock, engine_->store, store_stats_, options);
    run();
  }

  ~SimulatedClock() override {
    caf::anon_send_exit(clock_actor_, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(recorder_, caf::exit_reason::user_shutdown);
    run();
    clock_actor_ = nullptr;
    recorder_ = nullptr;
  }

  Clock& clock() { return *engine_->clock; }

  // An actor that records each (wake_atom, label) with the clock's time; a label listed in
  // `plan` asks for one more wake, `plan[label]` after its own.
  void spawn_recorder(std::map<std::int64_t, EpochMillis> plan = {}) {
    // The plan is a spawn argument, not a capture: CAF 0.17 reads a null argument tuple for a
    // function actor spawned with none (UBSan: reference binding to null pointer).
    using Then = std::map<std::int64_t, EpochMillis>;
    recorder_ = system_.spawn(
        [this](caf::event_based_actor* self, Then then) -> caf::behavior {
          return {[this, self, then](wake_atom, std::int64_t label) {
            const EpochMillis now = clock().now();
            seen_.emplace_back(label, now);
            if (auto more = then.find(label); more != then.end())
              clock().wake_at(now + more->second, caf::actor_cast<caf::strong_actor_ptr>(self),
                              caf::make_message(wake_atom::value, label + 1));
          }};
        },
        std::move(plan));
    run();
  }

  void wake_recorder_at(EpochMillis due, std::int64_t label) {
    clock().wake_at(due, caf::actor_cast<caf::strong_actor_ptr>(recorder_),
                    caf::make_message(wake_atom::value, label));
  }

  // Runs an advance to the end: the clock actor polls for quiet on the scheduler's clock.
  std::optional<Result<ClockReport>> advance_to(EpochMillis to) {
    auto answer = std::make_shared<std::optional<Result<ClockReport>>>();
    ClockAdvance advance;
    advance.to = to;
    advance.reply = [answer](Result<ClockReport> report) { *answer = std::move(report); };
    caf::anon_send(clock_actor_, advance_atom::value, std::move(advance));
    for (int polls = 0; polls < 1000 && !answer->has_value(); ++polls)
      DeterministicEngine::advance(std::chrono::milliseconds(5));
    return *answer;
  }

  ClockActor clock_actor_;
  caf::actor recorder_;
  Seen seen_;
};

TEST_F(SimulatedClock, WakesFireOnlyWhenAdvancedInDueOrderEachAtItsTime) {
  spawn_recorder();
  wake_recorder_at(kStart + 300, 3);
  wake_recorder_at(kStart + 100, 1);
  wake_recorder_at(kStart + 200, 2);
  wake_recorder_at(kStart + 200, 22);  // the same time: in the order asked
  // Wall time passing fires nothing.
  DeterministicEngine::advance(std::chrono::hours(48));
  EXPECT_TRUE(seen_.empty());
  EXPECT_EQ(clock().now(), kStart);

  auto report = advance_to(kStart + 250);
  ASSERT_TRUE(report.has_value());
  ASSERT_TRUE(report->ok()) << report->error().message;
  EXPECT_EQ((*report)->now, kStart + 250);
  EXPECT_EQ((*report)->fired, 3u);
  EXPECT_EQ(seen_, (Seen{{1, kStart + 100}, {2, kStart + 200}, {22, kStart + 200}}));
  EXPECT_EQ(clock().now(), kStart + 250);

  report = advance_to(kStart + 1000);
  ASSERT_TRUE(report && report->ok());
  EXPECT_EQ(seen_.back(), (std::pair<std::int64_t, EpochMillis>{3, kStart + 300}));
  EXPECT_EQ(clock().now(), kStart + 1000);
  EXPECT_EQ(clock().pending(), 0u);
}

TEST_F(SimulatedClock, AWakeSetByAFiredOneFiresInTheSameAdvanceAtItsOwnTime) {
  spawn_recorder({{1, 50}, {2, 5 * kHour}});
  wake_recorder_at(kStart + 100, 1);
  auto report = advance_to(kStart + 2 * kHour);
  ASSERT_TRUE(report && report->ok());
  // 1 fires at +100 and asks for 2 at +150, which fires; 2 asks for 3 past the target.
  EXPECT_EQ(seen_, (Seen{{1, kStart + 100}, {2, kStart + 150}}));
  EXPECT_EQ(clock().next_due(), kStart + 150 + 5 * kHour);
  EXPECT_EQ((*report)->steps, 3u);  // +100, +150, the target
}

TEST_F(SimulatedClock, TheTimeIsStoredBeforeItMovesAndNeverGoesBack) {
  auto report = advance_to(kStart + kHour);
  ASSERT_TRUE(report && report->ok());
  EXPECT_EQ(engine_->db->get(Table::kMeta, std::string(kSimulatedClockKey)),
            std::to_string(kStart + kHour));

  report = advance_to(kStart + kHour - 1);
  ASSERT_TRUE(report.has_value());
  ASSERT_FALSE(report->ok());
  EXPECT_EQ(report->error().code, ErrorCode::kInvalidRequest);
  EXPECT_EQ(clock().now(), kStart + kHour);
  EXPECT_EQ(engine_->db->get(Table::kMeta, std::string(kSimulatedClockKey)),
            std::to_string(kStart + kHour));
}

TEST_F(SimulatedClock, ADurableDayLongWaitEndsWhenTheClockReachesIt) {
  add_workflow("review", R"({"StartAt": "Review", "States": {
      "Review": {"Type": "Wait", "Seconds": 86400, "Next": "Decide"},
      "Decide": {"Type": "Wait", "Seconds": 60, "Next": "Done"},
      "Done": {"Type": "Succeed"}}})");
  ASSERT_TRUE(start("review", "r-1", boost::json::object{}).has_value());
  DeterministicEngine::advance(std::chrono::hours(50));  // wall time: nothing happens
  EXPECT_EQ(status_of("review:r-1"), "RUNNING");

  ASSERT_TRUE(advance_to(kStart + 24 * kHour - 1).has_value());
  EXPECT_EQ(status_of("review:r-1"), "RUNNING");
  auto report = advance_to(kStart + 48 * kHour);
  ASSERT_TRUE(report && report->ok());
  auto rec = record("review:r-1");
  ASSERT_TRUE(rec);
  EXPECT_EQ(std::string(status_name(rec->status)), "SUCCEEDED");
  // Both waits, in one advance, each ended exactly at its due time.
  EXPECT_EQ(rec->stop - rec->start, 24 * kHour + 60'000);
}

TEST_F(SimulatedClock, AnAdvanceAskedForWhileAnExecutionStartsLetsItSetItsTimerFirst) {
  add_workflow("nap", R"({"StartAt": "Nap", "States": {
      "Nap": {"Type": "Wait", "Seconds": 3600, "End": true}}})");
  // The start and the advance are in the mailboxes together: the Wait's timer is not set yet
  // when the advance arrives.
  auto started = send_start("nap", "n-1", boost::json::object{});
  auto report = advance_to(kStart + 2 * kHour);
  ASSERT_TRUE(started->has_value());
  ASSERT_TRUE(report && report->ok());
  auto rec = record("nap:n-1");
  ASSERT_TRUE(rec);
  EXPECT_EQ(std::string(status_name(rec->status)), "SUCCEEDED");
  EXPECT_EQ(rec->stop - rec->start, kHour);  // at its due time, not at the advance's target
}

}  // namespace
}  // namespace settled::actors::testing
