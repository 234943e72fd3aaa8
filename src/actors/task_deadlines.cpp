#include "actors/task_deadlines.hpp"

#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>

namespace settled::actors {

TaskDeadlines::Ticket TaskDeadlines::arm(TimePoint due, caf::actor_addr execution) {
  const Ticket ticket{due, next_id_.fetch_add(1), true};
  std::lock_guard<std::mutex> lock(mutex_);
  armed_.emplace(std::make_pair(ticket.due, ticket.id), std::move(execution));
  return ticket;
}

void TaskDeadlines::disarm(const Ticket& ticket) {
  if (!ticket.timed) return;
  std::lock_guard<std::mutex> lock(mutex_);
  armed_.erase(std::make_pair(ticket.due, ticket.id));
}

std::vector<TaskDeadlines::Overdue> TaskDeadlines::take_due(TimePoint now) {
  std::vector<Overdue> due;
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = armed_.begin();
  for (; it != armed_.end() && it->first.first <= now; ++it)
    due.push_back(Overdue{it->first.second, std::move(it->second)});
  armed_.erase(armed_.begin(), it);
  return due;
}

std::size_t TaskDeadlines::armed() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return armed_.size();
}

namespace {

caf::behavior sweeper(caf::event_based_actor* self, TaskDeadlinesPtr deadlines,
                      ExecutionsActor supervisor) {
  self->monitor(supervisor);
  self->set_down_handler([self](const caf::down_msg&) { self->quit(); });
  self->delayed_send(self, kTaskDeadlineSweep, sweep_atom::value);
  return {
      [self, deadlines](sweep_atom) {
        for (auto& overdue : deadlines->take_due(self->clock().now())) {
          // An execution that has stopped since is simply not told.
          if (auto execution = caf::actor_cast<caf::strong_actor_ptr>(overdue.execution))
            caf::anon_send(caf::actor_cast<ExecutionActor>(std::move(execution)),
                           task_deadline_atom::value, overdue.id);
        }
        self->delayed_send(self, kTaskDeadlineSweep, sweep_atom::value);
      },
  };
}

}  // namespace

void spawn_task_deadline_sweeper(caf::actor_system& system, TaskDeadlinesPtr deadlines,
                                 const ExecutionsActor& supervisor) {
  system.spawn(sweeper, std::move(deadlines), supervisor);
}

}  // namespace settled::actors
