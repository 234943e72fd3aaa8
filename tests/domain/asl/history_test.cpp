// Tests for execution history events (src/domain/asl/history.hpp): Step Functions' event shape
// {id, previousEventId, timestamp, type, <type>EventDetails}, with state input/output as JSON text.

#include "domain/asl/history.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <cctype>
#include <string>

namespace settled::asl {
namespace {

namespace json = boost::json;

constexpr EpochMillis kNow = 1'700'000'000'123;  // 2023-11-14T22:13:20.123Z

TEST(AslHistory, FirstEventHasIdOneAndPreviousZero) {
  HistoryBuilder history(0);
  const auto id = history.add(kNow, "ExecutionStarted", json::object{{"input", "{}"}});
  EXPECT_EQ(id, 1);
  EXPECT_EQ(history.last_id(), 1);
  ASSERT_EQ(history.events().size(), 1u);
  const json::object& e = history.events()[0];
  EXPECT_EQ(e.at("id"), json::value(1));
  EXPECT_EQ(e.at("previousEventId"), json::value(0));
  EXPECT_EQ(e.at("timestamp"), json::value("2023-11-14T22:13:20.123Z"));
  EXPECT_EQ(e.at("type"), json::value("ExecutionStarted"));
  EXPECT_EQ(e.at("executionStartedEventDetails"), json::value(json::object{{"input", "{}"}}));
  EXPECT_EQ(e.size(), 5u);  // nothing else
}

TEST(AslHistory, IdsContinueFromTheLastStoredEvent) {
  HistoryBuilder history(41);
  EXPECT_EQ(history.last_id(), 41);
  EXPECT_TRUE(history.events().empty());
  EXPECT_EQ(history.add(kNow, "TaskScheduled", task_details("settled:notify.send")), 42);
  EXPECT_EQ(history.add(kNow + 1, "TaskSucceeded", json::object{{"output", "{}"}}), 43);
  EXPECT_EQ(history.last_id(), 43);
  ASSERT_EQ(history.events().size(), 2u);
  EXPECT_EQ(history.events()[0].at("id"), json::value(42));
  EXPECT_EQ(history.events()[0].at("previousEventId"), json::value(41));
  EXPECT_EQ(history.events()[1].at("id"), json::value(43));
  EXPECT_EQ(history.events()[1].at("previousEventId"), json::value(42));
  EXPECT_EQ(history.events()[1].at("timestamp"), json::value("2023-11-14T22:13:20.124Z"));
  EXPECT_TRUE(history.events()[1].contains("taskSucceededEventDetails"));
}

// The builder formats a time once for the events that share it: each event still carries the
// time it was added at, the same or not as the one before.
TEST(AslHistory, EachEventCarriesTheTimeItWasAddedAt) {
  HistoryBuilder history(0);
  const EpochMillis times[] = {kNow, kNow, kNow + 1, kNow, kNow + 1000, kNow + 1000};
  for (const EpochMillis at : times) history.add(at, "TaskStarted", json::object{});
  const char* expected[] = {"2023-11-14T22:13:20.123Z", "2023-11-14T22:13:20.123Z",
                            "2023-11-14T22:13:20.124Z", "2023-11-14T22:13:20.123Z",
                            "2023-11-14T22:13:21.123Z", "2023-11-14T22:13:21.123Z"};
  ASSERT_EQ(history.events().size(), 6u);
  for (std::size_t i = 0; i < 6; ++i)
    EXPECT_EQ(history.events()[i].at("timestamp"), json::value(expected[i])) << "event " << i;
}

TEST(AslHistory, DetailsKeys) {
  EXPECT_EQ(details_key("TaskSucceeded"), "taskSucceededEventDetails");
  EXPECT_EQ(details_key("TaskFailed"), "taskFailedEventDetails");
  EXPECT_EQ(details_key("TaskScheduled"), "taskScheduledEventDetails");
  EXPECT_EQ(details_key("ExecutionStarted"), "executionStartedEventDetails");
  EXPECT_EQ(details_key("ExecutionSucceeded"), "executionSucceededEventDetails");
  EXPECT_EQ(details_key("ExecutionFailed"), "executionFailedEventDetails");
  // All per-type state events share one key.
  EXPECT_EQ(details_key("TaskStateEntered"), "stateEnteredEventDetails");
  EXPECT_EQ(details_key("ChoiceStateEntered"), "stateEnteredEventDetails");
  EXPECT_EQ(details_key("PassStateExited"), "stateExitedEventDetails");
  EXPECT_EQ(details_key("WaitStateExited"), "stateExitedEventDetails");
}

// The encoder's check agrees with details_key for every type, and refuses near misses.
TEST(AslHistory, DetailsKeyCheckAgreesWithTheKey) {
  for (const char* type : {"TaskSucceeded", "TaskFailed", "ExecutionStarted", "MapRunFailed",
                           "TaskStateEntered", "PassStateExited", "WaitStateEntered", "X"}) {
    EXPECT_TRUE(is_details_key_of(details_key(type), type)) << type;
    std::string longer = details_key(type) + "s";
    EXPECT_FALSE(is_details_key_of(longer, type)) << type;
    std::string upper = details_key(type);
    upper[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(upper[0])));
    EXPECT_FALSE(is_details_key_of(upper, type)) << type;
  }
  EXPECT_FALSE(is_details_key_of("taskFailedEventDetails", "TaskSucceeded"));
  EXPECT_FALSE(is_details_key_of("taskSucceededEventDetails", "TaskStateEntered"));
  EXPECT_FALSE(is_details_key_of("stateEnteredEventDetails", "TaskStateExited"));
  EXPECT_FALSE(is_details_key_of("taskSucceededEventDetail", "TaskSucceeded"));
  EXPECT_FALSE(is_details_key_of("EventDetails", ""));
}

TEST(AslHistory, StateEventTypes) {
  EXPECT_EQ(state_event_type(StateType::kTask, true), "TaskStateEntered");
  EXPECT_EQ(state_event_type(StateType::kTask, false), "TaskStateExited");
  EXPECT_EQ(state_event_type(StateType::kPass, true), "PassStateEntered");
  EXPECT_EQ(state_event_type(StateType::kChoice, false), "ChoiceStateExited");
  EXPECT_EQ(state_event_type(StateType::kWait, true), "WaitStateEntered");
  EXPECT_EQ(state_event_type(StateType::kSucceed, true), "SucceedStateEntered");
  EXPECT_EQ(state_event_type(StateType::kFail, true), "FailStateEntered");
}

TEST(AslHistory, StateEventsCarryNameAndSerialisedPayload) {
  const json::value payload =
      json::parse(R"({"amount": 1250, "tags": ["a", "b"], "note": "q\"uote"})");
  const json::object entered = state_details("Pay", payload, true);
  EXPECT_EQ(entered.at("name"), json::value("Pay"));
  ASSERT_TRUE(entered.at("input").is_string());
  EXPECT_EQ(json::parse(entered.at("input").as_string()), payload);
  EXPECT_FALSE(entered.contains("output"));

  const json::object exited = state_details("Pay", payload, false);
  ASSERT_TRUE(exited.at("output").is_string());
  EXPECT_EQ(json::parse(exited.at("output").as_string()), payload);
  EXPECT_FALSE(exited.contains("input"));

  HistoryBuilder history(0);
  history.add(kNow, state_event_type(StateType::kTask, true), state_details("Pay", payload, true));
  const json::object& e = history.events()[0];
  EXPECT_EQ(e.at("type"), json::value("TaskStateEntered"));
  EXPECT_EQ(e.at("stateEnteredEventDetails").at("name"), json::value("Pay"));
}

TEST(AslHistory, ScalarPayloadsAreJsonText) {
  EXPECT_EQ(state_details("S", json::value("text"), true).at("input"), json::value("\"text\""));
  EXPECT_EQ(state_details("S", json::value(nullptr), false).at("output"), json::value("null"));
}

TEST(AslHistory, TaskDetailsSplitTheResource) {
  const json::object stripe = task_details("settled:stripe.paymentIntents.create");
  EXPECT_EQ(stripe.at("resourceType"), json::value("stripe"));
  EXPECT_EQ(stripe.at("resource"), json::value("paymentIntents.create"));
  const json::object notify = task_details("settled:notify.send");
  EXPECT_EQ(notify.at("resourceType"), json::value("notify"));
  EXPECT_EQ(notify.at("resource"), json::value("send"));
  const json::object plain = task_details("settled:noop");
  EXPECT_EQ(plain.at("resourceType"), json::value("noop"));
  EXPECT_EQ(plain.at("resource"), json::value("noop"));
}

}  // namespace
}  // namespace settled::asl
