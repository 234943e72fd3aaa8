#include "api/sfn/arn.hpp"

#include <utility>

namespace settled::api::sfn {

namespace {

bool lower_alnum_or_dash(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

AwsError invalid_arn(std::string_view arn, std::string_view why) {
  std::string shown(arn.substr(0, 128));
  if (arn.size() > 128) shown += "...";
  return AwsError{aws_errors::kInvalidArn, "Invalid Arn: '" + shown + "': " + std::string(why)};
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

Result<std::string, AwsError> parse_state_machine_arn(const ArnScope& scope, std::string_view arn) {
  auto parsed = aws::read_state_machine_arn(scope, arn);
  if (!parsed) return invalid_arn(arn, parsed.error().why);
  return std::move(*parsed);
}

Result<ExecutionName, AwsError> parse_execution_arn(const ArnScope& scope, std::string_view arn) {
  auto parsed = aws::read_execution_arn(scope, arn);
  if (!parsed) return invalid_arn(arn, parsed.error().why);
  return std::move(*parsed);
}

}  // namespace settled::api::sfn
