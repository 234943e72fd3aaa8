#include "domain/execution_control.hpp"
#include "domain/records/history_chunk.hpp"
#include "domain/storage_keys.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace settled {
namespace {

ExecutionRecord record(ExecutionStatus status) {
  ExecutionRecord r;
  r.id = "payment:p-1";
  r.state_machine = "payment";
  r.name = "p-1";
  r.status = status;
  r.state = "ProcessPayment";
  r.entered_event_id = 7;
  r.retrier_attempts = {3};
  r.retry_count = 3;
  r.last_event_id = 12;
  r.phase = status == ExecutionStatus::kRunning ? Phase::kRetryWait : Phase::kDone;
  r.error = status == ExecutionStatus::kFailed ? "Stripe.APIError" : "";
  if (status != ExecutionStatus::kRunning) r.stop = 1500;
  return r;
}

bool has(const WriteBatch& batch, Table table, const std::string& key, bool erase) {
  for (const auto& op : batch.ops)
    if (op.table == table && op.key == key && op.erase == erase) return true;
  return false;
}

TEST(ExecutionControl, AbortClosesARunningExecutionWithTheNextEventId) {
  auto r = record(ExecutionStatus::kRunning);
  auto batch = abort_execution(r, 1000, "Operator.Halt", "card network outage");
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ(r.status, ExecutionStatus::kAborted);
  EXPECT_EQ(r.error, "Operator.Halt");
  EXPECT_EQ(r.cause, "card network outage");
  EXPECT_EQ(r.stop, 1000);
  EXPECT_EQ(r.phase, Phase::kDone);
  EXPECT_EQ(r.last_event_id, 13);
  EXPECT_TRUE(has(*batch, Table::kOpenExecutions, r.id, true));
  EXPECT_TRUE(has(*batch, Table::kExecutions, r.id, false));
  int chunks = 0;
  for (const auto& op : batch->ops) {
    if (op.table != Table::kHistory) continue;
    ++chunks;
    EXPECT_EQ(op.key, history_key(r.id, 13));
    auto chunk = records::decode_history_chunk(op.value);
    ASSERT_TRUE(chunk) << chunk.error().message;
    ASSERT_EQ(chunk->size(), 1u);
    EXPECT_EQ(chunk->front().at("type").as_string(), "ExecutionAborted");
    EXPECT_EQ(chunk->front().at("id").as_int64(), 13);
    const auto& details = chunk->front().at("executionAbortedEventDetails");
    EXPECT_EQ(details.at("error").as_string(), "Operator.Halt");
    EXPECT_EQ(details.at("cause").as_string(), "card network outage");
  }
  EXPECT_EQ(chunks, 1);
}

TEST(ExecutionControl, AbortRefusesAFinishedExecution) {
  auto r = record(ExecutionStatus::kSucceeded);
  EXPECT_FALSE(abort_execution(r, 1000, "", "x").ok());
  EXPECT_EQ(r.status, ExecutionStatus::kSucceeded);
}

TEST(ExecutionControl, RedriveReopensAFailedExecutionAtItsStateWithTheSameEntry) {
  auto r = record(ExecutionStatus::kFailed);
  auto batch = redrive_execution(r, 2000);
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ(r.status, ExecutionStatus::kRunning);
  EXPECT_EQ(r.phase, Phase::kTask);
  EXPECT_EQ(r.state, "ProcessPayment");
  EXPECT_EQ(r.idempotency_key(), "payment:p-1/ProcessPayment/7");
  EXPECT_TRUE(r.retrier_attempts.empty());
  EXPECT_EQ(r.retry_count, 0);
  EXPECT_TRUE(r.error.empty());
  EXPECT_EQ(r.last_event_id, 13);
  EXPECT_TRUE(has(*batch, Table::kOpenExecutions, r.id, false));
  // Open again: out of retention's index of closed executions.
  EXPECT_TRUE(has(*batch, Table::kClosedExecutions, closed_key(1500, r.id), true))
      << "record() closes at 1500";
  // Counted, as DescribeExecution's redriveCount and redriveDate show it; again on a second.
  EXPECT_EQ(r.redrive_count, 1);
  EXPECT_EQ(r.redrive_date, 2000);
  r.status = ExecutionStatus::kFailed;
  ASSERT_TRUE(redrive_execution(r, 3000).ok());
  EXPECT_EQ(r.redrive_count, 2);
  EXPECT_EQ(r.redrive_date, 3000);
}

// Step Functions redrives only the branches and iterations of an inline Map or Parallel that
// failed or were aborted: a record that ended in its state's branches resumes from them (the
// execution reads them back), one whose branches belong to an earlier state from the state.
TEST(ExecutionControl, ARedriveInAStatesBranchesResumesFromTheBranches) {
  auto in_branches = record(ExecutionStatus::kFailed);
  in_branches.branches_event_id = 8;  // its MapStateStarted, after the state's entry (7)
  in_branches.branches = "sf";
  ASSERT_TRUE(redrive_execution(in_branches, 2000).ok());
  EXPECT_EQ(in_branches.phase, Phase::kBranches);
  EXPECT_TRUE(in_branches.branches.empty());
  EXPECT_EQ(in_branches.branch_prefix(), "payment:p-1~8.");  // the same branches are found

  auto after_branches = record(ExecutionStatus::kFailed);
  after_branches.branches_event_id = 3;  // an earlier state's
  ASSERT_TRUE(redrive_execution(after_branches, 2000).ok());
  EXPECT_EQ(after_branches.phase, Phase::kTask);
}

TEST(ExecutionControl, RedriveTakesWhatDidNotSucceedAndRefusesTheRest) {
  for (auto status : {ExecutionStatus::kRunning, ExecutionStatus::kSucceeded}) {
    auto r = record(status);
    EXPECT_FALSE(redrive_execution(r, 1).ok()) << status_name(status);
  }
  for (auto status :
       {ExecutionStatus::kFailed, ExecutionStatus::kAborted, ExecutionStatus::kTimedOut}) {
    auto r = record(status);
    EXPECT_TRUE(redrive_execution(r, 1).ok()) << status_name(status);
    EXPECT_EQ(r.status, ExecutionStatus::kRunning);
  }
}

TEST(ExecutionControl, ARedriveForgetsTheTokenThatWasToldItTimedOut) {
  auto r = record(ExecutionStatus::kAborted);
  r.task_token = "tok-1";
  r.task_deadline = 1400;
  ASSERT_TRUE(redrive_execution(r, 2000).ok());
  EXPECT_TRUE(r.task_token.empty());
  EXPECT_EQ(r.task_deadline, 0);
}

TEST(ExecutionControl, ARedriveStartsTheTimeoutAgainWithItsTimerRow) {
  auto r = record(ExecutionStatus::kTimedOut);
  auto batch = redrive_execution(r, 50'000, 30);
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ(r.deadline, 80'000);
  EXPECT_TRUE(has(*batch, Table::kTimers, timer_key(80'000, timer_kind::kTimeout, r.id), false));
  // Without a TimeoutSeconds there is no deadline.
  auto none = record(ExecutionStatus::kFailed);
  ASSERT_TRUE(redrive_execution(none, 50'000).ok());
  EXPECT_EQ(none.deadline, 0);
}

}  // namespace
}  // namespace settled
