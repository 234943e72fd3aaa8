// Parallel and Map: each branch (or item) runs as a branch execution of its own, with its own
// durable record, history and actor; this execution waits in Phase::kBranches until they have
// ended, then takes their outputs (or the first failure) as the state's result. A child workflow
// (children.cpp) is run as a branch of its Task state by the same code.

#include "actors/execution/execution.hpp"

#include "domain/asl/errors.hpp"
#include "domain/execution_control.hpp"
#include "domain/storage_keys.hpp"

namespace settled::actors::execution {

// A branch execution ended (its final record is durable). Stale reports are ignored.
void Execution::branch_done(const std::string& child_id) {
  if (rec_.phase != Phase::kBranches) return;
  const std::string prefix = rec_.branch_prefix();
  if (child_id.compare(0, prefix.size(), prefix) != 0) return;  // an earlier run's branch
  const std::size_t index = std::stoul(child_id.substr(prefix.size()));
  if (index >= rec_.branches.size() || rec_.branches[index] != branch_state::kRunning) return;
  auto child = load_branch(index);
  if (!child || child->status == ExecutionStatus::kRunning) return;
  const asl::State* state = current_state();
  if (!state) return;
  if (settle_branch(*state, index, *child)) advance_branches(*state);
}

void Execution::start_branches(const asl::State& state, asl::RunBranches run) {
  branch_inputs_ = std::move(run.inputs);
  branch_limit_ = run.max_concurrency;
  branch_distributed_ = run.distributed;
  branch_tolerated_ = run.tolerated_failures;
  json::object details;
  if (is_map(state)) details["length"] = static_cast<std::int64_t>(branch_inputs_.size());
  rec_.branches_event_id =
      history_.add(engine_->now(), is_map(state) ? "MapStateStarted" : "ParallelStateStarted",
                   std::move(details));
  rec_.branches.assign(branch_inputs_.size(), branch_state::kQueued);
  rec_.phase = Phase::kBranches;
  advance_branches(state);
}

// After a restart: the branch inputs are computed again (the same input gives the same
// items), branches that ended while the daemon was down are settled, and queued ones start.
void Execution::resume_branches() {
  const asl::State* state = current_state();
  if (!state) return;
  if (rec_.branches.empty()) return redrive_branches(*state);
  asl::Step step = asl::enter_state(*state, rec_.state_input, context());
  if (auto* task = std::get_if<asl::RunTask>(&step)) {
    // A child workflow: its one input comes from the task's parameters.
    auto target = child_target(task->parameters);
    if (target) {
      child_machine_ = target->machine;
      child_given_name_ = target->name;
      step = asl::RunBranches{{std::move(target->input)}, 0};
    }
  }
  auto* run = std::get_if<asl::RunBranches>(&step);
  if (!run || run->inputs.size() != rec_.branches.size()) {
    finish_failed(std::string(asl::errors::kRuntime),
                  "the branches of state '" + state->name + "' could not be resumed");
    return;
  }
  branch_inputs_ = std::move(run->inputs);
  branch_limit_ = run->max_concurrency;
  branch_distributed_ = run->distributed;
  branch_tolerated_ = run->tolerated_failures;
  for (std::size_t i = 0; i < rec_.branches.size(); ++i) {
    if (rec_.branches[i] != branch_state::kRunning) continue;
    auto child = load_branch(i);
    if (child && child->status == ExecutionStatus::kRunning) continue;  // it reports when done
    if (!child) {
      // Written in the same commit as our record, so this cannot happen unless LMDB lost it.
      ExecutionRecord missing;
      missing.status = ExecutionStatus::kFailed;
      missing.error = std::string(asl::errors::kRuntime);
      missing.cause = "branch execution " + rec_.branch_id(i) + " is missing";
      child = std::move(missing);
    }
    if (!settle_branch(*state, i, *child)) return;  // the state failed: it has moved on
  }
  advance_branches(*state);
}

// A redrive of an execution that ended in this state's branches (execution_control.cpp): as
// Step Functions' RedriveExecution, the branches and iterations that succeeded keep their
// results, those that failed or were aborted are redriven from where they ended (a nested
// Parallel or Map doing the same), and those that never started start now. A child workflow
// (a Task) runs again as a new child.
void Execution::redrive_branches(const asl::State& state) {
  if (state.type == asl::StateType::kTask) {
    rec_.phase = Phase::kTask;
    act();
    return;
  }
  asl::Step step = asl::enter_state(state, rec_.state_input, context());
  auto* run = std::get_if<asl::RunBranches>(&step);
  if (!run) {
    // The state no longer starts branches from this input (its definition changed): it runs
    // from its entry, as any other state a redrive resumes.
    rec_.phase = Phase::kTask;
    handle(state, std::move(step));
    return;
  }
  branch_inputs_ = std::move(run->inputs);
  branch_limit_ = run->max_concurrency;
  branch_distributed_ = run->distributed;
  branch_tolerated_ = run->tolerated_failures;
  rec_.branches.assign(branch_inputs_.size(), branch_state::kQueued);
  const EpochMillis now = engine_->now();
  std::vector<std::string> redriven;
  for (std::size_t i = 0; i < rec_.branches.size(); ++i) {
    auto child = load_branch(i);
    if (!child) continue;  // never started: it starts as any queued branch
    if (child->status == ExecutionStatus::kSucceeded) {
      rec_.branches[i] = branch_state::kSucceeded;
      continue;
    }
    rec_.branches[i] = branch_state::kRunning;
    if (child->status == ExecutionStatus::kRunning) continue;  // it reports when it ends
    auto batch = redrive_execution(*child, now, std::nullopt);
    if (!batch) {
      finish_failed(
          std::string(asl::errors::kRuntime),
          "branch execution " + child->id + " could not be redriven: " + batch.error().message);
      return;
    }
    pending_.append(std::move(*batch));
    if (is_map(state))
      history_.add(now, "MapIterationStarted",
                   json::object{{"name", state.name}, {"index", static_cast<std::int64_t>(i)}});
    redriven.push_back(child->id);
  }
  advance_branches(state, now, std::move(redriven));
}

std::optional<ExecutionRecord> Execution::load_branch(std::size_t index) const {
  auto stored = engine_->db->get(Table::kExecutions, rec_.branch_id(index));
  if (!stored) return std::nullopt;
  auto parsed = ExecutionRecord::parse(*stored, rec_.branch_id(index));
  if (!parsed) return std::nullopt;
  return std::move(*parsed);
}

// Records a branch's end. True while the state still waits for branches; false once a
// failed branch has failed the state (its Retry/Catch have then taken over).
bool Execution::settle_branch(const asl::State& state, std::size_t index,
                              const ExecutionRecord& child) {
  const EpochMillis now = engine_->now();
  const auto iteration = [&](const char* type, std::size_t i) {
    if (is_map(state))
      history_.add(now, type,
                   json::object{{"name", state.name}, {"index", static_cast<std::int64_t>(i)}});
  };
  if (child.status == ExecutionStatus::kSucceeded) {
    rec_.branches[index] = branch_state::kSucceeded;
    iteration("MapIterationSucceeded", index);
    return true;
  }
  rec_.branches[index] = branch_state::kFailed;
  iteration("MapIterationFailed", index);
  std::string error = child.error;
  std::string cause = child.cause;
  if (child.status == ExecutionStatus::kTimedOut) {
    error = std::string(asl::errors::kTimeout);
  } else if (child.status == ExecutionStatus::kAborted) {
    error = std::string(asl::errors::kRuntime);
    if (cause.empty()) cause = "branch execution " + child.id + " was aborted";
  }
  // (A branch that ended in a Fail state without Error fails the state with no error name,
  // which a catcher of States.ALL takes: it is not a States.Runtime, which none could.)
  if (branch_distributed_ && state.type != asl::StateType::kTask) {
    // A distributed Map goes on while its failed iterations are within the tolerated
    // threshold; past it, the state fails with States.ExceedToleratedFailureThreshold.
    std::size_t failed = 0;
    for (char c : rec_.branches) failed += c == branch_state::kFailed;
    if (failed <= branch_tolerated_) return true;
    error = std::string(asl::errors::kExceedToleratedFailureThreshold);
    cause = "The specified tolerated failure threshold was exceeded";
  }
  // The other branches stop, once this decision is durable.
  for (std::size_t i = 0; i < rec_.branches.size(); ++i) {
    if (rec_.branches[i] == branch_state::kRunning) {
      rec_.branches[i] = branch_state::kAborted;
      iteration("MapIterationAborted", i);
      aborts_after_commit_.push_back(rec_.branch_id(i));
    }
  }
  if (state.type == asl::StateType::kTask) {
    // A child workflow failed: the task fails with States.TaskFailed and the child's story.
    cause = child_failure(state, child, error, cause);
    error = std::string(asl::errors::kTaskFailed);
    add_task_event(now, "Failed", state, state.resource,
                   json::object{{"error", error}, {"cause", cause}});
  } else {
    json::object details;
    details["error"] = error;
    details["cause"] = cause;
    history_.add(now, is_map(state) ? "MapStateFailed" : "ParallelStateFailed", std::move(details));
  }
  rec_.branches.clear();
  branch_inputs_.clear();
  rec_.phase = Phase::kTask;
  fail_through_handlers(state, error, cause);
  return false;
}

// Starts queued branches up to MaxConcurrency, or completes the state once every branch
// has succeeded. New branch records are committed with ours, then handed to the supervisor.
void Execution::advance_branches(const asl::State& state, std::optional<EpochMillis> at,
                                 std::vector<std::string> launched) {
  const EpochMillis now = at ? *at : engine_->now();
  std::size_t running = 0;
  bool all_ended = true;  // succeeded, or failed within a distributed Map's tolerance
  for (char c : rec_.branches) {
    running += c == branch_state::kRunning;
    all_ended = all_ended && (c == branch_state::kSucceeded || c == branch_state::kFailed);
  }
  if (all_ended) {
    complete_branches(state);
    return;
  }
  for (std::size_t i = 0; i < rec_.branches.size(); ++i) {
    if (rec_.branches[i] != branch_state::kQueued) continue;
    if (branch_limit_ != 0 && running >= branch_limit_) break;
    rec_.branches[i] = branch_state::kRunning;
    ++running;
    ExecutionRecord child = make_branch(state, i, now);
    if (state.type == asl::StateType::kTask) {
      // Step Functions' name for the child: its ARN finds it, its state machine lists it.
      pending_.put(Table::kChildExecutions, child.state_machine + ":" + child.name, child.id);
      pending_.put(Table::kExecutionsByStart,
                   started_key(child.state_machine, child.start, child.name), child.id);
    }
    pending_.put(Table::kExecutions, child.id, child.serialize());
    pending_.put(Table::kOpenExecutions, child.id, "");
    pending_.put(Table::kRunnableExecutions, child.id, "");
    if (is_map(state))
      history_.add(now, "MapIterationStarted",
                   json::object{{"name", state.name}, {"index", static_cast<std::int64_t>(i)}});
    launched.push_back(std::move(child.id));
  }
  commit_then([this, launched = std::move(launched)] {
    for (const auto& id : launched) self_->send(supervisor_, spawn_branch_atom::value, id);
  });
}

ExecutionRecord Execution::make_branch(const asl::State& state, std::size_t index,
                                       EpochMillis now) const {
  ExecutionRecord child;
  child.id = rec_.branch_id(index);
  child.state_machine = rec_.state_machine;
  child.state_machine_version = rec_.state_machine_version;
  child.name = child.id.substr(child.id.find(':') + 1);
  child.input = branch_inputs_[index];
  child.start = now;
  child.parent_id = rec_.id;
  child.branch_index = static_cast<std::int64_t>(index);
  if (state.type == asl::StateType::kTask) {
    // A child workflow: another state machine, at the version registered now.
    child.state_machine = child_machine_->name;
    child.state_machine_version = child_machine_->version;
    child.name = child_name(child.id);
    child.state = child_machine_->start_at;
    child.phase = Phase::kStart;
    return child;
  }
  child.test_case = rec_.test_case;  // a child workflow (above) is not part of the test case
  // A branch reads the variables around it, as they are now, and sets only its own; the
  // child workflows of a distributed Map see none.
  if (!(is_map(state) && state.distributed)) child.outer_variables = rec_.visible_variables();
  child.scope = rec_.scope;
  child.scope.push_back(asl::ScopeStep{state.name, is_map(state) ? 0 : index});
  const asl::StateMachine* sub =
      is_map(state) ? state.item_processor.get() : state.branches.at(index).get();
  child.state = sub ? sub->start_at : std::string();
  child.phase = Phase::kStart;
  return child;
}

// Every branch succeeded: their outputs, in order, are the state's result.
void Execution::complete_branches(const asl::State& state) {
  json::array results;
  results.reserve(rec_.branches.size());
  for (std::size_t i = 0; i < rec_.branches.size(); ++i) {
    auto child = load_branch(i);
    if (!child) {
      finish_failed(std::string(asl::errors::kRuntime),
                    "branch execution " + rec_.branch_id(i) + " is missing");
      return;
    }
    if (state.type == asl::StateType::kTask) {
      results.push_back(child_result(state, *child));
    } else if (rec_.branches[i] == branch_state::kFailed) {
      // A tolerated failure of a distributed Map: its error output stands for its result.
      results.push_back(json::object{{"Error", child->error}, {"Cause", child->cause}});
    } else {
      results.push_back(std::move(child->output));
    }
  }
  if (state.type == asl::StateType::kTask) {
    rec_.branches.clear();
    branch_inputs_.clear();
    rec_.phase = Phase::kTask;
    task_done(state, TaskOutcome::success(std::move(results.at(0))), true);
    return;
  }
  history_.add(engine_->now(), is_map(state) ? "MapStateSucceeded" : "ParallelStateSucceeded",
               json::object{});
  rec_.branches.clear();
  branch_inputs_.clear();
  rec_.phase = Phase::kTask;
  asl::Step step =
      asl::complete_task(state, rec_.state_input, json::value(std::move(results)), context());
  if (auto* fail = std::get_if<asl::FailWith>(&step);
      fail && fail->error == asl::errors::kReferencePathConflict) {
    fail_through_handlers(state, fail->error, fail->cause);
    return;
  }
  handle(state, std::move(step));
}

}  // namespace settled::actors::execution
