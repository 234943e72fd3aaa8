#include "api/sfn/arn.hpp"

#include <gtest/gtest.h>

#include <string>

namespace settled::api::sfn {
namespace {

const ArnScope kScope{"eu-west-1", "123456789012"};

TEST(SfnArn, FormatsStateMachineAndExecutionArnsInAwsShape) {
  EXPECT_EQ(state_machine_arn(kScope, "payment"),
            "arn:aws:states:eu-west-1:123456789012:stateMachine:payment");
  EXPECT_EQ(execution_arn(kScope, "payment", "p-1"),
            "arn:aws:states:eu-west-1:123456789012:execution:payment:p-1");
  EXPECT_EQ(execution_arn_of_id(kScope, "payment:p-1"),
            "arn:aws:states:eu-west-1:123456789012:execution:payment:p-1");
}

TEST(SfnArn, ParsesWhatItFormats) {
  auto machine = parse_state_machine_arn(kScope, state_machine_arn(kScope, "pay_ment-2"));
  ASSERT_TRUE(machine) << machine.error().message;
  EXPECT_EQ(*machine, "pay_ment-2");
  auto execution = parse_execution_arn(kScope, execution_arn(kScope, "payment", "run.1_a-b"));
  ASSERT_TRUE(execution) << execution.error().message;
  EXPECT_EQ(execution->state_machine, "payment");
  EXPECT_EQ(execution->name, "run.1_a-b");
  EXPECT_EQ(execution->id(), "payment:run.1_a-b");
}

TEST(SfnArn, AnExecutionNamedWithAColonByTheNativeApiIsStillAddressable) {
  auto execution = parse_execution_arn(kScope, execution_arn_of_id(kScope, "payment:a:b"));
  ASSERT_TRUE(execution) << execution.error().message;
  EXPECT_EQ(execution->state_machine, "payment");
  EXPECT_EQ(execution->name, "a:b");
}

void expect_invalid(const Result<std::string, AwsError>& parsed, const std::string& why) {
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().type, "InvalidArn");
  EXPECT_EQ(parsed.error().status, 400u);
  EXPECT_NE(parsed.error().message.find(why), std::string::npos) << parsed.error().message;
}

TEST(SfnArn, RefusesArnsOfAnotherScopeKindOrShape) {
  expect_invalid(parse_state_machine_arn(kScope, "payment"), "not an ARN");
  expect_invalid(parse_state_machine_arn(kScope, ""), "not an ARN");
  expect_invalid(
      parse_state_machine_arn(kScope, "arn:aws:lambda:eu-west-1:123456789012:function:f"),
      "not a Step Functions ARN");
  expect_invalid(
      parse_state_machine_arn(kScope, "arn:aws:states:us-east-1:123456789012:stateMachine:p"),
      "region eu-west-1 and account 123456789012");
  expect_invalid(
      parse_state_machine_arn(kScope, "arn:aws:states:eu-west-1:000000000000:stateMachine:p"),
      "account 123456789012");
  expect_invalid(
      parse_state_machine_arn(kScope, "arn:aws:states:eu-west-1:123456789012:execution:p:e"),
      "not a stateMachine ARN");
  expect_invalid(
      parse_state_machine_arn(kScope, "arn:aws:states:eu-west-1:123456789012:stateMachine:p:3"),
      "versions and aliases");
  expect_invalid(
      parse_state_machine_arn(kScope, "arn:aws:states:eu-west-1:123456789012:stateMachine:"),
      "state machine name");
  expect_invalid(
      parse_state_machine_arn(kScope, "arn:aws:states:eu-west-1:123456789012:stateMachine:a b"),
      "state machine name");
  expect_invalid(parse_state_machine_arn(kScope, state_machine_arn(kScope, std::string(81, 'a'))),
                 "state machine name");
  expect_invalid(parse_state_machine_arn(kScope, std::string(300, 'a')), "longer than 256");
}

TEST(SfnArn, RefusesExecutionArnsWithoutBothNames) {
  const std::string base = "arn:aws:states:eu-west-1:123456789012:execution:";
  for (const std::string& bad :
       {base + "payment", base + "payment:", base + ":e", base + "pay ment:e", base + "payment:e f",
        base + "payment:~1", state_machine_arn(kScope, "payment")}) {
    auto parsed = parse_execution_arn(kScope, bad);
    ASSERT_FALSE(parsed) << bad;
    EXPECT_EQ(parsed.error().type, "InvalidArn") << bad;
  }
}

TEST(SfnArn, AnInvalidArnIsQuotedBackOnlyInPart) {
  const std::string huge =
      "arn:aws:states:eu-west-1:123456789012:stateMachine:" + std::string(150, 'x') + "!";
  auto parsed = parse_state_machine_arn(kScope, huge);
  ASSERT_FALSE(parsed);
  EXPECT_LT(parsed.error().message.size(), 250u);
}

TEST(SfnArn, ValidatesTheConfiguredRegionAndAccount) {
  EXPECT_TRUE(valid_region("us-east-1"));
  EXPECT_TRUE(valid_region("local"));
  EXPECT_FALSE(valid_region(""));
  EXPECT_FALSE(valid_region("US-EAST-1"));
  EXPECT_FALSE(valid_region("1us"));
  EXPECT_FALSE(valid_region("us:east"));
  EXPECT_FALSE(valid_region(std::string(33, 'a')));
  EXPECT_TRUE(valid_account("000000000000"));
  EXPECT_FALSE(valid_account("00000000000"));
  EXPECT_FALSE(valid_account("0000000000000"));
  EXPECT_FALSE(valid_account("00000000000a"));
}

TEST(SfnArn, ExecutionNamesAreThoseBothApisAccept) {
  EXPECT_TRUE(valid_execution_name("a"));
  EXPECT_TRUE(valid_execution_name("Run-1_x.y"));
  EXPECT_TRUE(valid_execution_name(std::string(80, 'n')));
  EXPECT_FALSE(valid_execution_name(""));
  EXPECT_FALSE(valid_execution_name(std::string(81, 'n')));
  EXPECT_FALSE(valid_execution_name("a:b"));
  EXPECT_FALSE(valid_execution_name("a b"));
  EXPECT_FALSE(valid_execution_name("a/b"));
}

}  // namespace
}  // namespace settled::api::sfn
