// The task-token row's requiredScope (docs/identities.md): kept through a round trip, absent from
// rows without one (so every row written before reads as it did), and refused when malformed.

#include "domain/records/expect_corrupt.hpp"
#include "domain/records/task_token_row.hpp"

#include <gtest/gtest.h>

namespace settled::records {
namespace {

TEST(TaskTokenScope, ARequiredScopeRoundTrips) {
  const TaskTokenRow row{"dispute:d-1", TokenState::kWaiting, "admin"};
  EXPECT_EQ(encode(row),
            R"({"v":1,"executionId":"dispute:d-1","state":"waiting","requiredScope":"admin"})");
  auto decoded = decode_task_token_row(encode(row));
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(*decoded, row);
}

TEST(TaskTokenScope, ARowWithoutOneHasNone) {
  EXPECT_EQ(encode(TaskTokenRow{"m:e", TokenState::kWaiting, ""}),
            R"({"v":1,"executionId":"m:e","state":"waiting"})");
  auto decoded = decode_task_token_row(R"({"v":1,"executionId":"m:e","state":"waiting"})");
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(decoded->required_scope, "");
}

TEST(TaskTokenScope, AMalformedScopeIsRecordCorrupt) {
  expect_corrupt(
      decode_task_token_row,
      {
          {R"({"v":1,"executionId":"m:e","state":"waiting","requiredScope":""})", "requiredScope"},
          {R"({"v":1,"executionId":"m:e","state":"waiting","requiredScope":1})", "requiredScope"},
      });
}

}  // namespace
}  // namespace settled::records
