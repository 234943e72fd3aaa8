#include "domain/asl/mock_config.hpp"

#include "domain/asl/errors.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>

namespace settled::asl {

namespace json = boost::json;

namespace {

Error invalid(const std::string& where, const std::string& why) {
  return Error{ErrorCode::kInvalidRequest, where + ": " + why};
}

std::string quoted(std::string_view key) {
  return "\"" + std::string(key) + "\"";
}

std::optional<Error> check_name(const std::string& where, std::string_view name) {
  if (name.empty() || name.size() > kMockMaxNameLength)
    return invalid(where,
                   "a name must be 1 to " + std::to_string(kMockMaxNameLength) + " characters");
  return std::nullopt;
}

Result<const json::object*> object_field(const json::object& parent, std::string_view key,
                                         const std::string& where) {
  const json::value* v = parent.if_contains(key);
  if (!v) return invalid(where, "is required");
  if (!v->is_object()) return invalid(where, "must be an object");
  if (v->as_object().size() > kMockMaxEntries)
    return invalid(where, "has more than " + std::to_string(kMockMaxEntries) + " entries");
  return &v->as_object();
}

// "N" or "N-M": decimal digits only, N <= M <= kMockMaxInvocation.
std::optional<std::pair<std::int64_t, std::int64_t>> parse_range(std::string_view key) {
  const auto number = [](std::string_view digits) -> std::optional<std::int64_t> {
    if (digits.empty() || digits.size() > 10) return std::nullopt;
    std::int64_t value = 0;
    for (char c : digits) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
      value = value * 10 + (c - '0');
    }
    if (value > kMockMaxInvocation) return std::nullopt;
    return value;
  };
  const auto dash = key.find('-');
  const auto first = number(key.substr(0, dash));
  const auto last = dash == std::string_view::npos ? first : number(key.substr(dash + 1));
  if (!first || !last || *last < *first) return std::nullopt;
  return std::make_pair(*first, *last);
}

Result<MockedAnswer> parse_answer(const json::value& value, const std::string& where) {
  if (!value.is_object() || value.as_object().size() != 1)
    return invalid(where, "must be an object with exactly one of Return or Throw");
  const json::object& o = value.as_object();
  MockedAnswer answer;
  if (const json::value* ret = o.if_contains("Return")) {
    answer.result = *ret;
    return answer;
  }
  const json::value* thrown = o.if_contains("Throw");
  if (!thrown) return invalid(where, "must be an object with exactly one of Return or Throw");
  if (!thrown->is_object()) return invalid(where + ".Throw", "must be an object");
  for (const auto& [key, v] : thrown->as_object()) {
    if (key != "Error" && key != "Cause")
      return invalid(where + ".Throw." + std::string(key), "is unknown (allowed: Error, Cause)");
    if (!v.is_string()) return invalid(where + ".Throw." + std::string(key), "must be a string");
  }
  const json::value* error = thrown->as_object().if_contains("Error");
  if (!error || error->as_string().empty())
    return invalid(where + ".Throw.Error", "is required and must not be empty");
  answer.ok = false;
  answer.error = std::string(error->as_string());
  if (const json::value* cause = thrown->as_object().if_contains("Cause"))
    answer.cause = std::string(cause->as_string());
  return answer;
}

}  // namespace

Result<MockConfig> MockConfig::parse(const json::value& document) {
  if (!document.is_object()) return invalid("mock configuration", "must be a JSON object");
  const json::object& top = document.as_object();
  for (const auto& [key, value] : top) {
    (void)value;
    if (key != "StateMachines" && key != "MockedResponses")
      return invalid(std::string(key), "is unknown (allowed: StateMachines, MockedResponses)");
  }
  MockConfig config;
  auto responses = object_field(top, "MockedResponses", "MockedResponses");
  if (!responses) return responses.error();
  for (const auto& [name, ranges] : **responses) {
    const std::string where = "MockedResponses." + quoted(name);
    if (auto problem = check_name(where, name)) return *problem;
    if (!ranges.is_object() || ranges.as_object().empty())
      return invalid(where, "must be an object of invocation numbers (\"0\", \"1-2\", ...)");
    if (ranges.as_object().size() > kMockMaxEntries)
      return invalid(where, "has more than " + std::to_string(kMockMaxEntries) + " entries");
    std::vector<Range> list;
    for (const auto& [key, value] : ranges.as_object()) {
      const std::string at = where + "." + quoted(key);
      auto range = parse_range(key);
      if (!range)
        return invalid(at, "an invocation number is \"N\" or \"N-M\" (0 <= N <= M <= " +
                               std::to_string(kMockMaxInvocation) + ")");
      auto answer = parse_answer(value, at);
      if (!answer) return answer.error();
      list.push_back(Range{range->first, range->second, std::move(*answer)});
    }
    std::sort(list.begin(), list.end(),
              [](const Range& a, const Range& b) { return a.first < b.first; });
    for (std::size_t i = 1; i < list.size(); ++i)
      if (list[i].first <= list[i - 1].last)
        return invalid(where, "invocation " + std::to_string(list[i].first) +
                                  " is answered twice (ranges overlap)");
    config.responses_[std::string(name)] = std::move(list);
  }
  auto machines = object_field(top, "StateMachines", "StateMachines");
  if (!machines) return machines.error();
  for (const auto& [machine, spec] : **machines) {
    const std::string where = "StateMachines." + quoted(machine);
    if (auto problem = check_name(where, machine)) return *problem;
    if (!spec.is_object()) return invalid(where, "must be an object");
    for (const auto& [key, value] : spec.as_object()) {
      (void)value;
      if (key != "TestCases") return invalid(where + "." + std::string(key), "is unknown");
    }
    auto cases = object_field(spec.as_object(), "TestCases", where + ".TestCases");
    if (!cases) return cases.error();
    auto& machine_cases = config.machines_[std::string(machine)];
    for (const auto& [test_case, states] : **cases) {
      const std::string at = where + ".TestCases." + quoted(test_case);
      if (auto problem = check_name(at, test_case)) return *problem;
      if (test_case.find('#') != json::string_view::npos)
        return invalid(at, "a test case name cannot contain '#'");
      if (!states.is_object())
        return invalid(at, "must be an object of state name -> mocked response name");
      if (states.as_object().size() > kMockMaxEntries)
        return invalid(at, "has more than " + std::to_string(kMockMaxEntries) + " entries");
      auto& mocked = machine_cases[std::string(test_case)];
      for (const auto& [state, response] : states.as_object()) {
        const std::string state_at = at + "." + quoted(state);
        if (auto problem = check_name(state_at, state)) return *problem;
        if (!response.is_string()) return invalid(state_at, "must name a mocked response");
        const std::string name(response.as_string());
        if (!config.responses_.count(name))
          return invalid(state_at, "names " + quoted(name) + ", which is not in MockedResponses");
        mocked[std::string(state)] = name;
      }
    }
  }
  return config;
}

bool MockConfig::has_test_case(const std::string& machine, const std::string& test_case) const {
  auto it = machines_.find(machine);
  return it != machines_.end() && it->second.count(test_case) > 0;
}

std::optional<MockedAnswer> MockConfig::answer(const std::string& machine,
                                               const std::string& test_case,
                                               const std::string& state,
                                               std::int64_t invocation) const {
  auto m = machines_.find(machine);
  if (m == machines_.end()) return std::nullopt;
  auto c = m->second.find(test_case);
  if (c == m->second.end()) return std::nullopt;
  auto s = c->second.find(state);
  if (s == c->second.end()) return std::nullopt;
  const auto& ranges = responses_.at(s->second);
  for (const auto& range : ranges)
    if (invocation >= range.first && invocation <= range.last) return range.answer;
  MockedAnswer missing;
  missing.ok = false;
  missing.error = std::string(errors::kTaskFailed);
  missing.cause = "mocked response \"" + s->second + "\" has no answer for invocation " +
                  std::to_string(invocation) + " of state \"" + state + "\" (test case \"" +
                  test_case + "\")";
  return missing;
}

std::size_t MockConfig::test_case_count() const {
  std::size_t count = 0;
  for (const auto& [machine, cases] : machines_) count += cases.size();
  return count;
}

std::pair<std::string, std::string> split_test_case(const std::string& state_machine) {
  const auto hash = state_machine.find('#');
  if (hash == std::string::npos) return {state_machine, {}};
  return {state_machine.substr(0, hash), state_machine.substr(hash + 1)};
}

}  // namespace settled::asl
