// requiredScope on a .waitForTaskToken task (docs/identities.md): taken out of the Parameters,
// checked against the caller, and the caller's identity put into what the workflow receives.

#include "domain/identity/task_scope.hpp"

#include <boost/json.hpp>

#include <gtest/gtest.h>

namespace settled::identity {
namespace {

namespace json = boost::json;

TEST(TaskScope, TheScopeIsTakenOutOfTheParameters) {
  json::value parameters = json::parse(R"({"collection":"inbox","requiredScope":"admin","k":1})");
  auto scope = take_required_scope(parameters);
  ASSERT_TRUE(scope) << scope.error().message;
  EXPECT_EQ(*scope, "admin");
  EXPECT_EQ(parameters, json::parse(R"({"collection":"inbox","k":1})"));
  json::value none = json::parse(R"({"collection":"inbox"})");
  EXPECT_EQ(*take_required_scope(none), "");
  json::value array = json::parse("[1]");
  EXPECT_EQ(*take_required_scope(array), "");
  for (const char* bad : {R"({"requiredScope":""})", R"({"requiredScope":7})",
                          R"({"requiredScope":"a b"})", R"({"requiredScope":null})"}) {
    json::value p = json::parse(bad);
    auto refused = take_required_scope(p);
    ASSERT_FALSE(refused) << bad;
    EXPECT_NE(refused.error().message.find("requiredScope"), std::string::npos);
  }
}

TEST(TaskScope, OnlyACallerWithTheScopeMayAnswer) {
  const Caller admin{"alice", {"admin"}, false};
  const Caller support{"bob", {"support"}, false};
  EXPECT_FALSE(check_scope("admin", admin));
  EXPECT_FALSE(check_scope("", support));
  EXPECT_FALSE(check_scope("admin", Caller::operator_on_the_box()));
  EXPECT_FALSE(check_scope("admin", Caller::local()));
  auto refused = check_scope("admin", support);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->code, ErrorCode::kForbidden);
  EXPECT_NE(refused->message.find("\"admin\""), std::string::npos);
  EXPECT_NE(refused->message.find("\"bob\""), std::string::npos);
  EXPECT_TRUE(check_scope("admin", Caller{}));
}

TEST(TaskScope, TheAnswerNamesWhoGaveIt) {
  EXPECT_EQ(
      answered_output(json::parse(R"({"decision":"REFUND","answeredBy":"mallory"})"), "alice"),
      json::parse(R"({"decision":"REFUND","answeredBy":"alice"})"));
  EXPECT_EQ(answered_output(json::value("yes"), "alice"),
            json::parse(R"({"value":"yes","answeredBy":"alice"})"));
  EXPECT_EQ(json::parse(answered_cause("not a fraud", "alice")),
            json::parse(R"({"cause":"not a fraud","answeredBy":"alice"})"));
  EXPECT_EQ(json::parse(answered_cause(R"({"note":"x","answeredBy":"m"})", "alice")),
            json::parse(R"({"note":"x","answeredBy":"alice"})"));
}

}  // namespace
}  // namespace settled::identity
