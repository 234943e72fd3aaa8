// Tests for settled:tasks.sendSuccess / sendFailure's parameters and outcomes
// (src/domain/resources/task_answer.hpp).

#include "domain/resources/task_answer.hpp"

#include "domain/resources/builtin.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <string>

namespace settled {
namespace {

namespace json = boost::json;

auto parse(const char* resource, std::string_view parameters) {
  return parse_task_answer(resource, json::parse(parameters));
}

TEST(TaskAnswer, SendSuccessTakesTheTokenAndAnObjectOrJsonText) {
  auto object = parse(kTasksSendSuccess, R"({"TaskToken": "t-1", "Output": {"response": "X"}})");
  ASSERT_TRUE(object) << object.error().message;
  EXPECT_TRUE(object->success);
  EXPECT_EQ(object->token, "t-1");
  EXPECT_EQ(object->output, (json::value{{"response", "X"}}));
  auto text = parse(kTasksSendSuccess, R"({"TaskToken": "t-1", "Output": "{\"a\": [1, 2]}"})");
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_EQ(text->output, json::parse(R"({"a": [1, 2]})"));
}

TEST(TaskAnswer, SendFailureDefaultsItsErrorAsTheHttpRouteDoes) {
  auto bare = parse(kTasksSendFailure, R"({"TaskToken": "t-2"})");
  ASSERT_TRUE(bare) << bare.error().message;
  EXPECT_FALSE(bare->success);
  EXPECT_EQ(bare->error, "States.TaskFailed");
  auto named = parse(kTasksSendFailure, R"({"TaskToken": "t-2", "Error": "My.E", "Cause": "c"})");
  ASSERT_TRUE(named);
  EXPECT_EQ(named->error, "My.E");
  EXPECT_EQ(named->cause, "c");
}

TEST(TaskAnswer, BadParametersAreRefusedNamingTheField) {
  const std::string long_token(1025, 't');
  const std::string long_error(257, 'e');
  struct Case {
    const char* resource;
    std::string parameters;
    const char* names;
    TaskAnswerField field;  // what a caller names the refusal by
  };
  for (const Case& c : {
           Case{kTasksSendSuccess, R"({"Output": {}})", "TaskToken", TaskAnswerField::kTaskToken},
           Case{kTasksSendSuccess, R"({"TaskToken": "", "Output": {}})", "TaskToken",
                TaskAnswerField::kTaskToken},
           Case{kTasksSendSuccess, R"({"TaskToken": 7, "Output": {}})", "TaskToken",
                TaskAnswerField::kTaskToken},
           Case{kTasksSendSuccess, R"({"TaskToken": ")" + long_token + R"(", "Output": {}})",
                "TaskToken", TaskAnswerField::kTaskToken},
           Case{kTasksSendSuccess, R"({"TaskToken": "t"})", "Output", TaskAnswerField::kOutput},
           Case{kTasksSendSuccess, R"({"TaskToken": "t", "Output": "{not json"})", "Output",
                TaskAnswerField::kOutput},
           Case{kTasksSendSuccess, R"({"TaskToken": "t", "Output": {}, "Error": "E"})", "Error",
                TaskAnswerField::kParameters},
           Case{kTasksSendFailure, R"({"TaskToken": "t", "Output": {}})", "Output",
                TaskAnswerField::kParameters},
           Case{kTasksSendFailure, R"({"TaskToken": "t", "Error": 3})", "Error",
                TaskAnswerField::kError},
           Case{kTasksSendFailure, R"({"TaskToken": "t", "Error": ")" + long_error + R"("})",
                "Error", TaskAnswerField::kError},
           Case{kTasksSendFailure, "[]", "parameters", TaskAnswerField::kParameters},
       }) {
    auto parsed = parse(c.resource, c.parameters);
    ASSERT_FALSE(parsed) << c.parameters;
    EXPECT_NE(parsed.error().message.find(c.names), std::string::npos)
        << c.parameters << " -> " << parsed.error().message;
    EXPECT_EQ(parsed.error().field, c.field) << c.parameters;
  }
}

TEST(TaskAnswer, ARefusalBecomesTasksAndItsNameForCatch) {
  const auto refused =
      task_answer_refused(Error{ErrorCode::kTaskAlreadyCompleted, "token already used"});
  EXPECT_FALSE(refused.ok);
  EXPECT_EQ(refused.error, "Tasks.TaskAlreadyCompleted");
  EXPECT_EQ(refused.cause, "token already used");
  const auto taken = task_answer_taken();
  ASSERT_TRUE(taken.ok);
  EXPECT_EQ(taken.result, (json::value{{"taken", true}}));
}

TEST(TaskAnswer, BothResourcesAreInTheCatalogueAndGoThroughTheEventsActor) {
  for (const char* resource : {kTasksSendSuccess, kTasksSendFailure}) {
    EXPECT_TRUE(is_task_answer(resource));
    auto info = find_resource(resource);
    ASSERT_TRUE(info) << resource;
    EXPECT_EQ(info->kind, ResourceKind::kEvents) << resource;
  }
  EXPECT_FALSE(is_task_answer("settled:tasks.sendHeartbeat"));
}

}  // namespace
}  // namespace settled
