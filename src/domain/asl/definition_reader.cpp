#include "domain/asl/definition_reader.hpp"

#include "domain/asl/limits.hpp"
#include "domain/asl/variables.hpp"
#include "domain/time.hpp"
#include "domain/utf8.hpp"

#include <boost/json.hpp>

#include <set>

namespace settled::asl {

namespace json = boost::json;

namespace {

const std::set<std::string>& comparators() {
  static const std::set<std::string> names = {"StringEquals",
                                              "StringLessThan",
                                              "StringGreaterThan",
                                              "StringLessThanEquals",
                                              "StringGreaterThanEquals",
                                              "StringMatches",
                                              "NumericEquals",
                                              "NumericLessThan",
                                              "NumericGreaterThan",
                                              "NumericLessThanEquals",
                                              "NumericGreaterThanEquals",
                                              "BooleanEquals",
                                              "TimestampEquals",
                                              "TimestampLessThan",
                                              "TimestampGreaterThan",
                                              "TimestampLessThanEquals",
                                              "TimestampGreaterThanEquals",
                                              "IsNull",
                                              "IsPresent",
                                              "IsNumeric",
                                              "IsString",
                                              "IsBoolean",
                                              "IsTimestamp"};
  return names;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

void DefinitionReader::fail(const std::string& where, const std::string& rule) {
  record(where + ": " + rule);
}

void DefinitionReader::record(std::string problem) {
  if (problems_++ >= kMaxListedProblems) return;
  errors_.push_back(problem.size() <= kMaxProblemBytes
                        ? std::move(problem)
                        : cut_for_display(problem, kMaxProblemBytes));
}

std::string DefinitionReader::state_where(const std::string& where, std::string_view name) {
  return where + ".States['" + cut_for_display(name, kMaxStateNameLength) + "']";
}

void DefinitionReader::allow_fields(const json::object& obj, const std::string& where,
                                    std::initializer_list<const char*> allowed) {
  for (const auto& [key, value] : obj) {
    bool ok = false;
    for (const char* a : allowed) ok = ok || key == a;
    if (!ok) fail(where + "." + cut_for_display(key), "unknown field");
  }
}

std::optional<std::string> DefinitionReader::optional_string(const json::object& obj,
                                                             const std::string& where,
                                                             const char* field) {
  const json::value* v = obj.if_contains(field);
  if (!v) return std::nullopt;
  if (!v->is_string()) {
    fail(where + "." + field, "must be a string");
    return std::nullopt;
  }
  return std::string(v->as_string());
}

std::optional<std::string> DefinitionReader::required_string(const json::object& obj,
                                                             const std::string& where,
                                                             const char* field) {
  if (!obj.contains(field)) {
    fail(where, std::string("missing required field \"") + field + "\"");
    return std::nullopt;
  }
  return optional_string(obj, where, field);
}

std::optional<std::int64_t> DefinitionReader::optional_int(const json::object& obj,
                                                           const std::string& where,
                                                           const char* field, std::int64_t min,
                                                           const char* rule) {
  const json::value* v = obj.if_contains(field);
  if (!v) return std::nullopt;
  std::int64_t n = 0;
  if (v->is_int64()) {
    n = v->as_int64();
  } else if (v->is_uint64() && v->as_uint64() <= 99999999) {
    n = static_cast<std::int64_t>(v->as_uint64());
  } else {
    fail(where + "." + field, rule);
    return std::nullopt;
  }
  if (n < min || n > 99999999) {
    fail(where + "." + field, rule);
    return std::nullopt;
  }
  return n;
}

std::optional<std::int64_t> DefinitionReader::optional_positive_int(const json::object& obj,
                                                                    const std::string& where,
                                                                    const char* field) {
  return optional_int(obj, where, field, 1, "must be a positive integer");
}

std::optional<jsonpath::Path> DefinitionReader::path_field(const json::value& v,
                                                           const std::string& where,
                                                           bool reference_only,
                                                           bool allow_context) {
  if (!v.is_string()) {
    fail(where, "must be a JSONPath string");
    return std::nullopt;
  }
  auto path = jsonpath::compile(std::string(v.as_string()));
  if (!path) {
    fail(where, path.error().message);
    return std::nullopt;
  }
  if (reference_only && !path->is_reference()) {
    fail(where, "must be a reference path (no wildcards, filters, slices or unions)");
    return std::nullopt;
  }
  if (!allow_context && path->is_context()) {
    fail(where, "cannot refer to the context object here");
    return std::nullopt;
  }
  return *path;
}

// A Fail state's ErrorPath/CausePath: a path, or an intrinsic function call.
void DefinitionReader::path_or_intrinsic(const json::value& v, const std::string& where,
                                         std::optional<jsonpath::Path>& path,
                                         std::optional<Intrinsic>& call) {
  if (v.is_string() && std::string(v.as_string()).rfind("States.", 0) == 0) {
    auto compiled = Intrinsic::compile(std::string(v.as_string()), where);
    if (compiled)
      call = std::move(*compiled);
    else
      record(compiled.error().message);
    return;
  }
  path = path_field(v, where, false, true);
}

OptionalPath DefinitionReader::optional_path(const json::object& obj, const std::string& where,
                                             const char* field, bool reference_only) {
  OptionalPath out;
  const json::value* v = obj.if_contains(field);
  if (!v) return out;
  if (v->is_null()) {
    out.kind = OptionalPath::Kind::kNull;
    return out;
  }
  // InputPath and OutputPath may read the context object or a variable; ResultPath only
  // names a place in the input.
  out.path = path_field(*v, where + "." + field, reference_only, !reference_only);
  if (reference_only && out.path && !out.path->variable().empty()) {
    fail(where + "." + field, "cannot name a variable (variables are set with Assign)");
    out.path.reset();
  }
  if (out.path) out.kind = OptionalPath::Kind::kPath;
  return out;
}

std::optional<PayloadTemplate> DefinitionReader::assign_field(const json::object& obj,
                                                              const std::string& where) {
  const json::value* v = obj.if_contains("Assign");
  if (!v) return std::nullopt;
  if (v->is_object()) {
    for (const auto& [key, value] : v->as_object()) {
      std::string name(key);
      if (name.size() > 2 && name.compare(name.size() - 2, 2, ".$") == 0)
        name.resize(name.size() - 2);
      if (!valid_variable_name(name))
        fail(where + ".Assign['" + std::string(key) + "']",
             "a variable name is 1 to 80 letters, digits and '_', starts with a letter or '_', "
             "and is not \"states\"");
    }
  }
  return template_field(obj, where, "Assign");
}

std::optional<PayloadTemplate> DefinitionReader::template_field(const json::object& obj,
                                                                const std::string& where,
                                                                const char* field) {
  const json::value* v = obj.if_contains(field);
  if (!v) return std::nullopt;
  if (!v->is_object()) {
    fail(where + "." + field, "must be a JSON object");
    return std::nullopt;
  }
  auto t = PayloadTemplate::compile(*v, where + "." + field);
  if (!t) {
    record(t.error().message);
    return std::nullopt;
  }
  return std::move(*t);
}

std::vector<std::string> DefinitionReader::error_equals(const json::object& obj,
                                                        const std::string& where) {
  std::vector<std::string> out;
  const json::value* v = obj.if_contains("ErrorEquals");
  if (!v) {
    fail(where, "missing required field \"ErrorEquals\"");
    return out;
  }
  if (!v->is_array() || v->as_array().empty()) {
    fail(where + ".ErrorEquals", "must be a non-empty array of error names");
    return out;
  }
  for (const auto& e : v->as_array()) {
    if (!e.is_string()) {
      fail(where + ".ErrorEquals", "must contain only strings");
      return out;
    }
    out.emplace_back(e.as_string());
  }
  for (const auto& e : out) {
    if (e == "States.ALL" && out.size() != 1)
      fail(where + ".ErrorEquals", "\"States.ALL\" must appear alone in its ErrorEquals");
  }
  return out;
}

void DefinitionReader::check_operand(const std::string& comparator, const json::value& operand,
                                     const std::string& where) {
  bool ok = true;
  const char* rule = "";
  if (comparator.rfind("String", 0) == 0) {
    ok = operand.is_string();
    rule = "must be a string";
  } else if (comparator.rfind("Numeric", 0) == 0) {
    ok = operand.is_number();
    rule = "must be a number";
  } else if (comparator == "BooleanEquals" || comparator.rfind("Is", 0) == 0) {
    ok = operand.is_bool();
    rule = "must be true or false";
  } else if (comparator.rfind("Timestamp", 0) == 0) {
    ok = operand.is_string() && parse_timestamp(std::string(operand.as_string())).has_value();
    rule = "must be an RFC 3339 timestamp string";
  }
  if (!ok) fail(where, rule);
}

// `depth` is 1 for a rule in Choices[], 2 for a rule inside its And/Or/Not, and so on.
ChoiceRule DefinitionReader::parse_choice_rule(const json::value& v, const std::string& where,
                                               bool top_level, int depth) {
  ChoiceRule rule;
  if (depth > kMaxChoiceRuleNesting) {
    fail(where, "And, Or and Not rules are nested more than " +
                    std::to_string(kMaxChoiceRuleNesting) + " deep");
    return rule;
  }
  if (!v.is_object()) {
    fail(where, "a choice rule must be an object");
    return rule;
  }
  const auto& obj = v.as_object();
  if (top_level) {
    rule.next = required_string(obj, where, "Next").value_or("");
  } else if (obj.contains("Next")) {
    fail(where + ".Next", "only top-level choice rules may have \"Next\"");
  }
  int operators = 0;
  for (const auto& [key, value] : obj) {
    const std::string k(key);
    const std::string w = where + "." + k;
    if (k == "Next" || k == "Comment" || k == "Variable") continue;
    if (k == "Assign") {
      // Step Functions: a Choice Rule may carry Assign, set when that rule matches.
      if (top_level)
        rule.assign = assign_field(obj, where);
      else
        fail(w, "only top-level choice rules may have \"Assign\"");
      continue;
    }
    if (k == "And" || k == "Or") {
      ++operators;
      rule.kind = k == "And" ? ChoiceRule::Kind::kAnd : ChoiceRule::Kind::kOr;
      if (!value.is_array() || value.as_array().empty()) {
        fail(w, "must be a non-empty array of choice rules");
        continue;
      }
      std::size_t i = 0;
      for (const auto& child : value.as_array())
        rule.children.push_back(
            parse_choice_rule(child, w + "[" + std::to_string(i++) + "]", false, depth + 1));
    } else if (k == "Not") {
      ++operators;
      rule.kind = ChoiceRule::Kind::kNot;
      rule.children.push_back(parse_choice_rule(value, w, false, depth + 1));
    } else {
      std::string base = k;
      bool is_path = false;
      if (ends_with(k, "Path") && comparators().count(k.substr(0, k.size() - 4))) {
        base = k.substr(0, k.size() - 4);
        is_path = true;
      }
      if (!comparators().count(base) || (is_path && base.rfind("Is", 0) == 0)) {
        fail(w, "unknown field (not a comparison operator)");
        continue;
      }
      ++operators;
      rule.kind = ChoiceRule::Kind::kCompare;
      rule.comparator = base;
      rule.operand_is_path = is_path;
      if (is_path) {
        rule.operand_path = path_field(value, w, false, true);
      } else {
        check_operand(base, value, w);
        rule.operand = value;
      }
    }
  }
  if (operators != 1) {
    fail(where, operators == 0
                    ? "a choice rule needs one comparison operator, And, Or or Not"
                    : "a choice rule may have only one comparison operator, And, Or or Not");
  }
  if (rule.kind == ChoiceRule::Kind::kCompare) {
    if (const json::value* var = obj.if_contains("Variable"))
      rule.variable = path_field(*var, where + ".Variable", false, true);
    else if (operators == 1)
      fail(where, "missing required field \"Variable\"");
  } else if (obj.contains("Variable")) {
    fail(where + ".Variable", "And, Or and Not rules take no \"Variable\"");
  }
  return rule;
}

}  // namespace settled::asl
