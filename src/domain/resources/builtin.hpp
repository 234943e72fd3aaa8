#pragma once
// The catalogue of built-in task resources and how each one runs.

#include "domain/error.hpp"
#include "domain/resources/task_outcome.hpp"

#include <optional>
#include <string>

namespace settled {

enum class ResourceKind {
  kInline,  // a pure function of its parameters: runs inside the transition, writes commit with it
  kRead,    // reads committed state (after the pending transition has committed);
            // records.update/delete then write, committed with the task's transition
  kRemote,  // calls out (Stripe): the scheduled transition commits first, then the call is made
  // settled:ledger.*: asked of the accounts router (`ledger_atom, TaskAttempt -> TaskOutcome`)
  // after the scheduled transition commits, like kRemote. The router commits the operation in
  // its own LMDB commit before answering; a retry with the same idempotency key replays it.
  kLedger,
  kChildExecution,  // states.startExecution.sync: runs another state machine as a child
  kEvents,  // events.waitFor: takes a stored event, or waits for one (by token); webhooks.ingest:
            // stores a Stripe event and posts it to its waiters (the events actor's commit);
            // tasks.sendSuccess/sendFailure: another execution's token answered through it;
            // states.startExecution: a new top-level execution started through it
  // settled:ledger.reconcile: after the scheduled transition commits, a worker actor on a thread
  // of its own reads every ledger table in one read transaction and answers the report
  // (actors/reconcile_worker.hpp); nothing is written.
  kReconcile,
};

struct ResourceInfo {
  ResourceKind kind;
  // Validators that, as a state machine's first state, are also checked at admission so
  // that bad input is refused with 400 and never becomes an execution.
  bool admission_check = false;
};

// Any resource may end in ".waitForTaskToken": it runs, then the state waits for
// SendTaskSuccess/Failure with $$.Task.Token. find_resource looks through the suffix.
bool waits_for_task_token(const std::string& resource);
std::string base_resource(const std::string& resource);
// Whether an attempt of this resource hands out a task token ($$.Task.Token).
bool needs_task_token(const std::string& resource);

std::optional<ResourceInfo> find_resource(const std::string& resource);

// Runs a kInline resource.
TaskOutcome run_inline_resource(const TaskAttempt& attempt);

}  // namespace settled

namespace settled {

// For a resource with admission_check: the refusal (InvalidRequest / InvalidAmount, naming the
// field under "input") if the parameters break its contract, nullopt if they are fine.
std::optional<Error> check_admission(const TaskAttempt& attempt);

}  // namespace settled
