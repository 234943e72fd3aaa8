#include "domain/identity/start_scopes.hpp"

#include "domain/identity/task_scope.hpp"
#include "domain/state_machine_versions.hpp"

namespace settled::identity {

Result<StartScopes> parse_start_scopes(const std::vector<std::string>& entries) {
  StartScopes out;
  for (const std::string& entry : entries) {
    const std::string shown = "\"" + entry.substr(0, 100) + "\"";
    const auto colon = entry.rfind(':');
    if (colon == std::string::npos)
      return Error{ErrorCode::kInvalidRequest, shown + ": expected <state machine>:<scope>"};
    const std::string machine = entry.substr(0, colon), scope = entry.substr(colon + 1);
    if (!valid_state_machine_name(machine))
      return Error{ErrorCode::kInvalidRequest,
                   shown + ": not a state machine name (1-80 letters, digits, '-' or '_')"};
    if (!valid_scope(scope))
      return Error{ErrorCode::kInvalidRequest,
                   shown + ": not a scope (1-64 letters, digits, '-', '_' or '.')"};
    if (!out.emplace(machine, scope).second)
      return Error{ErrorCode::kInvalidRequest, shown + ": " + machine + " is named twice"};
  }
  return out;
}

std::optional<Error> check_start(const StartScopes& scopes, const std::string& machine,
                                 const Caller& caller) {
  const auto it = scopes.find(machine);
  if (it == scopes.end() || caller.has_scope(it->second)) return std::nullopt;
  return Error{ErrorCode::kForbidden,
               "starting state machine \"" + machine + "\" needs an identity with scope \"" +
                   it->second + "\"" +
                   (caller.identity.empty() ? std::string()
                                            : "; \"" + caller.identity + "\" does not have it")};
}

}  // namespace settled::identity
