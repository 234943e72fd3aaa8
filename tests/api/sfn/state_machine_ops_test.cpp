// ListStateMachines (src/api/sfn/state_machine_ops.cpp) called as dispatch calls it, over a
// real LmdbStore: the names in order, maxResults at a time (100 when absent or 0), each page's
// nextToken leading to the next and the last carrying none; a deleted name is not listed; each
// machine is {stateMachineArn, name, type, creationDate}. A nextToken this operation did not
// give is InvalidToken, quoted cut short; a maxResults out of 0..1000 is ValidationException.

#include "api/sfn/sfn_context.hpp"

#include "domain/state_machine_versions.hpp"
#include "support/state_machine_rows.hpp"
#include "support/temp_dir.hpp"
#include "support/temp_store.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

namespace settled::api::sfn {
namespace {

namespace json = boost::json;
using settled::testing::TempDir;

constexpr EpochMillis kRegisteredAt = 1767603600000;  // 2026-01-05T09:00:00Z

class SfnListStateMachines : public ::testing::Test {
 protected:
  void SetUp() override {
    deps_.engine = std::make_shared<actors::Engine>();
    deps_.engine->db = settled::testing::open_temp_store(dir_.path());
    ASSERT_TRUE(deps_.engine->db);
    // Not the defaults, so an ARN built from them could not match by accident.
    deps_.arns = ArnScope{"eu-west-1", "123456789012"};
  }

  // Stores `version` of `name` registered at `at`; from kDeletedSource, a deletion.
  void store(const std::string& name, std::int64_t version, EpochMillis at,
             const std::string& source = "api") {
    settled::testing::store_state_machine_version(*deps_.engine->db, name, version, at, source);
  }

  // The operation reads only the store, so it answers before it returns.
  adapters::HttpResponse call(const json::object& body) {
    std::optional<adapters::HttpResponse> answered;
    list_state_machines(
        SfnCall{deps_, Caller{}, body, [&](adapters::HttpResponse r) { answered = std::move(r); }});
    EXPECT_TRUE(answered) << "not answered at once";
    return answered.value_or(adapters::HttpResponse{0, "", "", {}});
  }

  // A 200 answer's body.
  json::object listed(const json::object& body) {
    const auto response = call(body);
    EXPECT_EQ(response.status, 200u) << response.body;
    EXPECT_EQ(response.content_type, "application/x-amz-json-1.0");
    return json::parse(response.body).as_object();
  }

  // An error answer's __type; its message in `message`.
  std::string error_type(const json::object& body, std::string* message = nullptr) {
    const auto response = call(body);
    EXPECT_EQ(response.status, 400u) << response.body;
    const json::object error = json::parse(response.body).as_object();
    EXPECT_EQ(error.size(), 2u) << response.body;  // AWS's shape: {"__type", "message"}
    if (message) *message = std::string(error.at("message").as_string());
    return std::string(error.at("__type").as_string());
  }

  static std::vector<std::string> names(const json::object& page) {
    std::vector<std::string> out;
    for (const auto& m : page.at("stateMachines").as_array())
      out.emplace_back(m.at("name").as_string());
    return out;
  }

  TempDir dir_;
  SfnDeps deps_;
};

TEST_F(SfnListStateMachines, PagesByMaxResultsWithNextTokensAndLeavesOutADeletedName) {
  for (const char* name : {"foxtrot", "bravo", "echo", "alpha", "delta"})
    store(name, 1, kRegisteredAt);
  store("charlie", 1, kRegisteredAt);
  store("charlie", 2, kRegisteredAt + 1000, kDeletedSource);

  std::vector<std::vector<std::string>> pages;
  json::object request{{"maxResults", 2}};
  for (int page = 0; page < 5; ++page) {
    const auto answer = listed(request);
    pages.push_back(names(answer));
    const auto* token = answer.if_contains("nextToken");
    if (!token) break;
    ASSERT_TRUE(token->is_string());
    request["nextToken"] = *token;
  }
  EXPECT_EQ(pages, (std::vector<std::vector<std::string>>{
                       {"alpha", "bravo"}, {"delta", "echo"}, {"foxtrot"}}));
  // A page that ends the list exactly carries no token to an empty one.
  EXPECT_FALSE(listed({{"maxResults", 5}}).contains("nextToken"));
}

TEST_F(SfnListStateMachines, MaxResultsAbsentOrZeroIsAHundred) {
  for (int i = 0; i < 101; ++i) {
    char name[16];
    std::snprintf(name, sizeof name, "m-%03d", i);
    store(name, 1, kRegisteredAt);
  }
  for (const json::object& request : {json::object{}, json::object{{"maxResults", 0}}}) {
    const auto first = listed(request);
    EXPECT_EQ(first.at("stateMachines").as_array().size(), 100u);
    ASSERT_TRUE(first.contains("nextToken"));
    const auto rest = listed({{"nextToken", first.at("nextToken")}});
    EXPECT_EQ(names(rest), std::vector<std::string>{"m-100"});
    EXPECT_FALSE(rest.contains("nextToken"));
  }
}

TEST_F(SfnListStateMachines, EachMachineHasItsArnNameTypeAndTheDateItsRunBegan) {
  store("payroll", 1, kRegisteredAt + 250);
  store("payroll", 2, kRegisteredAt + 60'000);  // a new version, not a new machine
  store("refund", 1, kRegisteredAt);
  store("refund", 2, kRegisteredAt + 1000, kDeletedSource);
  store("refund", 3, kRegisteredAt + 2000);  // created again after its deletion

  const auto answer = listed({});
  EXPECT_EQ(answer.size(), 1u) << answer;  // no nextToken
  EXPECT_EQ(
      answer.at("stateMachines"),
      (json::array{json::object{{"stateMachineArn",
                                 "arn:aws:states:eu-west-1:123456789012:stateMachine:payroll"},
                                {"name", "payroll"},
                                {"type", "STANDARD"},
                                {"creationDate", 1767603600.25}},
                   json::object{{"stateMachineArn",
                                 "arn:aws:states:eu-west-1:123456789012:stateMachine:refund"},
                                {"name", "refund"},
                                {"type", "STANDARD"},
                                {"creationDate", 1767603602}}}));
}

TEST_F(SfnListStateMachines, ATokenItDidNotGiveIsInvalidTokenQuotedCutShort) {
  store("alpha", 1, kRegisteredAt);
  const std::string long_name(1000, 'n');  // longer than any state machine name
  for (const std::string& token :
       std::vector<std::string>{"x", "sm1:", "sm1:bad name", "ex2.00", "sm1:" + long_name}) {
    std::string message;
    EXPECT_EQ(error_type({{"nextToken", token}}, &message), "InvalidToken") << token;
    EXPECT_EQ(message, "Invalid Token: '" + token.substr(0, 64) + "'") << token;
  }
  // Longer than AWS lets a nextToken be, and not a string: refused before it is read.
  EXPECT_EQ(error_type({{"nextToken", "sm1:" + std::string(1021, 'n')}}), "ValidationException");
  EXPECT_EQ(error_type({{"nextToken", 7}}), "SerializationException");
}

TEST_F(SfnListStateMachines, AMaxResultsOutOfRangeIsValidationException) {
  store("alpha", 1, kRegisteredAt);
  for (const std::int64_t max : {-1, 1001})
    EXPECT_EQ(error_type({{"maxResults", max}}), "ValidationException") << max;
  EXPECT_EQ(error_type({{"maxResults", "2"}}), "SerializationException");
  EXPECT_EQ(names(listed({{"maxResults", 1000}})), std::vector<std::string>{"alpha"});
}

}  // namespace
}  // namespace settled::api::sfn
