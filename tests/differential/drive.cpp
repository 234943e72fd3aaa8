#include "drive.hpp"

#include "domain/asl/errors.hpp"
#include "domain/asl/interpreter.hpp"

#include <boost/json.hpp>

#include <variant>

namespace settled::differential {

namespace json = boost::json;

namespace {

// Mirrors the control flow of the execution actor (enter / act / handle / task_done /
// task_failed / fail_through_handlers) without durability, history, metrics or timers.
class Driver {
 public:
  Driver(const asl::StateMachine& machine, const json::value& input, const DriveOptions& options)
      : Driver(machine, input, input, options, own_task_calls_) {}

  // A Parallel branch or Map iteration: its own input, the execution's context, and the
  // execution's count of task calls per state.
  Driver(const asl::StateMachine& machine, const json::value& input,
         const json::value& execution_input, const DriveOptions& options,
         std::map<std::string, int>& task_calls)
      : machine_(machine),
        options_(options),
        execution_input_(execution_input),
        branch_input_(input),
        task_calls_(task_calls) {}

  DriveResult run() {
    enter(machine_.start_at, branch_input_);
    // The actor's enter() -> handle() -> enter() chain and its retry wake-ups are a loop here,
    // not recursion, so long executions cannot exhaust the stack.
    while (!done_ && (has_next_ || retry_pending_)) {
      if (++transitions_ > options_.max_transitions) {
        finish_failed("Differential.TooManyTransitions",
                      "more than " + std::to_string(options_.max_transitions) + " steps");
        break;
      }
      if (retry_pending_) {
        retry_pending_ = false;
        act(*current_);  // the retry timer fired: run the task state again
      } else {
        has_next_ = false;
        enter_now(next_name_, std::move(next_input_));
      }
    }
    return std::move(result_);
  }

 private:
  void enter(const std::string& name, json::value input) {
    next_name_ = name;
    next_input_ = std::move(input);
    has_next_ = true;
  }

  void enter_now(const std::string& name, json::value input) {
    const asl::State* state = machine_.find(name);
    if (!state) {
      finish_failed(std::string(asl::errors::kRuntime), "state '" + name + "' does not exist");
      return;
    }
    current_ = state;
    state_name_ = name;
    state_input_ = std::move(input);
    // No clock: every state is entered at the execution's start time.
    state_entered_ = options_.start;
    retrier_attempts_.clear();
    retry_count_ = 0;
    act(*state);
  }

  json::value context(const asl::State& state) const {
    if (!state.uses_context) return json::value();
    asl::ContextFacts facts;
    facts.execution_id = options_.execution_id;
    facts.execution_name = options_.execution_name;
    facts.state_machine = options_.state_machine;
    if (state.uses_execution_input) facts.execution_input = &execution_input_;
    facts.execution_start = options_.start;
    facts.state_name = state_name_;
    facts.state_entered = state_entered_;
    facts.retry_count = retry_count_;
    return asl::make_context(facts);
  }

  void act(const asl::State& state) {
    handle(state, asl::enter_state(state, state_input_, context(state)));
  }

  void handle(const asl::State& state, asl::Step step) {
    if (auto* go = std::get_if<asl::GoTo>(&step)) {
      enter(go->next, std::move(go->output));
    } else if (auto* fin = std::get_if<asl::Finish>(&step)) {
      done_ = true;
      result_.succeeded = true;
      result_.output = std::move(fin->output);
    } else if (auto* fail = std::get_if<asl::FailWith>(&step)) {
      finish_failed(std::move(fail->error), std::move(fail->cause));
    } else if (auto* wait = std::get_if<asl::WaitUntil>(&step)) {
      // The wake-up, without the wait.
      handle(state, asl::complete_wait(state, std::move(wait->output)));
    } else if (auto* task = std::get_if<asl::RunTask>(&step)) {
      run_task(state, std::move(*task));
    } else if (auto* run = std::get_if<asl::RunBranches>(&step)) {
      run_branches(state, std::move(*run));
    }
    // RetryAfter only comes from fail_task and is handled in fail_through_handlers.
  }

  void run_task(const asl::State& state, asl::RunTask task) {
    MockOutcome outcome = options_.task(state.name, task.parameters, task_calls_[state.name]++);
    if (!outcome.ok) {
      fail_through_handlers(state, outcome.error, outcome.cause);
      return;
    }
    asl::Step step = asl::complete_task(state, state_input_, outcome.result, context(state));
    if (auto* fail = std::get_if<asl::FailWith>(&step);
        fail && fail->error == asl::errors::kResultPathMatchFailure) {
      fail_through_handlers(state, fail->error, fail->cause);
      return;
    }
    handle(state, std::move(step));
  }

  // Branches run one after another, in index order (so mocked task results are handed out
  // deterministically); the first failure fails the state, as in the engine.
  void run_branches(const asl::State& state, asl::RunBranches run) {
    json::array results;
    for (std::size_t i = 0; i < run.inputs.size(); ++i) {
      const asl::StateMachine* sub = state.type == asl::StateType::kMap
                                         ? state.item_processor.get()
                                         : state.branches.at(i).get();
      DriveResult branch =
          Driver(*sub, run.inputs[i], execution_input_, options_, task_calls_).run();
      for (auto& [name, delays] : branch.retry_delays_ms)
        result_.retry_delays_ms[name].insert(result_.retry_delays_ms[name].end(), delays.begin(),
                                             delays.end());
      if (!branch.succeeded) {
        fail_through_handlers(state, branch.error, branch.cause);
        return;
      }
      results.push_back(std::move(branch.output));
    }
    asl::Step step =
        asl::complete_task(state, state_input_, json::value(std::move(results)), context(state));
    if (auto* fail = std::get_if<asl::FailWith>(&step);
        fail && fail->error == asl::errors::kResultPathMatchFailure) {
      fail_through_handlers(state, fail->error, fail->cause);
      return;
    }
    handle(state, std::move(step));
  }

  void fail_through_handlers(const asl::State& state, const std::string& error,
                             const std::string& cause) {
    // Jitter is fixed: the delays are recorded, never slept.
    asl::Step step = asl::fail_task(state, state_input_, error, cause, retrier_attempts_, kJitter);
    if (auto* retry = std::get_if<asl::RetryAfter>(&step)) {
      result_.retry_delays_ms[state.name].push_back(retry->delay_ms);
      retry_count_ += 1;
      retry_pending_ = true;
      return;
    }
    handle(state, std::move(step));
  }

  void finish_failed(std::string error, std::string cause) {
    done_ = true;
    result_.succeeded = false;
    result_.error = std::move(error);
    result_.cause = std::move(cause);
  }

  static constexpr double kJitter = 0.5;

  const asl::StateMachine& machine_;
  const DriveOptions& options_;
  std::map<std::string, int> own_task_calls_;
  const json::value execution_input_;
  const json::value branch_input_;

  const asl::State* current_ = nullptr;
  std::string state_name_;
  json::value state_input_;
  EpochMillis state_entered_ = 0;
  std::vector<std::int64_t> retrier_attempts_;
  std::int64_t retry_count_ = 0;
  std::map<std::string, int>& task_calls_;

  bool has_next_ = false;
  std::string next_name_;
  json::value next_input_;
  bool retry_pending_ = false;
  bool done_ = false;
  std::size_t transitions_ = 0;
  DriveResult result_;
};

}  // namespace

DriveResult run_to_completion(const asl::StateMachine& machine, const json::value& input,
                              const DriveOptions& options) {
  return Driver(machine, input, options).run();
}

}  // namespace settled::differential
