#pragma once
// Step Functions' ARNs for settled's state machines and executions (docs/aws-api.md):
//   arn:aws:states:<region>:<account>:stateMachine:<name>
//   arn:aws:states:<region>:<account>:execution:<stateMachine>:<execution>
// The region and account are the daemon's (aws-region, aws-account-id). The parsing is the
// domain's (domain/aws/arns.hpp); here a refusal becomes AWS's InvalidArn.
// An execution's settled id is "<stateMachine>:<name>" (executions_actor.cpp).

#include "api/sfn/aws_error.hpp"
#include "domain/aws/arns.hpp"
#include "domain/result.hpp"

#include <string>
#include <string_view>

namespace settled::api::sfn {

using ArnScope = aws::ArnScope;
using ExecutionName = aws::ExecutionName;
using aws::execution_arn;
using aws::execution_arn_of_id;
using aws::state_machine_arn;
using aws::valid_execution_name;

// An AWS region name as the config takes it: 1 to 32 of [a-z0-9-], starting with a letter.
bool valid_region(std::string_view region);
// An AWS account id: exactly 12 decimal digits.
bool valid_account(std::string_view account);

// The state machine's name, or InvalidArn saying what is wrong.
Result<std::string, AwsError> parse_state_machine_arn(const ArnScope& scope, std::string_view arn);
Result<ExecutionName, AwsError> parse_execution_arn(const ArnScope& scope, std::string_view arn);

}  // namespace settled::api::sfn
