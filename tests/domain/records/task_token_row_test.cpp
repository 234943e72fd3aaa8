// The task-token row's codec: every field of every state survives a round trip; rows written
// before the version field still read; anything else is RecordCorrupt, never an exception.

#include "domain/records/task_token_row.hpp"
#include "domain/records/expect_corrupt.hpp"
#include "support/field_count.hpp"

#include <gtest/gtest.h>

namespace settled::records {
namespace {

static_assert(testing::field_count<TaskTokenRow>() == 3,
              "a field was added to TaskTokenRow: carry it in the codec and in these tests");

TEST(TaskTokenRow, EveryStateRoundTrips) {
  for (TokenState state :
       {TokenState::kWaiting, TokenState::kSucceeded, TokenState::kFailed, TokenState::kTimedOut}) {
    const TaskTokenRow row{"payment:p-1", state};
    auto decoded = decode_task_token_row(encode(row));
    ASSERT_TRUE(decoded) << decoded.error().message;
    EXPECT_EQ(decoded->execution_id, row.execution_id);
    EXPECT_EQ(decoded->state, row.state) << token_state_name(state);
  }
}

TEST(TaskTokenRow, WritesItsVersionAndReadsRowsWrittenBeforeIt) {
  EXPECT_EQ(encode(TaskTokenRow{"m:e", TokenState::kTimedOut}),
            R"({"v":1,"executionId":"m:e","state":"timedOut"})");
  auto old = decode_task_token_row(R"({"executionId":"m:e","state":"succeeded"})");
  ASSERT_TRUE(old) << old.error().message;
  EXPECT_EQ(*old, (TaskTokenRow{"m:e", TokenState::kSucceeded}));
}

TEST(TaskTokenRow, AnythingElseIsRecordCorruptNamingWhy) {
  expect_corrupt(decode_task_token_row,
                 {
                     {"", "task token row"},
                     {"[1]", "not a JSON object"},
                     {R"({"state":"waiting"})", "executionId"},
                     {R"({"executionId":7,"state":"waiting"})", "executionId"},
                     {R"({"executionId":"m:e"})", "state"},
                     {R"({"executionId":"m:e","state":"lost"})", "unknown state"},
                     {R"({"v":2,"executionId":"m:e","state":"waiting"})", "unknown version"},
                     {R"({"executionId":"m:e","state":"wai)", "task token row"},
                 });
}

}  // namespace
}  // namespace settled::records
