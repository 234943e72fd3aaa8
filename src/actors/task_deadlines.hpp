#pragma once
// The deadlines of the task calls execution actors have out (a Task's TimeoutSeconds, else the
// engine's default). CAF's request timeout would keep them, but CAF 0.17's clock wakes its own
// thread for every timeout set, and that wake-up, once per task call, cost about 4 % of the
// engine's CPU on two cores (docs/benchmarks.md, session 32). Arming one here takes a mutex and
// wakes no thread; one sweeper looks every kTaskDeadlineSweep and tells each execution whose
// call is overdue, so a task times out at most that long after its deadline.

#include "actors/interfaces.hpp"

#include <caf/actor_addr.hpp>
#include <caf/actor_clock.hpp>
#include <caf/fwd.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

namespace settled::actors {

inline constexpr std::chrono::milliseconds kTaskDeadlineSweep{100};

class TaskDeadlines {
 public:
  using TimePoint = caf::actor_clock::time_point;
  // What an execution keeps of its call: to disarm it, and to know the sweeper's word for it.
  struct Ticket {
    TimePoint due{};
    std::uint64_t id = 0;  // 0: nothing armed
    bool timed = false;    // armed in the map (arm), not untimed()
  };
  struct Overdue {
    std::uint64_t id = 0;
    caf::actor_addr execution;
  };

  Ticket arm(TimePoint due, caf::actor_addr execution);
  // A call with no deadline (a ledger operation): an id its answer is matched by, nothing
  // armed, no lock taken.
  Ticket untimed() { return Ticket{TimePoint::max(), next_id_.fetch_add(1), false}; }
  // Does nothing when the sweeper has already taken the ticket, or it is untimed.
  void disarm(const Ticket& ticket);
  // The calls due by `now`, taken out.
  std::vector<Overdue> take_due(TimePoint now);
  std::size_t armed() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::pair<TimePoint, std::uint64_t>, caf::actor_addr> armed_;
  std::atomic<std::uint64_t> next_id_{1};
};

using TaskDeadlinesPtr = std::shared_ptr<TaskDeadlines>;

// Every kTaskDeadlineSweep (on the actor clock, so a test clock drives it), sends each overdue
// execution `task_deadline_atom, id`. Stops when `supervisor` does.
void spawn_task_deadline_sweeper(caf::actor_system& system, TaskDeadlinesPtr deadlines,
                                 const ExecutionsActor& supervisor);

}  // namespace settled::actors
