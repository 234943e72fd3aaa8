// Tests for settled:http.invoke's answers named as Lambda names them
// (src/domain/resources/lambda_answer.hpp).

#include "domain/resources/lambda_answer.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace settled::aws {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;

TEST(LambdaAnswer, A2xxJsonBodyIsTheResult) {
  TaskOutcome ok = lambda_answer(200, "", R"({"approved": true, "amount": 1250})");
  ASSERT_TRUE(ok.ok) << ok.error << ok.cause;
  EXPECT_EQ(ok.result, json::parse(R"({"approved": true, "amount": 1250})"));
  EXPECT_EQ(lambda_answer(200, "", "\"text\"").result, "text");  // any JSON value
}

TEST(LambdaAnswer, AFunctionErrorIsNamedByItsErrorType) {
  const char* body = R"({"errorType": "PaymentDeclined", "errorMessage": "card declined"})";
  TaskOutcome failed = lambda_answer(200, "Unhandled", body);
  ASSERT_FALSE(failed.ok);
  EXPECT_EQ(failed.error, "PaymentDeclined");
  EXPECT_EQ(json::parse(failed.cause), json::parse(body));
  EXPECT_EQ(lambda_answer(200, "Handled", R"({"errorMessage": "x"})").error, "Lambda.Unknown");
  EXPECT_EQ(lambda_answer(200, "Unhandled", "not json").error, "Lambda.Unknown");
}

TEST(LambdaAnswer, StatusesAreLambdasServiceErrors) {
  EXPECT_EQ(lambda_answer(500, "", "boom").error, "Lambda.ServiceException");
  EXPECT_EQ(lambda_answer(503, "", "").error, "Lambda.ServiceException");
  EXPECT_EQ(lambda_answer(429, "", "").error, "Lambda.TooManyRequestsException");
  EXPECT_EQ(lambda_answer(404, "", "").error, "Lambda.ResourceNotFoundException");
  EXPECT_EQ(lambda_answer(400, "", "").error, "Lambda.AWSLambdaException");
  EXPECT_THAT(lambda_answer(502, "", "upstream").cause, HasSubstr("HTTP 502: upstream"));
}

TEST(LambdaAnswer, ABodyThatIsNotJsonIsUnknownAndQuotedOnlyByItsStart) {
  TaskOutcome bad = lambda_answer(200, "", std::string(10000, 'x'));
  EXPECT_EQ(bad.error, "Lambda.Unknown");
  EXPECT_LT(bad.cause.size(), 700u);
  std::string deep(100, '[');
  deep += std::string(100, ']');
  EXPECT_EQ(lambda_answer(200, "", deep).error, "Lambda.Unknown");  // bounded depth
}

}  // namespace
}  // namespace settled::aws
