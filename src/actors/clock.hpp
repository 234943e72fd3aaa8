#pragma once
// The business clock (docs/clock.md): the one place everything about the business asks for "now"
// and for "wake me at T" — durable timers (Wait, retry backoff, callback TimeoutSeconds and
// HeartbeatSeconds, execution TimeoutSeconds), an execution's short in-memory waits, escrow
// expiries. Either the system clock (wall time; a wake is CAF's delayed_send) or a simulated
// clock (`--clock=simulated`): time stands still until the clock actor advances it, and then
// every wake falls due in due order, each seeing now() equal to its due time.
//
// A new timed thing joins by asking `engine->now()` for the time and calling `wake_at(self,
// clock, now, due, message...)` for its next due time — never delayed_send with a business
// delay. It wakes at that time on either clock. Process concerns (HTTP deadlines, retries after
// a store fault, the watchdog) stay on wall time: they are about this process, not the business.

#include "domain/time.hpp"

#include <caf/actor_cast.hpp>
#include <caf/actor_control_block.hpp>
#include <caf/message.hpp>
#include <caf/weak_intrusive_ptr.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>

namespace settled::actors {

class Clock {
 public:
  // Wall time.
  static std::shared_ptr<Clock> system();
  // Simulated time, starting at `start`.
  static std::shared_ptr<Clock> simulated(EpochMillis start);

  bool is_simulated() const { return simulated_; }
  EpochMillis now() const;

  // Simulated clock only: hands `message` to `receiver` once now() reaches `due` (at once if it
  // has). The receiver is held weakly: a wake for an actor that has gone is dropped.
  void wake_at(EpochMillis due, const caf::strong_actor_ptr& receiver, caf::message message);

  // Simulated clock only: the earliest pending wake's due time.
  std::optional<EpochMillis> next_due() const;
  // Simulated clock only: moves now() to `to` (never back) and hands every wake due by then to
  // its actor, earliest first. Returns how many were handed over.
  std::size_t fire_until(EpochMillis to);
  // Wakes asked for so far: the advance watches it to see the daemon settle.
  std::uint64_t wakes_requested() const { return requested_.load(); }
  std::size_t pending() const;

 private:
  explicit Clock(bool simulated, EpochMillis start) : simulated_(simulated), now_(start) {}
  struct Wake {
    caf::weak_actor_ptr receiver;
    caf::message message;
  };
  void deliver(const Wake& wake) const;

  const bool simulated_;
  std::atomic<EpochMillis> now_;
  std::atomic<std::uint64_t> requested_{0};
  mutable std::mutex mutex_;
  std::uint64_t sequence_ = 0;  // wakes due at the same time fire in the order asked
  std::map<std::pair<EpochMillis, std::uint64_t>, Wake> wakes_;
};

using ClockPtr = std::shared_ptr<Clock>;

// Wakes `self` with `xs...` when the business clock reaches `due`: through the simulated clock
// when there is one, else CAF's delayed_send by the wall-time difference (`now` is the caller's
// engine->now()). A null clock is the system clock (tests and benches build engines without one).
template <class Self, class... Ts>
void wake_at(Self* self, const ClockPtr& clock, EpochMillis now, EpochMillis due, Ts&&... xs) {
  if (clock && clock->is_simulated()) {
    clock->wake_at(due, caf::actor_cast<caf::strong_actor_ptr>(self),
                   caf::make_message(std::forward<Ts>(xs)...));
    return;
  }
  const auto delay = std::chrono::milliseconds(std::max<EpochMillis>(0, due - now));
  self->delayed_send(self, delay, std::forward<Ts>(xs)...);
}

}  // namespace settled::actors
