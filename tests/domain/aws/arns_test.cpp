// The ARN parsing the native API, the admin socket and the Step Functions API share
// (tests/api/sfn/arn_test.cpp has the InvalidArn wording built on it).

#include "domain/aws/arns.hpp"

#include <gtest/gtest.h>

namespace settled::aws {
namespace {

const ArnScope kScope{"us-east-1", "123456789012"};

TEST(AwsArns, AnExecutionArnNamesTheSettledId) {
  auto named = read_execution_arn(kScope, execution_arn(kScope, "payment", "p-1"));
  ASSERT_TRUE(named) << named.error().why;
  EXPECT_EQ(named->state_machine, "payment");
  EXPECT_EQ(named->name, "p-1");
  EXPECT_EQ(named->id(), "payment:p-1");
}

TEST(AwsArns, AnotherRegionOrAccountIsNotOurs) {
  for (const char* foreign : {"arn:aws:states:eu-west-1:123456789012:execution:payment:p-1",
                              "arn:aws:states:us-east-1:000000000000:execution:payment:p-1"}) {
    auto named = read_execution_arn(kScope, foreign);
    ASSERT_FALSE(named) << foreign;
    EXPECT_EQ(named.error().why, "this endpoint serves region us-east-1 and account 123456789012");
  }
}

TEST(AwsArns, TheOtherKindIsRefusedEachWay) {
  auto execution = read_execution_arn(kScope, state_machine_arn(kScope, "payment"));
  ASSERT_FALSE(execution);
  EXPECT_EQ(execution.error().why, "not an execution ARN");
  auto machine = read_state_machine_arn(kScope, execution_arn(kScope, "payment", "p-1"));
  ASSERT_FALSE(machine);
  EXPECT_EQ(machine.error().why, "not a stateMachine ARN");
}

TEST(AwsArns, AnArnKeyIsWhatFollowsExecutionForALookUp) {
  const std::string base = "arn:aws:states:us-east-1:123456789012:execution:";
  auto key = execution_arn_key(kScope, base + "contractor-onboarding:inv-1~12.0");
  ASSERT_TRUE(key) << key.error().why;
  EXPECT_EQ(*key, "contractor-onboarding:inv-1~12.0");
  // Step Functions' API still refuses what it could not have named.
  EXPECT_FALSE(read_execution_arn(kScope, base + "contractor-onboarding:inv-1~12.0"));
  for (const std::string& bad :
       {base + "payment", base + "payment:", base + ":p-1", base + "pay ment:p-1",
        std::string("arn:aws:states:us-east-1:1:execution:a:b")})
    EXPECT_FALSE(execution_arn_key(kScope, bad)) << bad;
}

// A top-level execution's ARN is its id's; a child's names its own state machine and name; a
// child settled's resource started before children were named (named by its id) keeps its id's.
TEST(AwsArns, AnExecutionsArnIsItsIdsUnlessItsTaskNamedIt) {
  EXPECT_EQ(execution_arn_of(kScope, "payment:p-1", "payment", "p-1"),
            "arn:aws:states:us-east-1:123456789012:execution:payment:p-1");
  EXPECT_EQ(execution_arn_of(kScope, "onboard:i-1~12.0", "kyc", "kyc-1"),
            "arn:aws:states:us-east-1:123456789012:execution:kyc:kyc-1");
  EXPECT_EQ(execution_arn_of(kScope, "onboard:i-1~12.0", "kyc", "i-1~12.0"),
            "arn:aws:states:us-east-1:123456789012:execution:onboard:i-1~12.0");
}

TEST(AwsArns, OnlyTextStartingWithArnLooksLikeOne) {
  EXPECT_TRUE(looks_like_arn("arn:aws:states:us-east-1:123456789012:execution:payment:p-1"));
  EXPECT_TRUE(looks_like_arn("arn:"));
  EXPECT_FALSE(looks_like_arn("payment:p-1"));
  EXPECT_FALSE(looks_like_arn("ARN:aws"));
  EXPECT_FALSE(looks_like_arn("ar"));
}

}  // namespace
}  // namespace settled::aws
