#include "domain/asl/parser.hpp"

#include "domain/asl/definition_reader.hpp"
#include "domain/asl/limits.hpp"
#include "domain/json_size.hpp"
#include "domain/time.hpp"
#include "domain/utf8.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>
#include <set>
#include <string_view>

namespace settled::asl {

namespace json = boost::json;

namespace {

// Collects every problem instead of stopping at the first, so an author fixes them in one go.
class Validator : private DefinitionReader {
 public:
  explicit Validator(const ParseOptions& options) : options_(options) {}

  Result<StateMachine> run(const json::value& definition, std::string name) {
    StateMachine machine = parse_machine(definition, "$", true, name);
    return finish(std::move(machine));
  }

 private:
  // A whole definition (`top`) or a Parallel branch / Map item processor, whose fields are
  // named under `where` (e.g. "$.States['P'].Branches[0]").
  StateMachine parse_machine(const json::value& definition, const std::string& where, bool top,
                             const std::string& name) {
    StateMachine machine;
    machine.name = name;
    if (top) machine.definition = definition;
    if (!definition.is_object()) {
      fail(where, top ? "a state machine definition must be a JSON object"
                      : "must be a JSON object with StartAt and States");
      return machine;
    }
    const auto& obj = definition.as_object();
    if (top) {
      allow_fields(obj, where,
                   {"Comment", "StartAt", "States", "TimeoutSeconds", "Version", "QueryLanguage"});
      if (auto ql = optional_string(obj, where, "QueryLanguage"); ql && *ql != "JSONPath")
        fail(where + ".QueryLanguage", "only \"JSONPath\" is supported");
      machine.timeout_seconds = optional_positive_int(obj, where, "TimeoutSeconds");
    } else {
      allow_fields(obj, where, {"Comment", "StartAt", "States", "ProcessorConfig"});
    }
    machine.comment = optional_string(obj, where, "Comment").value_or("");
    auto start_at = required_string(obj, where, "StartAt");
    const json::value* states = obj.if_contains("States");
    if (!states) {
      fail(where, "missing required field \"States\"");
    } else if (!states->is_object() || states->as_object().empty()) {
      fail(where + ".States", "must be a non-empty object of states");
    } else {
      for (const auto& [key, value] : states->as_object()) {
        std::string state_name(key);
        const std::string state_where = DefinitionReader::state_where(where, state_name);
        if (state_name.empty() || state_name.size() > kMaxStateNameLength)
          fail(state_where, "a state name must be 1 to 80 characters long");
        // Step Functions: names are unique in the whole state machine, branches included.
        if (!all_names_.insert(state_name).second)
          fail(state_where, "the state name \"" + cut_for_display(state_name, kMaxStateNameLength) +
                                "\" is used more than once; names must be unique in the whole "
                                "state machine, branches included");
        State state = parse_state(value, state_where, name);
        state.name = state_name;
        mark_context_use(state, value);
        machine.states.emplace(state_name, std::move(state));
      }
    }
    if (start_at) {
      machine.start_at = *start_at;
      if (states && states->is_object() && !machine.find(*start_at))
        fail(where + ".StartAt", "names a state that does not exist: \"" +
                                     cut_for_display(*start_at, kMaxStateNameLength) + "\"");
    }
    check_transitions(machine, where);
    return machine;
  }

  // Conservative: a '$' followed by a letter or '_' anywhere in the state (a "$name" path, or
  // an Assign's own name) means it may read or set workflow variables, which travel in the
  // context value (domain/asl/variables.hpp).
  static bool mentions_variable(const std::string& text) {
    for (std::size_t at = text.find('$'); at != std::string::npos; at = text.find('$', at + 1)) {
      const char c = at + 1 < text.size() ? text[at + 1] : '\0';
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') return true;
    }
    return text.find("\"Assign\"") != std::string::npos;
  }

  // The parts of the context the "$$"s in `text` may read: $$.Execution..., $$.State...,
  // $$.StateMachine..., $$.Task... each its part ($$.Map... none: the Map state adds it); any
  // other use of "$$" (the whole object, brackets, an intrinsic's argument) all of them.
  static unsigned context_parts_read(const std::string& text) {
    unsigned parts = 0;
    for (std::size_t at = text.find("$$"); at != std::string::npos; at = text.find("$$", at + 2)) {
      std::size_t end = at + 3;
      while (end < text.size() && std::isalnum(static_cast<unsigned char>(text[end]))) ++end;
      const std::string_view name = at + 2 < text.size() && text[at + 2] == '.'
                                        ? std::string_view(text).substr(at + 3, end - (at + 3))
                                        : std::string_view();
      if (name == "Execution")
        parts |= kContextExecution;
      else if (name == "State")
        parts |= kContextState;
      else if (name == "StateMachine")
        parts |= kContextStateMachine;
      else if (name == "Task")
        parts |= kContextTask;
      else if (name != "Map")
        return kContextAll;
    }
    return parts;
  }

  // Conservative: a "$$" anywhere in the state (even inside a literal) builds the context.
  // Wait states read $$.State.EnteredTime for their due time.
  static void mark_context_use(State& state, const json::value& value) {
    const std::string text = json::serialize(value);
    state.uses_context = state.type == StateType::kWait || text.find("$$") != std::string::npos ||
                         mentions_variable(text);
    state.context_parts = context_parts_read(text);
    if (state.type == StateType::kWait) state.context_parts |= kContextState;
    // Any "$$" path that is not plainly into State, StateMachine, Task, Map or an Execution
    // field other than Input may read the input.
    for (std::size_t at = text.find("$$"); at != std::string::npos && !state.uses_execution_input;
         at = text.find("$$", at + 2)) {
      const std::string rest = text.substr(at + 2, 24);
      bool narrow = false;
      for (const char* prefix : {".State.", ".StateMachine.", ".Task.", ".Map.", ".Execution.Id",
                                 ".Execution.Name", ".Execution.StartTime", ".Execution.RoleArn",
                                 ".Execution.RedriveCount", ".Execution.RedriveTime"})
        narrow = narrow || rest.rfind(prefix, 0) == 0;
      state.uses_execution_input = !narrow;
    }
  }

  // A Parallel branch or Map item processor, one level deeper than the machine around it; null
  // (with the problem recorded) past kMaxBranchNesting, which bounds this recursion.
  std::shared_ptr<const StateMachine> nested_machine(const json::value& definition,
                                                     const std::string& where,
                                                     const std::string& name) {
    if (branch_nesting_ >= kMaxBranchNesting) {
      fail(where, "Parallel branches and Map item processors are nested more than " +
                      std::to_string(kMaxBranchNesting) + " deep");
      return nullptr;
    }
    ++branch_nesting_;
    auto machine =
        std::make_shared<const StateMachine>(parse_machine(definition, where, false, name));
    --branch_nesting_;
    return machine;
  }

  void parse_branches(const json::object& obj, const std::string& where, State& state,
                      const std::string& name) {
    const json::value* v = obj.if_contains("Branches");
    if (!v || !v->is_array() || v->as_array().empty()) {
      fail(where + ".Branches", "a Parallel state needs a non-empty array \"Branches\"");
      return;
    }
    std::size_t i = 0;
    for (const auto& branch : v->as_array()) {
      const std::string w = where + ".Branches[" + std::to_string(i++) + "]";
      if (branch.is_object() && branch.as_object().contains("ProcessorConfig"))
        fail(w + ".ProcessorConfig", "unknown field");
      if (auto machine = nested_machine(branch, w, name))
        state.branches.push_back(std::move(machine));
    }
  }

  void parse_map(const json::object& obj, const std::string& where, State& state,
                 const std::string& name) {
    const json::value* processor = obj.if_contains("ItemProcessor");
    const json::value* iterator = obj.if_contains("Iterator");
    if (processor && iterator) fail(where, "must not have both \"ItemProcessor\" and \"Iterator\"");
    if (!processor && !iterator)
      fail(where, "a Map state needs \"ItemProcessor\" (or \"Iterator\")");
    const char* field = processor ? "ItemProcessor" : "Iterator";
    if (const json::value* p = processor ? processor : iterator) {
      if (p->is_object()) {
        if (const json::value* config = p->as_object().if_contains("ProcessorConfig")) {
          const std::string w = where + "." + field + ".ProcessorConfig";
          if (!config->is_object()) {
            fail(w, "must be a JSON object");
          } else {
            allow_fields(config->as_object(), w, {"Mode", "ExecutionType"});
            if (auto mode = optional_string(config->as_object(), w, "Mode")) {
              if (*mode == "DISTRIBUTED")
                state.distributed = true;
              else if (*mode != "INLINE")
                fail(w + ".Mode", "must be \"INLINE\" or \"DISTRIBUTED\"");
            }
            if (auto type = optional_string(config->as_object(), w, "ExecutionType");
                type && *type != "STANDARD" && *type != "EXPRESS")
              fail(w + ".ExecutionType", "must be \"STANDARD\" or \"EXPRESS\"");
          }
        }
      }
      state.item_processor = nested_machine(*p, where + "." + field, name);
    }
    if (obj.contains("ItemsPath"))
      state.items_path = path_field(obj.at("ItemsPath"), where + ".ItemsPath", true, true);
    const bool selector = obj.contains("ItemSelector");
    if (selector && obj.contains("Parameters"))
      fail(where, "must not have both \"ItemSelector\" and \"Parameters\"");
    // The legacy "Parameters" of a Map state is what ItemSelector is now.
    state.item_selector = template_field(obj, where, selector ? "ItemSelector" : "Parameters");
    state.max_concurrency =
        optional_int(obj, where, "MaxConcurrency", 0, "must be a non-negative integer").value_or(0);
    if (const json::value* p = obj.if_contains("MaxConcurrencyPath")) {
      if (obj.contains("MaxConcurrency"))
        fail(where, "must not have both \"MaxConcurrency\" and \"MaxConcurrencyPath\"");
      state.max_concurrency_path = path_field(*p, where + ".MaxConcurrencyPath", true, true);
    }
    read_distributed_map(obj, where, state);
  }

  Result<StateMachine> finish(StateMachine machine) {
    if (errors_.empty()) return machine;
    std::string message = problems_ == 1 ? "invalid definition: "
                          : problems_ <= errors_.size()
                              ? "invalid definition (" + std::to_string(problems_) + " problems): "
                              : "invalid definition (" + std::to_string(problems_) +
                                    " problems; the first " + std::to_string(errors_.size()) +
                                    " are listed): ";
    for (std::size_t i = 0; i < errors_.size(); ++i) {
      if (i) message += "; ";
      message += errors_[i];
    }
    return Error{ErrorCode::kInvalidDefinition, message};
  }

  void parse_retry(const json::object& obj, const std::string& where, State& state) {
    const json::value* v = obj.if_contains("Retry");
    if (!v) return;
    if (!v->is_array()) {
      fail(where + ".Retry", "must be an array of retriers");
      return;
    }
    const auto& arr = v->as_array();
    for (std::size_t i = 0; i < arr.size(); ++i) {
      const std::string w = where + ".Retry[" + std::to_string(i) + "]";
      if (!arr[i].is_object()) {
        fail(w, "must be an object");
        continue;
      }
      const auto& r = arr[i].as_object();
      allow_fields(r, w,
                   {"ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate",
                    "MaxDelaySeconds", "JitterStrategy", "Comment"});
      Retrier retrier;
      retrier.error_equals = error_equals(r, w);
      if (retrier.error_equals.size() == 1 && retrier.error_equals[0] == "States.ALL" &&
          i + 1 != arr.size())
        fail(w + ".ErrorEquals", "a retrier with \"States.ALL\" must be the last one");
      if (auto n = optional_positive_int(r, w, "IntervalSeconds")) retrier.interval_seconds = *n;
      if (auto n = optional_int(r, w, "MaxAttempts", 0, "must be a non-negative integer"))
        retrier.max_attempts = *n;
      if (auto n = optional_positive_int(r, w, "MaxDelaySeconds")) retrier.max_delay_seconds = *n;
      if (const json::value* b = r.if_contains("BackoffRate")) {
        if (!b->is_number() || b->to_number<double>() < 1.0)
          fail(w + ".BackoffRate", "must be a number greater than or equal to 1.0");
        else
          retrier.backoff_rate = b->to_number<double>();
      }
      if (auto j = optional_string(r, w, "JitterStrategy")) {
        if (*j == "FULL")
          retrier.full_jitter = true;
        else if (*j != "NONE")
          fail(w + ".JitterStrategy", "must be \"FULL\" or \"NONE\"");
      }
      state.retry.push_back(std::move(retrier));
    }
  }

  void parse_catch(const json::object& obj, const std::string& where, State& state) {
    const json::value* v = obj.if_contains("Catch");
    if (!v) return;
    if (!v->is_array()) {
      fail(where + ".Catch", "must be an array of catchers");
      return;
    }
    const auto& arr = v->as_array();
    for (std::size_t i = 0; i < arr.size(); ++i) {
      const std::string w = where + ".Catch[" + std::to_string(i) + "]";
      if (!arr[i].is_object()) {
        fail(w, "must be an object");
        continue;
      }
      const auto& c = arr[i].as_object();
      allow_fields(c, w, {"ErrorEquals", "Next", "ResultPath", "Comment", "Assign"});
      Catcher catcher;
      catcher.error_equals = error_equals(c, w);
      if (catcher.error_equals.size() == 1 && catcher.error_equals[0] == "States.ALL" &&
          i + 1 != arr.size())
        fail(w + ".ErrorEquals", "a catcher with \"States.ALL\" must be the last one");
      catcher.next = required_string(c, w, "Next").value_or("");
      catcher.result_path = optional_path(c, w, "ResultPath", true);
      catcher.assign = assign_field(c, w);
      state.catchers.push_back(std::move(catcher));
    }
  }

  State parse_state(const json::value& v, const std::string& where, const std::string& name) {
    State state;
    if (!v.is_object()) {
      fail(where, "a state must be a JSON object");
      return state;
    }
    const auto& obj = v.as_object();
    const auto type = required_string(obj, where, "Type");
    if (!type) return state;
    static const std::map<std::string, StateType> types = {
        {"Task", StateType::kTask},         {"Pass", StateType::kPass},
        {"Choice", StateType::kChoice},     {"Wait", StateType::kWait},
        {"Succeed", StateType::kSucceed},   {"Fail", StateType::kFail},
        {"Parallel", StateType::kParallel}, {"Map", StateType::kMap}};
    auto it = types.find(*type);
    if (it == types.end()) {
      fail(where + ".Type", "unknown state type \"" + cut_for_display(*type) + "\"");
      return state;
    }
    state.type = it->second;
    switch (state.type) {
      case StateType::kTask:
        allow_fields(obj, where,
                     {"Type", "Comment", "Next", "End", "InputPath", "OutputPath", "ResultPath",
                      "Parameters", "ResultSelector", "Resource", "TimeoutSeconds",
                      "TimeoutSecondsPath", "HeartbeatSeconds", "Retry", "Catch", "Assign"});
        break;
      case StateType::kPass:
        allow_fields(obj, where,
                     {"Type", "Comment", "Next", "End", "InputPath", "OutputPath", "ResultPath",
                      "Parameters", "Result", "Assign"});
        break;
      case StateType::kChoice:
        allow_fields(
            obj, where,
            {"Type", "Comment", "InputPath", "OutputPath", "Choices", "Default", "Assign"});
        break;
      case StateType::kWait:
        allow_fields(obj, where,
                     {"Type", "Comment", "Next", "End", "InputPath", "OutputPath", "Seconds",
                      "SecondsPath", "Timestamp", "TimestampPath", "Assign"});
        break;
      case StateType::kSucceed:
        allow_fields(obj, where, {"Type", "Comment", "InputPath", "OutputPath"});
        break;
      case StateType::kFail:
        allow_fields(obj, where, {"Type", "Comment", "Error", "ErrorPath", "Cause", "CausePath"});
        break;
      case StateType::kParallel:
        allow_fields(obj, where,
                     {"Type", "Comment", "Next", "End", "InputPath", "OutputPath", "ResultPath",
                      "Parameters", "ResultSelector", "Branches", "Retry", "Catch", "Assign"});
        break;
      case StateType::kMap:
        allow_fields(obj, where,
                     {"Type",
                      "Comment",
                      "Next",
                      "End",
                      "InputPath",
                      "OutputPath",
                      "ResultPath",
                      "Parameters",
                      "ItemSelector",
                      "ResultSelector",
                      "ItemsPath",
                      "MaxConcurrency",
                      "MaxConcurrencyPath",
                      "Iterator",
                      "ItemProcessor",
                      "Retry",
                      "Catch",
                      "ItemReader",
                      "ResultWriter",
                      "ItemBatcher",
                      "ToleratedFailureCount",
                      "ToleratedFailurePercentage",
                      "ToleratedFailureCountPath",
                      "ToleratedFailurePercentagePath",
                      "Label",
                      "Assign"});
        break;
    }

    const bool transitions = state.type == StateType::kTask || state.type == StateType::kPass ||
                             state.type == StateType::kWait || state.type == StateType::kParallel ||
                             state.type == StateType::kMap;
    if (transitions) {
      const auto next = optional_string(obj, where, "Next");
      const json::value* end = obj.if_contains("End");
      if (end && !end->is_bool()) fail(where + ".End", "must be true or false");
      state.end = end && end->is_bool() && end->as_bool();
      if (next && state.end) fail(where, "must not have both \"Next\" and \"End\": true");
      if (!next && !state.end) fail(where, "must have \"Next\" or \"End\": true");
      state.next = next.value_or("");
    }
    if (state.type != StateType::kFail) {
      state.input_path = optional_path(obj, where, "InputPath", false);
      state.output_path = optional_path(obj, where, "OutputPath", false);
    }
    if (state.type != StateType::kFail && state.type != StateType::kSucceed)
      state.assign = assign_field(obj, where);
    if (state.type == StateType::kTask || state.type == StateType::kPass ||
        state.type == StateType::kParallel || state.type == StateType::kMap) {
      state.result_path = optional_path(obj, where, "ResultPath", true);
      if (state.type != StateType::kMap)
        state.parameters = template_field(obj, where, "Parameters");
    }
    if (state.type == StateType::kParallel || state.type == StateType::kMap) {
      state.result_selector = template_field(obj, where, "ResultSelector");
      parse_retry(obj, where, state);
      parse_catch(obj, where, state);
      if (state.type == StateType::kParallel)
        parse_branches(obj, where, state, name);
      else
        parse_map(obj, where, state, name);
    }

    if (state.type == StateType::kTask) {
      state.resource = required_string(obj, where, "Resource").value_or("");
      if (!state.resource.empty() && options_.known_resource &&
          !options_.known_resource(state.resource))
        fail(where + ".Resource", "unknown task resource \"" + state.resource + "\"");
      state.result_selector = template_field(obj, where, "ResultSelector");
      state.timeout_seconds = optional_positive_int(obj, where, "TimeoutSeconds");
      if (const json::value* p = obj.if_contains("TimeoutSecondsPath")) {
        if (state.timeout_seconds)
          fail(where + ".TimeoutSecondsPath",
               "a Task has TimeoutSeconds or TimeoutSecondsPath, not both");
        state.timeout_seconds_path = path_field(*p, where + ".TimeoutSecondsPath", true, true);
      }
      state.heartbeat_seconds = optional_positive_int(obj, where, "HeartbeatSeconds");
      if (state.timeout_seconds && state.heartbeat_seconds &&
          *state.heartbeat_seconds >= *state.timeout_seconds)
        fail(where + ".HeartbeatSeconds", "must be smaller than TimeoutSeconds");
      parse_retry(obj, where, state);
      parse_catch(obj, where, state);
    } else if (state.type == StateType::kPass) {
      if (const json::value* r = obj.if_contains("Result")) state.result = *r;
    } else if (state.type == StateType::kChoice) {
      const json::value* choices = obj.if_contains("Choices");
      if (!choices || !choices->is_array() || choices->as_array().empty()) {
        fail(where + ".Choices", "a Choice state needs a non-empty array \"Choices\"");
      } else {
        std::size_t i = 0;
        for (const auto& c : choices->as_array())
          state.choices.push_back(
              parse_choice_rule(c, where + ".Choices[" + std::to_string(i++) + "]", true, 1));
      }
      state.default_next = optional_string(obj, where, "Default").value_or("");
    } else if (state.type == StateType::kWait) {
      int count = 0;
      if (obj.contains("Seconds")) {
        ++count;
        state.seconds = optional_int(obj, where, "Seconds", 0, "must be a non-negative integer");
      }
      if (const json::value* p = obj.if_contains("SecondsPath")) {
        ++count;
        state.seconds_path = path_field(*p, where + ".SecondsPath", true, true);
      }
      if (const json::value* t = obj.if_contains("Timestamp")) {
        ++count;
        if (!t->is_string() || !parse_timestamp(std::string(t->as_string())))
          fail(where + ".Timestamp", "must be an RFC 3339 timestamp string");
        else
          state.timestamp = std::string(t->as_string());
      }
      if (const json::value* p = obj.if_contains("TimestampPath")) {
        ++count;
        state.timestamp_path = path_field(*p, where + ".TimestampPath", true, true);
      }
      if (count != 1)
        fail(where,
             "a Wait state needs exactly one of Seconds, SecondsPath, Timestamp, TimestampPath");
    } else if (state.type == StateType::kFail) {
      state.error = optional_string(obj, where, "Error");
      state.cause = optional_string(obj, where, "Cause");
      if (const json::value* p = obj.if_contains("ErrorPath")) {
        if (state.error) fail(where, "must not have both \"Error\" and \"ErrorPath\"");
        path_or_intrinsic(*p, where + ".ErrorPath", state.error_path, state.error_intrinsic);
      }
      if (const json::value* p = obj.if_contains("CausePath")) {
        if (state.cause) fail(where, "must not have both \"Cause\" and \"CausePath\"");
        path_or_intrinsic(*p, where + ".CausePath", state.cause_path, state.cause_intrinsic);
      }
    }
    return state;
  }

  // Every Next must exist and every state must be reachable from StartAt.
  void check_transitions(const StateMachine& machine, const std::string& prefix) {
    auto check = [&](const std::string& where, const std::string& target) {
      if (!target.empty() && !machine.find(target))
        fail(where, "names a state that does not exist: \"" +
                        cut_for_display(target, kMaxStateNameLength) + "\"");
    };
    std::function<void(const ChoiceRule&, std::vector<std::string>&)> collect;
    for (const auto& [name, state] : machine.states) {
      const std::string where = state_where(prefix, name);
      check(where + ".Next", state.next);
      check(where + ".Default", state.default_next);
      for (std::size_t i = 0; i < state.choices.size(); ++i)
        check(where + ".Choices[" + std::to_string(i) + "].Next", state.choices[i].next);
      for (std::size_t i = 0; i < state.catchers.size(); ++i)
        check(where + ".Catch[" + std::to_string(i) + "].Next", state.catchers[i].next);
    }
    if (machine.start_at.empty() || !machine.find(machine.start_at)) return;
    std::set<std::string> seen;
    std::vector<std::string> todo{machine.start_at};
    while (!todo.empty()) {
      std::string current = std::move(todo.back());
      todo.pop_back();
      const State* state = machine.find(current);
      if (!state || !seen.insert(current).second) continue;
      todo.push_back(state->next);
      todo.push_back(state->default_next);
      for (const auto& c : state->choices) todo.push_back(c.next);
      for (const auto& c : state->catchers) todo.push_back(c.next);
    }
    for (const auto& [name, state] : machine.states) {
      if (!seen.count(name)) fail(state_where(prefix, name), "is not reachable from StartAt");
    }
  }

  const ParseOptions& options_;
  int branch_nesting_ = 0;  // branches and item processors open around the machine being parsed
  std::set<std::string> all_names_;
};

}  // namespace

const char* state_type_name(StateType type) {
  switch (type) {
    case StateType::kTask:
      return "Task";
    case StateType::kPass:
      return "Pass";
    case StateType::kChoice:
      return "Choice";
    case StateType::kWait:
      return "Wait";
    case StateType::kSucceed:
      return "Succeed";
    case StateType::kFail:
      return "Fail";
    case StateType::kParallel:
      return "Parallel";
    case StateType::kMap:
      return "Map";
  }
  return "Pass";
}

Result<StateMachine> parse_state_machine(const json::value& definition, std::string name,
                                         const ParseOptions& options) {
  if (serialized_size(definition, kMaxDefinitionBytes) > kMaxDefinitionBytes)
    return Error{ErrorCode::kInvalidDefinition, "invalid definition: $: larger than the limit of " +
                                                    std::to_string(kMaxDefinitionBytes) +
                                                    " bytes as JSON text"};
  return Validator(options).run(definition, std::move(name));
}

Result<StateMachine> parse_state_machine_text(std::string_view text, std::string name,
                                              const ParseOptions& options) {
  if (text.size() > kMaxDefinitionBytes)
    return Error{ErrorCode::kInvalidDefinition,
                 "invalid definition: $: " + std::to_string(text.size()) +
                     " bytes, larger than the limit of " + std::to_string(kMaxDefinitionBytes) +
                     " bytes"};
  boost::system::error_code ec;
  json::stream_parser parser;
  const std::size_t consumed = parser.write(text.data(), text.size(), ec);
  if (!ec) parser.finish(ec);
  if (ec) {
    // The parser stops at the offending character (or at the end of truncated text).
    const std::size_t offset = std::min(consumed, text.size());
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i < offset; ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    return Error{ErrorCode::kInvalidDefinition, "definition is not valid JSON: " + ec.message() +
                                                    " at line " + std::to_string(line) +
                                                    ", column " + std::to_string(column) +
                                                    " (offset " + std::to_string(offset) + ")"};
  }
  return parse_state_machine(parser.release(), std::move(name), options);
}

}  // namespace settled::asl
