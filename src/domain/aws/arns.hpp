#pragma once
// Step Functions' ARNs (docs/aws-api.md), in the daemon's region and account:
//   arn:aws:states:<region>:<account>:stateMachine:<name>
//   arn:aws:states:<region>:<account>:execution:<stateMachine>:<execution>
// Read by the Step Functions API (api/sfn/arn.hpp parses them) and written into what an
// `arn:aws:states:::states:startExecution.sync` task returns (resources/aws_child_execution).

#include <string>
#include <string_view>

namespace settled::aws {

struct ArnScope {
  std::string region = "us-east-1";
  std::string account = "000000000000";
};

std::string state_machine_arn(const ArnScope& scope, std::string_view name);
std::string execution_arn(const ArnScope& scope, std::string_view state_machine,
                          std::string_view execution_name);

// An execution name Step Functions and settled both accept: 1 to 80 of letters, digits and
// "-_." (settled's names also take ':', which an ARN cannot carry).
bool valid_execution_name(std::string_view name);

}  // namespace settled::aws
