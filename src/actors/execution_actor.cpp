// The execution actor's behavior: its messages, in the order they may arrive, handed to the
// Execution (execution/execution.hpp), whose parts live in src/actors/execution/ by job.

#include "actors/execution_actor.hpp"

#include "actors/execution/execution.hpp"
#include "actors/messages.hpp"
#include "adapters/ops/crash_log.hpp"
#include "adapters/ops/log.hpp"

#include <memory>

namespace settled::actors {

using adapters::LogLevel;
using execution::Execution;

ExecutionActor::behavior_type execution_behavior(ExecutionActor::pointer self,
                                                 ExecutionSpawn spawn) {
  // An exception ends this execution's actor, never its supervisor: logged here with the id,
  // it reaches the supervisor as the DOWN reason, which quarantines the execution.
  self->set_exception_handler([id = spawn.record.id](caf::scheduled_actor*,
                                                     std::exception_ptr& eptr) -> caf::error {
    std::string cause = adapters::exception_cause(eptr);
    adapters::log(LogLevel::kError, "execution.crashed", {{"executionId", id}, {"cause", cause}});
    return caf::make_error(caf::sec::runtime_error, std::move(cause));
  });
  auto execution = std::make_shared<Execution>(self, std::move(spawn));
  // Start after the behavior is installed, so replies to our first requests find it.
  self->send(self, resume_atom::value, true);
  return {
      [execution](resume_atom, bool first) {
        if (first) execution->begin();
      },
      [execution](resume_atom) { execution->reload(); },
      [execution](wake_atom, std::int64_t entered_event_id) { execution->wake(entered_event_id); },
      [execution](task_deadline_atom, std::uint64_t call) { execution->call_overdue(call); },
      [execution](branch_done_atom, const std::string& child_id) {
        if (!execution->begun())
          return execution->defer([execution, child_id] { execution->branch_done(child_id); });
        execution->branch_done(child_id);
      },
      // Answered at once: the execution has taken the callback (the supervisor retries
      // through a fresh actor if this one had already passivated).
      [execution](task_callback_atom, TaskCallback& cb) {
        if (!execution->begun()) {
          auto shared = std::make_shared<TaskCallback>(std::move(cb));
          execution->defer([execution, shared] { execution->callback(*shared); });
        } else {
          execution->callback(cb);
        }
        return true;
      },
  };
}

}  // namespace settled::actors
