#include "actors/clock.hpp"

#include "actors/engine.hpp"

#include <caf/abstract_actor.hpp>
#include <caf/message_id.hpp>

#include <vector>

namespace settled::actors {

std::shared_ptr<Clock> Clock::system() {
  return std::shared_ptr<Clock>(new Clock(false, 0));
}

std::shared_ptr<Clock> Clock::simulated(EpochMillis start) {
  return std::shared_ptr<Clock>(new Clock(true, start));
}

EpochMillis Clock::now() const {
  return simulated_ ? now_.load() : system_now();
}

void Clock::wake_at(EpochMillis due, const caf::strong_actor_ptr& receiver, caf::message message) {
  if (!receiver) return;
  requested_.fetch_add(1);
  Wake wake{caf::actor_cast<caf::weak_actor_ptr>(receiver), std::move(message)};
  {
    std::lock_guard<std::mutex> lock(mutex_);
    // Checked under the lock: fire_until moves now_ under it, so a wake is either in the map
    // before a step reads it, or sees the step's time and is delivered here.
    if (due > now_.load()) {
      wakes_.emplace(std::make_pair(due, sequence_++), std::move(wake));
      return;
    }
  }
  deliver(wake);
}

std::optional<EpochMillis> Clock::next_due() const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (wakes_.empty()) return std::nullopt;
  return wakes_.begin()->first.first;
}

std::size_t Clock::pending() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return wakes_.size();
}

std::size_t Clock::fire_until(EpochMillis to) {
  std::vector<Wake> due;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (to > now_.load()) now_.store(to);
    auto end = wakes_.upper_bound({to, UINT64_MAX});
    for (auto it = wakes_.begin(); it != end; ++it) due.push_back(std::move(it->second));
    wakes_.erase(wakes_.begin(), end);
  }
  for (const Wake& wake : due) deliver(wake);
  return due.size();
}

void Clock::deliver(const Wake& wake) const {
  if (auto receiver = caf::actor_cast<caf::strong_actor_ptr>(wake.receiver))
    receiver->enqueue(nullptr, caf::make_message_id(), wake.message, nullptr);
}

}  // namespace settled::actors
