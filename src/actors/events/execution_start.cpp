#include "actors/events/execution_start.hpp"

#include "adapters/ops/log.hpp"
#include "domain/resources/start_execution.hpp"

#include <boost/json.hpp>
#include <caf/all.hpp>

#include <memory>

namespace settled::actors {

std::optional<StartRequest> execution_start(const TaskAttempt& attempt, const aws::ArnScope& scope,
                                            const aws::ChildNameSalt& salt,
                                            caf::typed_response_promise<TaskOutcome> rp) {
  auto parsed = parse_start_execution(attempt.parameters, scope);
  if (!parsed) {
    rp.deliver(start_execution_refused(parsed.error()));
    return std::nullopt;
  }
  auto start = std::make_shared<StartExecutionParameters>(std::move(*parsed));
  if (start->name.empty())
    start->name = started_execution_name(attempt.idempotency_key, salt, attempt.key_first_used);
  StartRequest request;
  request.state_machine = start->state_machine;
  request.name = start->name;
  request.input = start->input;
  adapters::log(adapters::LogLevel::kInfo, "execution.start_execution",
                {{"executionId", attempt.execution_id},
                 {"state", attempt.state_name},
                 {"started", start->state_machine + ":" + start->name}});
  request.reply = [rp, start](Answer answer) mutable {
    if (!answer) {
      rp.deliver(start_execution_refused(answer.error()));
      return;
    }
    auto outcome = TaskOutcome::success(
        started_execution_result(*start, answer->body, answer->outcome == Outcome::kCreated));
    outcome.start_date = answer->start;  // for the AWS form's StartDate, as the supervisor knew it
    rp.deliver(std::move(outcome));
  };
  return request;
}

}  // namespace settled::actors
