#include "domain/identity/task_scope.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>

namespace settled::identity {

namespace json = boost::json;

bool valid_scope(std::string_view scope) {
  return !scope.empty() && scope.size() <= 64 &&
         std::all_of(scope.begin(), scope.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
         });
}

Result<std::string> take_required_scope(json::value& parameters) {
  json::object* object = parameters.if_object();
  if (!object) return std::string();
  const auto it = object->find(kRequiredScopeField);
  if (it == object->end()) return std::string();
  const json::value& scope = it->value();
  if (!scope.is_string() || !valid_scope(scope.as_string()))
    return Error{ErrorCode::kInvalidRequest,
                 "Parameters.requiredScope must be a scope: 1-64 letters, digits, '-', '_' or "
                 "'.' (got " +
                     json::serialize(scope) + ")"};
  std::string out(scope.as_string());
  object->erase(it);
  return out;
}

std::optional<Error> check_scope(const std::string& required_scope, const Caller& caller) {
  if (required_scope.empty() || caller.has_scope(required_scope)) return std::nullopt;
  return Error{ErrorCode::kForbidden,
               "this task token may only be answered by an identity with scope \"" +
                   required_scope + "\"" +
                   (caller.identity.empty() ? std::string()
                                            : "; \"" + caller.identity + "\" does not have it")};
}

json::value answered_output(json::value output, const std::string& identity) {
  if (json::object* object = output.if_object()) {
    (*object)["answeredBy"] = identity;
    return output;
  }
  return json::object{{"value", std::move(output)}, {"answeredBy", identity}};
}

std::string answered_cause(const std::string& cause, const std::string& identity) {
  json::error_code ec;
  json::value parsed = json::parse(cause, ec);
  if (!ec && parsed.is_object()) {
    parsed.as_object()["answeredBy"] = identity;
    return json::serialize(parsed);
  }
  return json::serialize(json::object{{"cause", cause}, {"answeredBy", identity}});
}

}  // namespace settled::identity
