#include "domain/asl/variables.hpp"

#include "domain/json_size.hpp"

#include <boost/json.hpp>

#include <algorithm>

namespace settled::asl {

namespace json = boost::json;

namespace {

bool letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

const json::object* visible_variables(const json::value& context) {
  const json::object* ctx = context.if_object();
  if (!ctx) return nullptr;
  const json::value* vars = ctx->if_contains(kVariablesKey);
  return vars ? vars->if_object() : nullptr;
}

// Whether a "$$" path may select the context's root itself or every field of it (and so would
// see the variables travelling in it): "$$", "$$.*", "$$[...]", "$$..x".
bool reaches_context_root(const std::string& text) {
  return text == "$$" || text.rfind("$$.*", 0) == 0 || text.rfind("$$[", 0) == 0 ||
         text.rfind("$$..", 0) == 0;
}

}  // namespace

bool valid_variable_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxVariableNameLength || !letter(name.front())) return false;
  for (char c : name)
    if (!letter(c) && !(c >= '0' && c <= '9')) return false;
  return name != "states";
}

json::value with_variables(json::value context, const json::object& variables) {
  if (!context.is_object()) context = json::object();
  context.as_object()[kVariablesKey] = variables;
  return context;
}

json::value with_entered_event(json::value context, std::int64_t event_id) {
  if (!context.is_object()) context = json::object(1);
  context.as_object()[kEnteredEventKey] = event_id;
  return context;
}

std::int64_t entered_event(const json::value& context) {
  const json::object* ctx = context.if_object();
  const json::value* id = ctx ? ctx->if_contains(kEnteredEventKey) : nullptr;
  return id && id->is_int64() ? id->as_int64() : 0;
}

Result<json::value> select_path(const jsonpath::Path& path, const json::value& input,
                                const json::value& context) {
  if (!path.variable().empty()) {
    const json::object* vars = visible_variables(context);
    const json::value* value = vars ? vars->if_contains(path.variable()) : nullptr;
    if (!value)
      return Error{ErrorCode::kInvalidRequest, "path '" + path.text() + "': the variable '" +
                                                   path.variable() + "' is not defined"};
    return jsonpath::select(path, *value);
  }
  if (!path.is_context()) return jsonpath::select(path, input);
  if (context.is_object() && reaches_context_root(path.text())) {
    // What the engine carries in the context value is not part of the context object.
    json::object plain = context.as_object();
    plain.erase(kVariablesKey);
    plain.erase(kEnteredEventKey);
    return jsonpath::select(path, json::value(std::move(plain)));
  }
  return jsonpath::select(path, context);
}

std::size_t stored_variables_size(const json::value& context, const json::object& assigned,
                                  std::size_t limit) {
  std::size_t total = 2;  // {}
  std::size_t count = 0;
  const auto add = [&](std::string_view name, const json::value& value) {
    if (total > limit) return;
    total += (count++ > 0 ? 1 : 0) + name.size() + 3;  // ,"name":
    total += serialized_size(value, limit - std::min(total, limit));
  };
  if (const json::object* vars = visible_variables(context))
    for (const auto& [name, value] : *vars)
      if (!assigned.contains(name)) add(name, value);
  for (const auto& [name, value] : assigned) add(name, value);
  return total;
}

Result<json::object> evaluate_assign(const PayloadTemplate& assign, const json::value& root,
                                     const json::value& context) {
  auto rendered = assign.render(root, context);
  if (!rendered) return rendered.error();
  if (serialized_size(*rendered, kAssignLimitBytes) > kAssignLimitBytes)
    return Error{ErrorCode::kPayloadTooLarge, "the values assigned are larger than " +
                                                  std::to_string(kAssignLimitBytes) + " bytes"};
  return std::move(rendered->as_object());
}

}  // namespace settled::asl
