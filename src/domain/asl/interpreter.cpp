#include "domain/asl/interpreter.hpp"

#include "domain/asl/choice.hpp"
#include "domain/asl/distributed_map.hpp"
#include "domain/asl/errors.hpp"
#include "domain/asl/retry.hpp"
#include "domain/asl/variables.hpp"
#include "domain/json_append.hpp"
#include "domain/json_limits.hpp"
#include "domain/json_size.hpp"

#include <boost/json.hpp>

namespace settled::asl {

namespace json = boost::json;

namespace {

// Step Functions' upper bound for a Task's TimeoutSeconds, and the parser's for a Wait's Seconds:
// a SecondsPath past it would overflow the due time in milliseconds.
constexpr std::int64_t kMaxTimeoutSeconds = 99999999;
constexpr std::size_t kMaxCauseBytes = 32768;  // Step Functions' limit on an error's cause

// Step Functions' cause for an error in a state: "An error occurred while executing the state
// 'S' (entered at the event id #N). <what>".
std::string state_error_cause(const State& state, const json::value& context,
                              const std::string& what) {
  const std::int64_t entered = entered_event(context);
  return "An error occurred while executing the state '" + state.name + "'" +
         (entered > 0 ? " (entered at the event id #" + std::to_string(entered) + ")" : "") + ". " +
         what;
}

FailWith runtime_error(const State& state, const json::value& context, const std::string& what) {
  return FailWith{std::string(errors::kRuntime), state_error_cause(state, context, what)};
}

// InputPath / OutputPath: "$" by default, null gives {}; the path may read the context ("$$")
// or a variable as well as the input.
Result<json::value> apply_path(const OptionalPath& path, const json::value& input,
                               const json::value& context) {
  switch (path.kind) {
    case OptionalPath::Kind::kDefault:
      return input;
    case OptionalPath::Kind::kNull:
      return json::value(json::object());
    case OptionalPath::Kind::kPath:
      return select_path(*path.path, input, context);
  }
  return input;
}

// ResultPath: places the result into the state's raw input.
Result<json::value> apply_result_path(const OptionalPath& path, const json::value& raw_input,
                                      json::value result) {
  switch (path.kind) {
    case OptionalPath::Kind::kDefault:
      return result;
    case OptionalPath::Kind::kNull:
      return raw_input;
    case OptionalPath::Kind::kPath:
      return jsonpath::assign(raw_input, *path.path, std::move(result));
  }
  return result;
}

// Step Functions' cause for an InputPath or OutputPath that selects nothing (Jayway's message),
// or why it selected too much (jsonpath::kMaxSelectionBytes).
std::string invalid_path(const OptionalPath& path, const Error& why) {
  if (why.code == ErrorCode::kPayloadTooLarge) return why.message;
  return "Invalid path '" + path.path->text() +
         "' : No results for path: " + path.path->normalized();
}

// How Step Functions quotes a value in a Wait's causes: a string as it is, anything else as JSON.
std::string quoted_value(const json::value& v) {
  return v.is_string() ? std::string(v.as_string()) : json::serialize(v);
}

bool too_large(const json::value& payload) {
  return serialized_size(payload, kPayloadLimitBytes) > kPayloadLimitBytes;
}

FailWith data_limit(const State& state, const std::string& what) {
  return FailWith{std::string(errors::kDataLimitExceeded),
                  "The " + what + " of state '" + state.name +
                      "' has a size exceeding the maximum number of bytes service limit (" +
                      std::to_string(kPayloadLimitBytes) + ")."};
}

// Deeper than settled can store and read back (kPayloadMaxDepth); no Step Functions quota names
// depth, so the nearest error, with a cause that says which limit it is.
FailWith too_deep(const State& state, const std::string& what) {
  return FailWith{std::string(errors::kDataLimitExceeded),
                  "The " + what + " of state '" + state.name +
                      "' nests arrays and objects deeper than " + std::to_string(kPayloadMaxDepth) +
                      " levels, more than settled stores."};
}

// Its size is checked on the text the history needs anyway: one pass over the output, not two,
// and never past the limit.
Step leave(const State& state, json::value output,
           std::optional<json::object> assigned = std::nullopt) {
  auto text = json_text_within(output, kPayloadLimitBytes);
  if (!text) return data_limit(state, "output");
  if (text_nests_deeper_than(*text, kPayloadMaxDepth)) return too_deep(state, "output");
  if (state.end || state.type == StateType::kSucceed)
    return Finish{std::move(output), std::move(assigned), std::move(*text)};
  return GoTo{state.next, std::move(output), std::move(assigned), std::move(*text)};
}

// ResultPath into the state's raw input, then OutputPath, then on to Next or the end.
Step place_result(const State& state, const json::value& raw_input, json::value result,
                  const json::value& context, std::optional<json::object> assigned) {
  auto placed = apply_result_path(state.result_path, raw_input, std::move(result));
  if (!placed) {
    // AWS's words: the path as written, the input as JSON, no state name or event id. Cut to
    // a cause's 32,768 characters, so a Catch can still carry it with the input.
    std::string cause = "Unable to apply ReferencePath " + state.result_path.path->text() +
                        " to input " + json::serialize(raw_input);
    if (cause.size() > kMaxCauseBytes) {
      std::size_t cut = kMaxCauseBytes;  // on a character boundary: the cause stays UTF-8
      while (cut > 0 && (static_cast<unsigned char>(cause[cut]) & 0xC0) == 0x80) --cut;
      cause.resize(cut);
    }
    return FailWith{std::string(errors::kReferencePathConflict), std::move(cause)};
  }
  if (state.output_path.kind == OptionalPath::Kind::kDefault)  // "$": all of it, moved
    return leave(state, std::move(*placed), std::move(assigned));
  auto output = apply_path(state.output_path, *placed, context);
  if (!output)
    return runtime_error(state, context, invalid_path(state.output_path, output.error()));
  return leave(state, std::move(*output), std::move(assigned));
}

Step render_failure(const State& state, const json::value& state_input, const Error& error,
                    const json::value& context);

// All the variables an execution stores, with `assigned` set over the visible ones, are at most
// 10 MiB of JSON text (domain/asl/variables.hpp).
std::optional<Step> variables_over_limit(const State& state, const json::value& context,
                                         const json::object& assigned) {
  for (const auto& variable : assigned)
    if (nests_deeper_than(variable.value(), kPayloadMaxDepth))
      return too_deep(state, "variable '" + std::string(variable.key()) + "' assigned");
  if (stored_variables_size(context, assigned, kVariablesTotalLimitBytes) <=
      kVariablesTotalLimitBytes)
    return std::nullopt;
  return FailWith{std::string(errors::kDataLimitExceeded),
                  "The variables stored after state '" + state.name +
                      "' have a size exceeding the maximum number of bytes service limit (" +
                      std::to_string(kVariablesTotalLimitBytes) + ")."};
}

// A state's (or catcher's) Assign against `root`; nullopt with `failed` set when it cannot be
// evaluated (a missing path is States.Runtime, an intrinsic's refusal States.IntrinsicFailure,
// too much data States.DataLimitExceeded).
std::optional<json::object> run_assign(const std::optional<PayloadTemplate>& assign,
                                       const State& state, const json::value& root,
                                       const json::value& context, std::optional<Step>& failed) {
  if (!assign) return std::nullopt;
  auto values = evaluate_assign(*assign, root, context);
  if (values) {
    failed = variables_over_limit(state, context, *values);
    if (failed) return std::nullopt;
    return std::move(*values);
  }
  if (values.error().code == ErrorCode::kPayloadTooLarge) {
    failed = data_limit(state, "assigned variables");
  } else if (values.error().code == ErrorCode::kIntrinsicFailure) {
    failed = FailWith{std::string(errors::kIntrinsicFailure),
                      state_error_cause(state, context, values.error().message)};
  } else {
    failed = runtime_error(state, context, values.error().message);
  }
  return std::nullopt;
}

// Catch for an error the state raised itself: the first matching catcher, or the execution
// fails with it.
Step catch_or_fail(const State& state, const json::value& state_input, const std::string& error,
                   const std::string& cause, const json::value& context) {
  for (const auto& catcher : state.catchers) {
    if (!error_matches(catcher.error_equals, error)) continue;
    json::object error_output{{"Error", error}, {"Cause", cause}};
    std::optional<Step> failed;
    auto assigned = run_assign(catcher.assign, state, json::value(error_output), context, failed);
    if (failed) return std::move(*failed);
    auto placed = apply_result_path(catcher.result_path, state_input, std::move(error_output));
    if (!placed)
      return runtime_error(state, context,
                           "Invalid ResultPath in Catch: " + placed.error().message);
    if (too_large(*placed)) return data_limit(state, "output");
    return GoTo{catcher.next, std::move(*placed), std::move(assigned), {}};
  }
  return FailWith{error, cause};
}

// Parameters or ResultSelector could not be rendered. An intrinsic function's refusal is
// States.IntrinsicFailure, which Catch can take; anything else (a missing path) is
// States.Runtime, which nothing can.
Step render_failure(const State& state, const json::value& state_input, const Error& error,
                    const json::value& context) {
  if (error.code == ErrorCode::kIntrinsicFailure)
    return catch_or_fail(state, state_input, std::string(errors::kIntrinsicFailure),
                         state_error_cause(state, context, error.message), context);
  return runtime_error(state, context, error.message);
}

Result<json::value> effective_input(const State& state, const json::value& input,
                                    const json::value& context) {
  // Parameters read the input where it is: "$" would be a copy of all of it.
  if (state.parameters && state.input_path.kind == OptionalPath::Kind::kDefault)
    return state.parameters->render(input, context);
  auto selected = apply_path(state.input_path, input, context);
  if (!selected)
    return Error{selected.error().code, invalid_path(state.input_path, selected.error())};
  if (!state.parameters) return selected;
  auto rendered = state.parameters->render(*selected, context);
  if (!rendered) return rendered.error();
  return rendered;
}

Result<std::string> string_from(const std::optional<std::string>& literal,
                                const std::optional<jsonpath::Path>& path,
                                const std::optional<Intrinsic>& call, const json::value& input,
                                const json::value& context, const char* field) {
  if (literal) return *literal;
  if (!path && !call) return std::string();
  auto v =
      call ? call->evaluate(input, context, system_random()) : select_path(*path, input, context);
  if (!v) return Error{v.error().code, std::string("Invalid ") + field + ": " + v.error().message};
  if (!v->is_string())
    return Error{ErrorCode::kInvalidRequest, std::string(field) + " must select a string"};
  return std::string(v->as_string());
}

// InputPath, then ItemsPath picks the array; each item goes through ItemSelector, which sees the
// state's input as $ and the item as $$.Map.Item.Value.
Step enter_map(const State& state, const json::value& input, const json::value& context) {
  auto selected = apply_path(state.input_path, input, context);
  if (!selected)
    return runtime_error(state, context, invalid_path(state.input_path, selected.error()));
  json::value items_value = *selected;
  if (state.items_path) {
    auto items = select_path(*state.items_path, *selected, context);
    if (!items) return runtime_error(state, context, "Invalid ItemsPath: " + items.error().message);
    items_value = std::move(*items);
  }
  if (!items_value.is_array())
    return runtime_error(state, context,
                         "Invalid ItemsPath: the value at '" +
                             (state.items_path ? state.items_path->text() : "$") +
                             "' is not a JSON array");
  std::size_t max_concurrency = static_cast<std::size_t>(state.max_concurrency);
  if (state.max_concurrency_path) {
    auto v = select_path(*state.max_concurrency_path, *selected, context);
    const auto n = v ? exact_int64(*v) : std::nullopt;
    if (!n || *n < 0)
      return runtime_error(state, context,
                           "MaxConcurrencyPath '" + state.max_concurrency_path->text() +
                               "' must select a non-negative integer");
    max_concurrency = static_cast<std::size_t>(*n);
  }
  const std::size_t cap =
      state.distributed ? kDistributedMapMaxConcurrency : kInlineMapMaxConcurrency;
  if (max_concurrency == 0 || max_concurrency > cap) max_concurrency = cap;
  RunBranches run;
  run.max_concurrency = max_concurrency;
  const auto& items = items_value.as_array();
  run.inputs.reserve(items.size());
  std::size_t inputs_bytes = 0;  // only an ItemSelector can make them larger than the input
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (!state.item_selector) {
      run.inputs.push_back(items[i]);
      continue;
    }
    json::object item_context = context.is_object() ? context.as_object() : json::object();
    item_context["Map"] = json::object{
        {"Item", json::object{{"Index", static_cast<std::int64_t>(i)}, {"Value", items[i]}}}};
    auto rendered = state.item_selector->render(*selected, item_context);
    if (!rendered) return runtime_error(state, context, rendered.error().message);
    const std::size_t bytes = serialized_size(*rendered, kPayloadLimitBytes);
    if (bytes > kPayloadLimitBytes) return data_limit(state, "item input");
    inputs_bytes += bytes;
    if (inputs_bytes > kBranchInputsLimitBytes)
      return FailWith{std::string(errors::kDataLimitExceeded),
                      "The item inputs of state '" + state.name +
                          "' together have a size exceeding the maximum number of bytes limit (" +
                          std::to_string(kBranchInputsLimitBytes) + ") at item " +
                          std::to_string(i) + " of " + std::to_string(items.size()) + "."};
    run.inputs.push_back(std::move(*rendered));
  }
  if (state.distributed) {
    auto plan = plan_distributed_map(state, std::move(run.inputs), *selected, context);
    if (!plan) return runtime_error(state, context, plan.error().message);
    for (const auto& batch : plan->inputs)
      if (too_large(batch)) return data_limit(state, "item input");
    run.inputs = std::move(plan->inputs);
    run.distributed = true;
    run.tolerated_failures = plan->tolerated_failures;
  }
  return run;
}

}  // namespace

json::value make_context(const ContextFacts& facts) {
  // Each object sized once, and only the parts the state reads (State::context_parts): a state
  // that reads $$ builds this at every entry and completion.
  json::object ctx(4);
  if (facts.parts & kContextExecution) {
    json::object execution(7);
    execution["Id"] = aws::execution_arn_of(facts.arns, facts.execution_id, facts.state_machine,
                                            facts.execution_name);
    execution["Name"] = facts.execution_name;
    // The engine passes no input when the state cannot read it (State::uses_execution_input).
    execution["Input"] =
        facts.execution_input ? *facts.execution_input : json::value(json::object());
    execution["StartTime"] = format_timestamp(facts.execution_start);
    execution["RoleArn"] = aws::role_arn(facts.arns);
    execution["RedriveCount"] = facts.redrive_count;
    if (facts.redrive_count > 0) execution["RedriveTime"] = format_timestamp(facts.redrive_date);
    ctx["Execution"] = std::move(execution);
  }
  if (facts.parts & kContextState) {
    json::object state(3);
    state["Name"] = facts.state_name;
    state["EnteredTime"] = format_timestamp(facts.state_entered);
    state["RetryCount"] = facts.retry_count;
    ctx["State"] = std::move(state);
  }
  if (facts.parts & kContextStateMachine) {
    json::object machine(2);
    machine["Id"] = aws::state_machine_arn(facts.arns, facts.state_machine);
    machine["Name"] = facts.state_machine;
    ctx["StateMachine"] = std::move(machine);
  }
  if ((facts.parts & kContextTask) && !facts.task_token.empty())
    ctx["Task"] = json::object{{"Token", facts.task_token}};
  return ctx;
}

Step enter_state(const State& state, const json::value& input, const json::value& context) {
  switch (state.type) {
    case StateType::kFail: {
      auto error = string_from(state.error, state.error_path, state.error_intrinsic, input, context,
                               "ErrorPath");
      if (!error) return runtime_error(state, context, error.error().message);
      auto cause = string_from(state.cause, state.cause_path, state.cause_intrinsic, input, context,
                               "CausePath");
      if (!cause) return runtime_error(state, context, cause.error().message);
      return FailWith{std::move(*error), std::move(*cause)};
    }
    case StateType::kSucceed:
    case StateType::kChoice:
    case StateType::kWait: {
      auto selected = apply_path(state.input_path, input, context);
      if (!selected)
        return runtime_error(state, context, invalid_path(state.input_path, selected.error()));
      std::optional<Step> failed;
      std::optional<json::object> assigned;
      std::string next;
      if (state.type == StateType::kChoice) {
        // The state's own Assign applies whichever way the state goes; a matching rule's Assign
        // is set over it (its values win for a name both set). See docs/engine.md for the
        // sources and what they leave open.
        const ChoiceRule* taken = nullptr;
        for (const auto& rule : state.choices) {
          auto matched = evaluate_choice(rule, *selected, context);
          if (!matched) return runtime_error(state, context, matched.error().message);
          if (*matched) {
            taken = &rule;
            break;
          }
        }
        if (!taken && state.default_next.empty())
          return FailWith{std::string(errors::kNoChoiceMatched),
                          "No Matches! (state '" + state.name + "' has no Default)"};
        next = taken ? taken->next : state.default_next;
        assigned = run_assign(state.assign, state, *selected, context, failed);
        if (!failed && taken && taken->assign) {
          auto by_rule = run_assign(taken->assign, state, *selected, context, failed);
          if (by_rule && assigned) {
            for (auto& [name, value] : *by_rule) (*assigned)[name] = std::move(value);
          } else if (by_rule) {
            assigned = std::move(by_rule);
          }
          if (assigned && !failed) failed = variables_over_limit(state, context, *assigned);
        }
      } else {
        assigned = run_assign(state.assign, state, *selected, context, failed);
      }
      if (failed) return std::move(*failed);
      auto output = apply_path(state.output_path, *selected, context);
      if (!output)
        return runtime_error(state, context, invalid_path(state.output_path, output.error()));
      if (state.type == StateType::kChoice)
        return GoTo{next, std::move(*output), std::move(assigned), {}};
      if (state.type == StateType::kSucceed) return Finish{std::move(*output), std::nullopt, {}};
      // Wait: the due time is computed from the (InputPath-filtered) input.
      EpochMillis due = 0;
      const auto entered =
          parse_timestamp(std::string(context.at("State").at("EnteredTime").as_string()));
      if (state.seconds) {
        due = entered.value_or(0) + *state.seconds * 1000;
      } else if (state.seconds_path) {
        // Step Functions' causes for these have no "An error occurred..." preamble.
        const std::string& text = state.seconds_path->text();
        auto v = select_path(*state.seconds_path, *selected, context);
        if (!v)
          return FailWith{std::string(errors::kRuntime),
                          "The SecondsPath parameter does not reference an input value: " + text};
        const auto seconds = exact_int64(*v);
        if (!seconds)
          return FailWith{std::string(errors::kRuntime),
                          "The SecondsPath parameter cannot be parsed as a long value: " + text +
                              " == " + quoted_value(*v)};
        if (*seconds < 0)
          return FailWith{std::string(errors::kRuntime),
                          "The SecondsPath parameter references a negative value: " + text +
                              " == " + quoted_value(*v)};
        if (*seconds > kMaxTimeoutSeconds)
          return FailWith{std::string(errors::kRuntime),
                          "The SecondsPath parameter references a value larger than " +
                              std::to_string(kMaxTimeoutSeconds) + ": " + text +
                              " == " + quoted_value(*v)};
        due = entered.value_or(0) + *seconds * 1000;
      } else {
        std::optional<EpochMillis> ts;
        if (state.timestamp) {
          ts = parse_timestamp(*state.timestamp);
        } else {
          const std::string& text = state.timestamp_path->text();
          auto v = select_path(*state.timestamp_path, *selected, context);
          if (!v)
            return FailWith{
                std::string(errors::kRuntime),
                "The TimestampPath parameter does not reference an input value: " + text};
          if (v->is_string()) ts = parse_timestamp(std::string(v->as_string()));
          if (!ts)
            return FailWith{std::string(errors::kRuntime),
                            "The TimestampPath parameter does not reference a valid ISO-8601 "
                            "extended offset date-time format string: " +
                                text + " == " + quoted_value(*v)};
        }
        due = *ts;
      }
      return WaitUntil{due, std::move(*output), std::move(assigned)};
    }
    case StateType::kPass: {
      auto effective = effective_input(state, input, context);
      if (!effective) return render_failure(state, input, effective.error(), context);
      if (too_large(*effective)) return data_limit(state, "input");
      json::value result = state.result ? *state.result : std::move(*effective);
      std::optional<Step> failed;
      auto assigned = run_assign(state.assign, state, result, context, failed);
      if (failed) return std::move(*failed);
      return place_result(state, input, std::move(result), context, std::move(assigned));
    }
    case StateType::kTask: {
      auto effective = effective_input(state, input, context);
      if (!effective) return render_failure(state, input, effective.error(), context);
      // Checked on the text TaskScheduled shows anyway: one pass over the parameters.
      auto text = json_text_within(*effective, kPayloadLimitBytes);
      if (!text) return data_limit(state, "input");
      std::optional<std::int64_t> timeout;
      if (state.timeout_seconds_path) {
        // Like a Wait's SecondsPath: read from the InputPath-filtered input (or the context).
        auto selected = apply_path(state.input_path, input, context);
        if (!selected)
          return runtime_error(state, context, invalid_path(state.input_path, selected.error()));
        auto v = select_path(*state.timeout_seconds_path, *selected, context);
        const auto seconds = v ? exact_int64(*v) : std::nullopt;
        if (!seconds || *seconds <= 0 || *seconds > kMaxTimeoutSeconds)
          return runtime_error(state, context,
                               "TimeoutSecondsPath '" + state.timeout_seconds_path->text() +
                                   "' must select a positive integer of at most " +
                                   std::to_string(kMaxTimeoutSeconds));
        timeout = *seconds;
      }
      return RunTask{state.resource, std::move(*effective), timeout, std::move(*text)};
    }
    case StateType::kParallel: {
      auto effective = effective_input(state, input, context);
      if (!effective) return render_failure(state, input, effective.error(), context);
      const std::size_t bytes = serialized_size(*effective, kPayloadLimitBytes);
      if (bytes > kPayloadLimitBytes) return data_limit(state, "input");
      // Each branch gets its own copy (a definition may have thousands of branches).
      if (bytes * state.branches.size() > kBranchInputsLimitBytes)
        return FailWith{std::string(errors::kDataLimitExceeded),
                        "The branch inputs of state '" + state.name +
                            "' together have a size exceeding the maximum number of bytes limit (" +
                            std::to_string(kBranchInputsLimitBytes) +
                            "): " + std::to_string(state.branches.size()) + " branches of " +
                            std::to_string(bytes) + " bytes."};
      return RunBranches{std::vector<json::value>(state.branches.size(), *effective), 0};
    }
    case StateType::kMap:
      return enter_map(state, input, context);
  }
  return runtime_error(state, context, "unknown state type");
}

Step complete_wait(const State& state, json::value output) {
  return leave(state, std::move(output));
}

Step complete_task(const State& state, const json::value& state_input, json::value result,
                   const json::value& context, std::optional<std::size_t> result_bytes) {
  if (result_bytes ? *result_bytes > kPayloadLimitBytes : too_large(result))
    return data_limit(state, "result");
  json::value selected;
  if (!state.result_selector) {
    selected = std::move(result);
  } else {
    auto rendered = state.result_selector->render(result, context);
    if (!rendered) return render_failure(state, state_input, rendered.error(), context);
    selected = std::move(*rendered);
  }
  std::optional<Step> failed;
  auto assigned = run_assign(state.assign, state, selected, context, failed);
  if (failed) {
    // An intrinsic's refusal in Assign can be caught like one in ResultSelector.
    if (auto* fail = std::get_if<FailWith>(&*failed);
        fail && fail->error == errors::kIntrinsicFailure)
      return catch_or_fail(state, state_input, fail->error, fail->cause, context);
    return std::move(*failed);
  }
  return place_result(state, state_input, std::move(selected), context, std::move(assigned));
}

Step fail_task(const State& state, const json::value& state_input, const std::string& error,
               const std::string& cause, std::vector<std::int64_t>& retrier_attempts,
               double random01, const json::value& context) {
  retrier_attempts.resize(state.retry.size(), 0);
  for (std::size_t i = 0; i < state.retry.size(); ++i) {
    const Retrier& retrier = state.retry[i];
    if (!error_matches(retrier.error_equals, error)) continue;
    // The first matching retrier decides; once it is exhausted the error goes to Catch.
    if (retrier_attempts[i] < retrier.max_attempts) {
      const auto delay = retry_delay_ms(retrier, retrier_attempts[i], random01);
      ++retrier_attempts[i];
      return RetryAfter{delay, i};
    }
    break;
  }
  return catch_or_fail(state, state_input, error, cause, context);
}

}  // namespace settled::asl
