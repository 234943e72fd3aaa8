#include "api/sfn/arn.hpp"

#include "domain/resources/payment_validation.hpp"
#include "domain/state_machine_versions.hpp"

#include <cctype>

namespace settled::api::sfn {

namespace {

bool lower_alnum_or_dash(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

std::string prefix(const ArnScope& scope) {
  return "arn:aws:states:" + scope.region + ":" + scope.account + ":";
}

AwsError invalid_arn(std::string_view arn, std::string_view why) {
  std::string shown(arn.substr(0, 128));
  if (arn.size() > 128) shown += "...";
  return AwsError{aws_errors::kInvalidArn, "Invalid Arn: '" + shown + "': " + std::string(why)};
}

// The part after "arn:aws:states:<region>:<account>:<kind>:", or why there is none.
Result<std::string_view, AwsError> after_prefix(const ArnScope& scope, std::string_view arn,
                                                std::string_view kind) {
  if (arn.size() > 256) return invalid_arn(arn, "longer than 256 characters");
  const std::string want = prefix(scope) + std::string(kind) + ":";
  if (arn.substr(0, want.size()) == want) return arn.substr(want.size());
  if (arn.rfind("arn:", 0) != 0) return invalid_arn(arn, "not an ARN");
  if (arn.rfind("arn:aws:states:", 0) != 0)
    return invalid_arn(arn, "not a Step Functions ARN (arn:aws:states:...)");
  if (arn.rfind(prefix(scope), 0) != 0)
    return invalid_arn(
        arn, "this endpoint serves region " + scope.region + " and account " + scope.account);
  return invalid_arn(arn, "not a " + std::string(kind) + " ARN");
}

}  // namespace

bool valid_region(std::string_view region) {
  if (region.empty() || region.size() > 32 || !(region[0] >= 'a' && region[0] <= 'z')) return false;
  for (char c : region)
    if (!lower_alnum_or_dash(c)) return false;
  return true;
}

bool valid_account(std::string_view account) {
  if (account.size() != 12) return false;
  for (char c : account)
    if (c < '0' || c > '9') return false;
  return true;
}

std::string execution_arn_of_id(const ArnScope& scope, std::string_view execution_id) {
  return prefix(scope) + "execution:" + std::string(execution_id);
}

Result<std::string, AwsError> parse_state_machine_arn(const ArnScope& scope, std::string_view arn) {
  auto rest = after_prefix(scope, arn, "stateMachine");
  if (!rest) return rest.error();
  // A version or alias ARN (<name>:<n>, <name>:<alias>) is not served.
  if (rest->find(':') != std::string_view::npos)
    return invalid_arn(arn, "state machine versions and aliases are not supported");
  if (!valid_state_machine_name(*rest))
    return invalid_arn(arn, "a state machine name is 1 to 80 of A-Z, a-z, 0-9, _ and -");
  return std::string(*rest);
}

Result<ExecutionName, AwsError> parse_execution_arn(const ArnScope& scope, std::string_view arn) {
  auto rest = after_prefix(scope, arn, "execution");
  if (!rest) return rest.error();
  const auto colon = rest->find(':');
  if (colon == std::string_view::npos)
    return invalid_arn(arn, "an execution ARN ends in <stateMachine>:<executionName>");
  ExecutionName out{std::string(rest->substr(0, colon)), std::string(rest->substr(colon + 1))};
  if (!valid_state_machine_name(out.state_machine))
    return invalid_arn(arn, "a state machine name is 1 to 80 of A-Z, a-z, 0-9, _ and -");
  // settled's own API also names executions with ':' (its ids are <stateMachine>:<name>), so
  // an ARN naming one of those is read too; StartExecution here gives no such name.
  if (!is_valid_name(out.name))
    return invalid_arn(arn, "an execution name is 1 to 80 of A-Z, a-z, 0-9, -, _ and .");
  return out;
}

}  // namespace settled::api::sfn
