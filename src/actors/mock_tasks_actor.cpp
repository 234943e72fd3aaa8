#include "actors/mock_tasks_actor.hpp"

#include "actors/messages.hpp"
#include "domain/asl/errors.hpp"

#include <caf/all.hpp>

#include <map>
#include <utility>

namespace settled::actors {

namespace {

struct MockTasksState {
  std::shared_ptr<const asl::MockConfig> config;
  // (execution id, state name) -> calls so far
  std::map<std::pair<std::string, std::string>, std::int64_t> invocations;
  static inline const char* name = "mock_tasks";
};

MockTasksActor::behavior_type mock_tasks(MockTasksActor::stateful_pointer<MockTasksState> self,
                                         std::shared_ptr<const asl::MockConfig> config) {
  self->state.config = std::move(config);
  return {
      [self](mock_atom, MockCall& call) -> TaskOutcome {
        auto& count = self->state.invocations[{call.execution_id, call.state}];
        auto answer =
            self->state.config->answer(call.state_machine, call.test_case, call.state, count);
        ++count;
        if (!answer)
          return TaskOutcome::failure(
              std::string(asl::errors::kTaskFailed),
              "test case \"" + call.test_case + "\" does not mock state \"" + call.state + "\"");
        if (!answer->ok) return TaskOutcome::failure(answer->error, answer->cause);
        return TaskOutcome::success(std::move(answer->result));
      },
  };
}

}  // namespace

MockTasksActor spawn_mock_tasks(caf::actor_system& system,
                                std::shared_ptr<const asl::MockConfig> config) {
  return system.spawn(mock_tasks, std::move(config));
}

}  // namespace settled::actors
