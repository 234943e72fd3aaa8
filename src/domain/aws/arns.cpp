#include "domain/aws/arns.hpp"

#include "domain/resources/payment_validation.hpp"
#include "domain/state_machine_versions.hpp"

#include <cctype>

namespace settled::aws {

namespace {

std::string prefix(const ArnScope& scope) {
  return "arn:aws:states:" + scope.region + ":" + scope.account + ":";
}

// The part after "arn:aws:states:<region>:<account>:<kind>:", or why there is none.
Result<std::string_view, ArnProblem> after_prefix(const ArnScope& scope, std::string_view arn,
                                                  std::string_view kind) {
  if (arn.size() > 256) return ArnProblem{"longer than 256 characters"};
  const std::string want = prefix(scope) + std::string(kind) + ":";
  if (arn.substr(0, want.size()) == want) return arn.substr(want.size());
  if (!looks_like_arn(arn)) return ArnProblem{"not an ARN"};
  if (arn.rfind("arn:aws:states:", 0) != 0)
    return ArnProblem{"not a Step Functions ARN (arn:aws:states:...)"};
  if (arn.rfind(prefix(scope), 0) != 0)
    return ArnProblem{
        "this endpoint serves region " + scope.region + " and account " + scope.account, true};
  return ArnProblem{(kind == "execution" ? "not an " : "not a ") + std::string(kind) + " ARN"};
}

const char* const kMachineNameRule = "a state machine name is 1 to 80 of A-Z, a-z, 0-9, _ and -";

}  // namespace

std::string role_arn(const ArnScope& scope) {
  return "arn:aws:iam::" + scope.account + ":role/settled";
}

std::string state_machine_arn(const ArnScope& scope, std::string_view name) {
  return prefix(scope) + "stateMachine:" + std::string(name);
}

std::string execution_arn(const ArnScope& scope, std::string_view state_machine,
                          std::string_view execution_name) {
  return prefix(scope) + "execution:" + std::string(state_machine) + ":" +
         std::string(execution_name);
}

std::string execution_arn_of_id(const ArnScope& scope, std::string_view execution_id) {
  return prefix(scope) + "execution:" + std::string(execution_id);
}

std::string execution_arn_of(const ArnScope& scope, std::string_view execution_id,
                             std::string_view state_machine, std::string_view execution_name) {
  const auto colon = execution_id.find(':');
  if (colon != std::string_view::npos && execution_id.substr(colon + 1) == execution_name)
    return execution_arn_of_id(scope, execution_id);
  return execution_arn(scope, state_machine, execution_name);
}

bool valid_execution_name(std::string_view name) {
  if (name.empty() || name.size() > 80) return false;
  for (char c : name) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

Result<std::string, ArnProblem> read_state_machine_arn(const ArnScope& scope,
                                                       std::string_view arn) {
  auto rest = after_prefix(scope, arn, "stateMachine");
  if (!rest) return rest.error();
  // A version or alias ARN (<name>:<n>, <name>:<alias>) is not served.
  if (rest->find(':') != std::string_view::npos)
    return ArnProblem{"state machine versions and aliases are not supported"};
  if (!valid_state_machine_name(*rest)) return ArnProblem{kMachineNameRule};
  return std::string(*rest);
}

Result<std::string, ArnProblem> execution_arn_key(const ArnScope& scope, std::string_view arn) {
  auto rest = after_prefix(scope, arn, "execution");
  if (!rest) return rest.error();
  const auto colon = rest->find(':');
  if (colon == std::string_view::npos || colon + 1 == rest->size())
    return ArnProblem{"an execution ARN ends in <stateMachine>:<executionName>"};
  if (!valid_state_machine_name(rest->substr(0, colon))) return ArnProblem{kMachineNameRule};
  return std::string(*rest);
}

Result<ExecutionName, ArnProblem> read_execution_arn(const ArnScope& scope, std::string_view arn) {
  auto key = execution_arn_key(scope, arn);
  if (!key) return key.error();
  const auto colon = key->find(':');
  ExecutionName out{key->substr(0, colon), key->substr(colon + 1)};
  // settled's own API also names executions with ':' (its ids are <stateMachine>:<name>), so
  // an ARN naming one of those is read too; StartExecution gives no such name.
  if (!is_valid_name(out.name))
    return ArnProblem{"an execution name is 1 to 80 of A-Z, a-z, 0-9, -, _ and ."};
  return out;
}

}  // namespace settled::aws
