#include "domain/resources/builtin.hpp"

#include "domain/resources/alert.hpp"
#include "domain/resources/decimal_to_minor.hpp"
#include "domain/resources/money_check.hpp"
#include "domain/resources/notify.hpp"
#include "domain/resources/payment_validation.hpp"
#include "domain/resources/records.hpp"
#include "domain/resources/time_until.hpp"
#include "domain/stripe/stripe_calls.hpp"
#include "domain/veriff/veriff_calls.hpp"

#include <map>

namespace settled {

namespace {

struct Entry {
  ResourceInfo info;
  TaskOutcome (*run)(const TaskAttempt&);
};

const std::map<std::string, Entry>& catalogue() {
  static const std::map<std::string, Entry> entries = {
      {"settled:payment.validate", {{ResourceKind::kInline, true}, &run_payment_validate}},
      {"settled:records.put", {{ResourceKind::kInline, false}, &run_records_put}},
      {"settled:records.get", {{ResourceKind::kRead, false}, nullptr}},
      // Read-modify-write and delete (records_update.hpp): the engine reads the record, the
      // write commits with the task's transition.
      {"settled:records.update", {{ResourceKind::kRead, false}, nullptr}},
      {"settled:records.delete", {{ResourceKind::kRead, false}, nullptr}},
      {"settled:notify.send", {{ResourceKind::kInline, false}, &run_notify_send}},
      {"settled:alert.raise", {{ResourceKind::kInline, false}, &run_alert_raise}},
      {"settled:time.until", {{ResourceKind::kInline, false}, &run_time_until}},
      {"settled:money.check", {{ResourceKind::kInline, false}, &run_money_check}},
      {"settled:decimal.toMinor", {{ResourceKind::kInline, false}, &run_decimal_to_minor}},
      {"settled:ledger.deposit", {{ResourceKind::kLedger, false}, nullptr}},
      {"settled:ledger.withdraw", {{ResourceKind::kLedger, false}, nullptr}},
      {"settled:ledger.hold", {{ResourceKind::kLedger, false}, nullptr}},
      {"settled:ledger.release", {{ResourceKind::kLedger, false}, nullptr}},
      {"settled:ledger.cancel", {{ResourceKind::kLedger, false}, nullptr}},
      {"settled:ledger.freeze", {{ResourceKind::kLedger, false}, nullptr}},
      {"settled:ledger.unfreeze", {{ResourceKind::kLedger, false}, nullptr}},
      {"settled:ledger.split", {{ResourceKind::kLedger, false}, nullptr}},
      {"settled:ledger.transfer", {{ResourceKind::kLedger, false}, nullptr}},
      {"settled:ledger.expire", {{ResourceKind::kLedger, false}, nullptr}},
      {"settled:ledger.balance", {{ResourceKind::kLedger, false}, nullptr}},
      {"settled:ledger.reconcile", {{ResourceKind::kReconcile, false}, nullptr}},
      {"settled:states.startExecution.sync", {{ResourceKind::kChildExecution, false}, nullptr}},
      {"settled:events.waitFor", {{ResourceKind::kEvents, false}, nullptr}},
      {"settled:events.put", {{ResourceKind::kEvents, false}, nullptr}},
      // Answers go to the waiting execution through the events actor (actors/events/task_answer).
      {"settled:tasks.sendSuccess", {{ResourceKind::kEvents, false}, nullptr}},
      {"settled:tasks.sendFailure", {{ResourceKind::kEvents, false}, nullptr}},
      // A new top-level execution, started through the events actor as an event rule starts
      // one (actors/events/execution_start).
      {"settled:states.startExecution", {{ResourceKind::kEvents, false}, nullptr}},
      {"settled:webhooks.check", {{ResourceKind::kRead, false}, nullptr}},
      {"settled:webhooks.ingest", {{ResourceKind::kEvents, false}, nullptr}},
      {"settled:states.startExecution.sync:2", {{ResourceKind::kChildExecution, false}, nullptr}},
      // A Lambda function mapped to a URL (resource-map): POSTs {FunctionName, Payload}'s
      // payload there (adapters/lambda/http_invoke_client.hpp, docs/aws-resources.md).
      {"settled:http.invoke", {{ResourceKind::kRemote, false}, nullptr}},
  };
  return entries;
}

}  // namespace

namespace {
constexpr std::string_view kWaitForTaskToken = ".waitForTaskToken";
}  // namespace

bool waits_for_task_token(const std::string& resource) {
  return resource.size() > kWaitForTaskToken.size() &&
         resource.compare(resource.size() - kWaitForTaskToken.size(), kWaitForTaskToken.size(),
                          kWaitForTaskToken) == 0;
}

std::string base_resource(const std::string& resource) {
  return waits_for_task_token(resource)
             ? resource.substr(0, resource.size() - kWaitForTaskToken.size())
             : resource;
}

bool needs_task_token(const std::string& resource) {
  return waits_for_task_token(resource) || base_resource(resource) == "settled:events.waitFor";
}

std::optional<ResourceInfo> find_resource(const std::string& resource) {
  // Every Stripe call (domain/stripe/stripe_calls.hpp) goes to the Stripe actor, the live
  // client or the simulator, which dispatches on the resource name.
  if (stripe::find_stripe_call(base_resource(resource)))
    return ResourceInfo{ResourceKind::kRemote, false};
  // Every Veriff call (domain/veriff/veriff_calls.hpp) goes to the Veriff simulator.
  if (veriff::is_veriff_call(base_resource(resource)))
    return ResourceInfo{ResourceKind::kRemote, false};
  auto it = catalogue().find(base_resource(resource));
  if (it == catalogue().end()) return std::nullopt;
  return it->second.info;
}

TaskOutcome run_inline_resource(const TaskAttempt& attempt) {
  auto it = catalogue().find(attempt.resource);
  if (it == catalogue().end() || !it->second.run)
    return TaskOutcome::failure("States.TaskFailed",
                                "resource " + attempt.resource + " cannot run inline");
  return it->second.run(attempt);
}

}  // namespace settled

namespace settled {

std::optional<Error> check_admission(const TaskAttempt& attempt) {
  if (attempt.resource == "settled:payment.validate") {
    auto payment = validate_payment(attempt.parameters, "input");
    if (!payment) return payment.error();
  }
  return std::nullopt;
}

}  // namespace settled
