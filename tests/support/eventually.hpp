#pragma once
// Waiting for a condition instead of sleeping and hoping: polls until it holds or a deadline
// passes, so a slow (loaded, sanitizer) run only waits longer and a broken one fails with a
// message instead of hanging until the ctest timeout.

#include <chrono>
#include <thread>

namespace settled::testing {

// Polls `condition` every `poll` until it returns true (true) or `timeout` has passed (false,
// after one last look).
template <class Condition>
bool eventually(Condition condition, std::chrono::milliseconds timeout = std::chrono::seconds(10),
                std::chrono::milliseconds poll = std::chrono::milliseconds(10)) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    if (condition()) return true;
    std::this_thread::sleep_for(poll);
  }
  return condition();
}

}  // namespace settled::testing
