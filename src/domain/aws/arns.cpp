#include "domain/aws/arns.hpp"

#include <cctype>

namespace settled::aws {

namespace {

std::string prefix(const ArnScope& scope) {
  return "arn:aws:states:" + scope.region + ":" + scope.account + ":";
}

}  // namespace

std::string state_machine_arn(const ArnScope& scope, std::string_view name) {
  return prefix(scope) + "stateMachine:" + std::string(name);
}

std::string execution_arn(const ArnScope& scope, std::string_view state_machine,
                          std::string_view execution_name) {
  return prefix(scope) + "execution:" + std::string(state_machine) + ":" +
         std::string(execution_name);
}

bool valid_execution_name(std::string_view name) {
  if (name.empty() || name.size() > 80) return false;
  for (char c : name) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

}  // namespace settled::aws
