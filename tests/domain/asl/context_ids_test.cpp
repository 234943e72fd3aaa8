// The context object's ids: Step Functions gives ARNs (the developer guide's "Context object"
// page), so Lambda code that parses $$.Execution.Id or $$.StateMachine.Id runs unchanged.

#include "domain/asl/interpreter.hpp"
#include "domain/aws/arns.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace settled::asl {
namespace {

namespace json = boost::json;

// A top-level execution: its id is "<state machine>:<name>".
ContextFacts facts_of(aws::ArnScope arns, std::string machine, std::string name,
                      std::string id = "") {
  ContextFacts facts;
  facts.arns = std::move(arns);
  facts.execution_id = id.empty() ? machine + ":" + name : std::move(id);
  facts.state_machine = std::move(machine);
  facts.execution_name = std::move(name);
  facts.state_name = "P";
  return facts;
}

TEST(AslContextIds, AreTheExecutionAndStateMachineArnsOfTheScope) {
  const json::value ctx =
      make_context(facts_of({"us-east-1", "123456789012"}, "differential", "run-1"));
  EXPECT_EQ(ctx.at("Execution").at("Id"),
            json::value("arn:aws:states:us-east-1:123456789012:execution:differential:run-1"));
  EXPECT_EQ(ctx.at("Execution").at("Name"), json::value("run-1"));
  EXPECT_EQ(ctx.at("StateMachine").at("Id"),
            json::value("arn:aws:states:us-east-1:123456789012:stateMachine:differential"));
  EXPECT_EQ(ctx.at("StateMachine").at("Name"), json::value("differential"));
}

TEST(AslContextIds, FollowTheDaemonsRegionAndAccount) {
  const json::value ctx = make_context(facts_of({"eu-west-1", "000000000042"}, "payment", "p-1"));
  EXPECT_EQ(ctx.at("Execution").at("Id"),
            json::value("arn:aws:states:eu-west-1:000000000042:execution:payment:p-1"));
  EXPECT_EQ(ctx.at("StateMachine").at("Id"),
            json::value("arn:aws:states:eu-west-1:000000000042:stateMachine:payment"));
}

// The developer guide's "Context object" page: RoleArn, RedriveCount (0 until the execution
// is redriven) and RedriveTime (only once it has been).
TEST(AslContextIds, GiveTheRoleAndHowOftenTheExecutionWasRedriven) {
  ContextFacts facts = facts_of({"us-east-1", "123456789012"}, "payment", "p-1");
  json::value ctx = make_context(facts);
  EXPECT_EQ(ctx.at("Execution").at("RoleArn"),
            json::value("arn:aws:iam::123456789012:role/settled"));
  EXPECT_EQ(ctx.at("Execution").at("RedriveCount"), json::value(0));
  EXPECT_EQ(ctx.at("Execution").as_object().if_contains("RedriveTime"), nullptr);

  facts.redrive_count = 2;
  facts.redrive_date = 1796538671406;
  ctx = make_context(facts);
  EXPECT_EQ(ctx.at("Execution").at("RedriveCount"), json::value(2));
  EXPECT_EQ(ctx.at("Execution").at("RedriveTime"), json::value("2026-12-06T06:31:11.406Z"));
}

TEST(AslContextIds, TheExecutionArnReadsBackAsTheSettledId) {
  const aws::ArnScope scope{"us-east-1", "123456789012"};
  const json::value ctx = make_context(facts_of(scope, "service-request", "sr-7"));
  const std::string arn(ctx.at("Execution").at("Id").as_string());
  auto named = aws::read_execution_arn(scope, arn);
  ASSERT_TRUE(named) << named.error().why;
  EXPECT_EQ(named->id(), "service-request:sr-7");
  // The same ARN is not another account's.
  auto foreign = aws::read_execution_arn({"us-east-1", "999999999999"}, arn);
  ASSERT_FALSE(foreign);
  EXPECT_NE(foreign.error().why.find("account 999999999999"), std::string::npos)
      << foreign.error().why;
}

// A child a startExecution.sync task started (settled's resource or the AWS ARN) is its own
// execution, named as Step Functions names it (its record's name), in its own state machine.
TEST(AslContextIds, AChildHasItsOwnArn) {
  const json::value ctx = make_context(facts_of({"us-east-1", "123456789012"}, "kyc-verification",
                                                "kyc-c-ada-1", "contractor-onboarding:inv-1~12.0"));
  EXPECT_EQ(
      ctx.at("Execution").at("Id"),
      json::value("arn:aws:states:us-east-1:123456789012:execution:kyc-verification:kyc-c-ada-1"));
  EXPECT_EQ(ctx.at("StateMachine").at("Id"),
            json::value("arn:aws:states:us-east-1:123456789012:stateMachine:kyc-verification"));
}

// A child settled:states.startExecution.sync started before children were named as Step
// Functions names them is named by its settled id (a record in an older data directory), so its
// ARN is the id's: the name that finds it again (adapters::resolve_execution_id).
TEST(AslContextIds, AnOlderSettledChildIsNamedByItsId) {
  const json::value ctx = make_context(facts_of({"us-east-1", "123456789012"}, "kyc-verification",
                                                "inv-1~12.0", "contractor-onboarding:inv-1~12.0"));
  EXPECT_EQ(ctx.at("Execution").at("Id"),
            json::value("arn:aws:states:us-east-1:123456789012:execution:contractor-onboarding:"
                        "inv-1~12.0"));
  EXPECT_EQ(ctx.at("StateMachine").at("Id"),
            json::value("arn:aws:states:us-east-1:123456789012:stateMachine:kyc-verification"));
}

}  // namespace
}  // namespace settled::asl
