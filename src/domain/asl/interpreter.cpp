#include "domain/asl/interpreter.hpp"

#include "domain/asl/choice.hpp"
#include "domain/asl/errors.hpp"
#include "domain/asl/retry.hpp"
#include "domain/json_size.hpp"

#include <boost/json.hpp>

namespace settled::asl {

namespace json = boost::json;

namespace {

// Step Functions' upper bound for a Task's TimeoutSeconds.
constexpr std::int64_t kMaxTimeoutSeconds = 99999999;

FailWith runtime_error(const State& state, const std::string& what) {
  return FailWith{std::string(errors::kRuntime),
                  "An error occurred while executing the state '" + state.name + "'. " + what};
}

// InputPath / OutputPath: "$" by default, null gives {}.
Result<json::value> apply_path(const OptionalPath& path, const json::value& input) {
  switch (path.kind) {
    case OptionalPath::Kind::kDefault:
      return input;
    case OptionalPath::Kind::kNull:
      return json::value(json::object());
    case OptionalPath::Kind::kPath:
      return jsonpath::select(*path.path, input);
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

bool too_large(const json::value& payload) {
  return serialized_size(payload, kPayloadLimitBytes) > kPayloadLimitBytes;
}

FailWith data_limit(const State& state, const std::string& what) {
  return FailWith{std::string(errors::kDataLimitExceeded),
                  "The " + what + " of state '" + state.name +
                      "' has a size exceeding the maximum number of bytes service limit (" +
                      std::to_string(kPayloadLimitBytes) + ")."};
}

Step leave(const State& state, json::value output) {
  if (too_large(output)) return data_limit(state, "output");
  if (state.end || state.type == StateType::kSucceed) return Finish{std::move(output)};
  return GoTo{state.next, std::move(output)};
}

// ResultPath into the state's raw input, then OutputPath, then on to Next or the end.
Step place_result(const State& state, const json::value& raw_input, json::value result) {
  auto placed = apply_result_path(state.result_path, raw_input, std::move(result));
  if (!placed) {
    return FailWith{
        std::string(errors::kResultPathMatchFailure),
        "Unable to apply ResultPath in state '" + state.name + "': " + placed.error().message};
  }
  auto output = apply_path(state.output_path, *placed);
  if (!output) return runtime_error(state, "Invalid OutputPath: " + output.error().message);
  return leave(state, std::move(*output));
}

// Catch for an error the state raised itself: the first matching catcher, or the execution
// fails with it.
Step catch_or_fail(const State& state, const json::value& state_input, const std::string& error,
                   const std::string& cause) {
  for (const auto& catcher : state.catchers) {
    if (!error_matches(catcher.error_equals, error)) continue;
    json::object error_output{{"Error", error}, {"Cause", cause}};
    auto placed = apply_result_path(catcher.result_path, state_input, std::move(error_output));
    if (!placed)
      return runtime_error(state, "Invalid ResultPath in Catch: " + placed.error().message);
    if (too_large(*placed)) return data_limit(state, "output");
    return GoTo{catcher.next, std::move(*placed)};
  }
  return FailWith{error, cause};
}

// Parameters or ResultSelector could not be rendered. An intrinsic function's refusal is
// States.IntrinsicFailure, which Catch can take; anything else (a missing path) is
// States.Runtime, which nothing can.
Step render_failure(const State& state, const json::value& state_input, const Error& error) {
  if (error.code == ErrorCode::kIntrinsicFailure)
    return catch_or_fail(
        state, state_input, std::string(errors::kIntrinsicFailure),
        "An error occurred while executing the state '" + state.name + "'. " + error.message);
  return runtime_error(state, error.message);
}

Result<json::value> effective_input(const State& state, const json::value& input,
                                    const json::value& context) {
  auto selected = apply_path(state.input_path, input);
  if (!selected)
    return Error{selected.error().code, "Invalid InputPath: " + selected.error().message};
  if (!state.parameters) return selected;
  auto rendered = state.parameters->render(*selected, context);
  if (!rendered)
    return Error{rendered.error().code, "Invalid Parameters: " + rendered.error().message};
  return rendered;
}

Result<std::string> string_from(const std::optional<std::string>& literal,
                                const std::optional<jsonpath::Path>& path,
                                const std::optional<Intrinsic>& call, const json::value& input,
                                const json::value& context, const char* field) {
  if (literal) return *literal;
  if (!path && !call) return std::string();
  auto v = call ? call->evaluate(input, context, system_random())
                : jsonpath::select(*path, path->is_context() ? context : input);
  if (!v) return Error{v.error().code, std::string("Invalid ") + field + ": " + v.error().message};
  if (!v->is_string())
    return Error{ErrorCode::kInvalidRequest, std::string(field) + " must select a string"};
  return std::string(v->as_string());
}

// InputPath, then ItemsPath picks the array; each item goes through ItemSelector, which sees the
// state's input as $ and the item as $$.Map.Item.Value.
Step enter_map(const State& state, const json::value& input, const json::value& context) {
  auto selected = apply_path(state.input_path, input);
  if (!selected) return runtime_error(state, "Invalid InputPath: " + selected.error().message);
  json::value items_value = *selected;
  if (state.items_path) {
    auto items =
        jsonpath::select(*state.items_path, state.items_path->is_context() ? context : *selected);
    if (!items) return runtime_error(state, "Invalid ItemsPath: " + items.error().message);
    items_value = std::move(*items);
  }
  if (!items_value.is_array())
    return runtime_error(state, "Invalid ItemsPath: the value at '" +
                                    (state.items_path ? state.items_path->text() : "$") +
                                    "' is not a JSON array");
  std::size_t max_concurrency = static_cast<std::size_t>(state.max_concurrency);
  if (state.max_concurrency_path) {
    auto v = jsonpath::select(*state.max_concurrency_path,
                              state.max_concurrency_path->is_context() ? context : *selected);
    if (!v || !(v->is_int64() || v->is_uint64()) || v->to_number<std::int64_t>() < 0)
      return runtime_error(state, "MaxConcurrencyPath '" + state.max_concurrency_path->text() +
                                      "' must select a non-negative integer");
    max_concurrency = static_cast<std::size_t>(v->to_number<std::int64_t>());
  }
  RunBranches run;
  run.max_concurrency = max_concurrency;
  const auto& items = items_value.as_array();
  run.inputs.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (!state.item_selector) {
      run.inputs.push_back(items[i]);
      continue;
    }
    json::object item_context = context.is_object() ? context.as_object() : json::object();
    item_context["Map"] = json::object{
        {"Item", json::object{{"Index", static_cast<std::int64_t>(i)}, {"Value", items[i]}}}};
    auto rendered = state.item_selector->render(*selected, item_context);
    if (!rendered) return runtime_error(state, "Invalid ItemSelector: " + rendered.error().message);
    if (too_large(*rendered)) return data_limit(state, "item input");
    run.inputs.push_back(std::move(*rendered));
  }
  return run;
}

}  // namespace

json::value make_context(const ContextFacts& facts) {
  json::object execution;
  execution["Id"] = facts.execution_id;
  execution["Name"] = facts.execution_name;
  // The engine passes no input when the state cannot read it (State::uses_execution_input).
  execution["Input"] = facts.execution_input ? *facts.execution_input : json::value(json::object());
  execution["StartTime"] = format_timestamp(facts.execution_start);
  execution["RoleArn"] = "";
  json::object state;
  state["Name"] = facts.state_name;
  state["EnteredTime"] = format_timestamp(facts.state_entered);
  state["RetryCount"] = facts.retry_count;
  json::object machine;
  machine["Id"] = facts.state_machine;
  machine["Name"] = facts.state_machine;
  json::object ctx;
  ctx["Execution"] = std::move(execution);
  ctx["State"] = std::move(state);
  ctx["StateMachine"] = std::move(machine);
  if (!facts.task_token.empty()) ctx["Task"] = json::object{{"Token", facts.task_token}};
  return ctx;
}

Step enter_state(const State& state, const json::value& input, const json::value& context) {
  switch (state.type) {
    case StateType::kFail: {
      auto error = string_from(state.error, state.error_path, state.error_intrinsic, input, context,
                               "ErrorPath");
      if (!error) return runtime_error(state, error.error().message);
      auto cause = string_from(state.cause, state.cause_path, state.cause_intrinsic, input, context,
                               "CausePath");
      if (!cause) return runtime_error(state, cause.error().message);
      return FailWith{std::move(*error), std::move(*cause)};
    }
    case StateType::kSucceed:
    case StateType::kChoice:
    case StateType::kWait: {
      auto selected = apply_path(state.input_path, input);
      if (!selected) return runtime_error(state, "Invalid InputPath: " + selected.error().message);
      std::string next;
      if (state.type == StateType::kChoice) {
        for (const auto& rule : state.choices) {
          auto matched = evaluate_choice(rule, *selected, context);
          if (!matched) return runtime_error(state, matched.error().message);
          if (*matched) {
            next = rule.next;
            break;
          }
        }
        if (next.empty()) next = state.default_next;
        if (next.empty())
          return FailWith{std::string(errors::kNoChoiceMatched),
                          "No Matches! (state '" + state.name + "' has no Default)"};
      }
      auto output = apply_path(state.output_path, *selected);
      if (!output) return runtime_error(state, "Invalid OutputPath: " + output.error().message);
      if (state.type == StateType::kChoice) return GoTo{next, std::move(*output)};
      if (state.type == StateType::kSucceed) return Finish{std::move(*output)};
      // Wait: the due time is computed from the (InputPath-filtered) input.
      EpochMillis due = 0;
      const auto entered =
          parse_timestamp(std::string(context.at("State").at("EnteredTime").as_string()));
      if (state.seconds) {
        due = entered.value_or(0) + *state.seconds * 1000;
      } else if (state.seconds_path) {
        auto v = jsonpath::select(*state.seconds_path,
                                  state.seconds_path->is_context() ? context : *selected);
        if (!v || !(v->is_int64() || v->is_uint64()) || v->to_number<std::int64_t>() < 0)
          return runtime_error(state, "SecondsPath '" + state.seconds_path->text() +
                                          "' must select a non-negative integer");
        due = entered.value_or(0) + v->to_number<std::int64_t>() * 1000;
      } else {
        std::optional<EpochMillis> ts;
        if (state.timestamp) {
          ts = parse_timestamp(*state.timestamp);
        } else {
          auto v = jsonpath::select(*state.timestamp_path,
                                    state.timestamp_path->is_context() ? context : *selected);
          if (v && v->is_string()) ts = parse_timestamp(std::string(v->as_string()));
          if (!ts)
            return runtime_error(state, "TimestampPath '" + state.timestamp_path->text() +
                                            "' must select an RFC 3339 timestamp");
        }
        due = *ts;
      }
      return WaitUntil{due, std::move(*output)};
    }
    case StateType::kPass: {
      auto effective = effective_input(state, input, context);
      if (!effective) return render_failure(state, input, effective.error());
      if (too_large(*effective)) return data_limit(state, "input");
      json::value result = state.result ? *state.result : std::move(*effective);
      return place_result(state, input, std::move(result));
    }
    case StateType::kTask: {
      auto effective = effective_input(state, input, context);
      if (!effective) return render_failure(state, input, effective.error());
      if (too_large(*effective)) return data_limit(state, "input");
      std::optional<std::int64_t> timeout;
      if (state.timeout_seconds_path) {
        // Like a Wait's SecondsPath: read from the InputPath-filtered input (or the context).
        auto selected = apply_path(state.input_path, input);
        if (!selected)
          return runtime_error(state, "Invalid InputPath: " + selected.error().message);
        auto v = jsonpath::select(*state.timeout_seconds_path,
                                  state.timeout_seconds_path->is_context() ? context : *selected);
        if (!v || !(v->is_int64() || v->is_uint64()) || v->to_number<std::int64_t>() <= 0 ||
            v->to_number<std::int64_t>() > kMaxTimeoutSeconds)
          return runtime_error(state, "TimeoutSecondsPath '" + state.timeout_seconds_path->text() +
                                          "' must select a positive integer of at most " +
                                          std::to_string(kMaxTimeoutSeconds));
        timeout = v->to_number<std::int64_t>();
      }
      return RunTask{state.resource, std::move(*effective), timeout};
    }
    case StateType::kParallel: {
      auto effective = effective_input(state, input, context);
      if (!effective) return render_failure(state, input, effective.error());
      if (too_large(*effective)) return data_limit(state, "input");
      return RunBranches{std::vector<json::value>(state.branches.size(), *effective), 0};
    }
    case StateType::kMap:
      return enter_map(state, input, context);
  }
  return runtime_error(state, "unknown state type");
}

Step complete_wait(const State& state, json::value output) {
  return leave(state, std::move(output));
}

Step complete_task(const State& state, const json::value& state_input, const json::value& result,
                   const json::value& context) {
  if (too_large(result)) return data_limit(state, "result");
  json::value selected = result;
  if (state.result_selector) {
    auto rendered = state.result_selector->render(result, context);
    if (!rendered)
      return render_failure(
          state, state_input,
          Error{rendered.error().code, "Invalid ResultSelector: " + rendered.error().message});
    selected = std::move(*rendered);
  }
  return place_result(state, state_input, std::move(selected));
}

Step fail_task(const State& state, const json::value& state_input, const std::string& error,
               const std::string& cause, std::vector<std::int64_t>& retrier_attempts,
               double random01) {
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
  return catch_or_fail(state, state_input, error, cause);
}

}  // namespace settled::asl
