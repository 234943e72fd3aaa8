// Tests for the ASL interpreter (src/domain/asl/interpreter.hpp): error matching, a Task's
// failures through Retry and Catch, and Wait. The input/output processing of each state type is
// in interpreter_test.cpp. States are built by parsing small definitions, as the engine does.

#include "domain/asl/interpreter.hpp"

#include "domain/asl/errors.hpp"
#include "domain/asl/parser.hpp"
#include "domain/asl/variables.hpp"
#include "domain/utf8.hpp"

#include "domain/asl/interpreter_test_support.hpp"
#include "support/asl_machine.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace settled::asl {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;
using namespace interpreter_test;

// ---------------------------------------------------------------------------------------------
// Error matching rules

TEST(AslErrors, MatchingRules) {
  EXPECT_TRUE(error_matches({"Stripe.CardError"}, "Stripe.CardError"));
  EXPECT_FALSE(error_matches({"Stripe.CardError"}, "Stripe.cardError"));
  EXPECT_FALSE(error_matches({"Stripe.CardError"}, "Stripe.RateLimitError"));
  EXPECT_TRUE(error_matches({"A", "B"}, "B"));

  EXPECT_TRUE(error_matches({"States.ALL"}, "Stripe.CardError"));
  EXPECT_TRUE(error_matches({"States.ALL"}, "States.Timeout"));
  EXPECT_TRUE(error_matches({"States.ALL"}, "States.TaskFailed"));
  EXPECT_TRUE(error_matches({"States.ALL"}, "States.ReferencePathConflict"));
  // States.Runtime and States.DataLimitExceeded are terminal: never retried or caught.
  EXPECT_FALSE(error_matches({"States.ALL"}, "States.Runtime"));
  EXPECT_FALSE(error_matches({"States.ALL"}, "States.DataLimitExceeded"));
  EXPECT_FALSE(error_matches({"States.Runtime"}, "States.Runtime"));
  EXPECT_FALSE(error_matches({"States.TaskFailed"}, "States.Runtime"));

  // States.TaskFailed is a wildcard for everything except States.Timeout.
  EXPECT_TRUE(error_matches({"States.TaskFailed"}, "Stripe.APIConnectionError"));
  EXPECT_TRUE(error_matches({"States.TaskFailed"}, "States.TaskFailed"));
  EXPECT_FALSE(error_matches({"States.TaskFailed"}, "States.Timeout"));
  EXPECT_TRUE(error_matches({"States.TaskFailed", "States.Timeout"}, "States.Timeout"));
  EXPECT_TRUE(error_matches({"States.Timeout"}, "States.Timeout"));
  EXPECT_FALSE(error_matches({}, "Anything"));
}

// ---------------------------------------------------------------------------------------------
// Task failures: Retry

TEST(AslRetry, DelaysGrowByBackoffRateThenTheErrorPropagates) {
  const Machine m = task(R"("Next": "Done",
      "Retry": [{"ErrorEquals": ["Stripe.RateLimitError"], "IntervalSeconds": 2, "MaxAttempts": 3, "BackoffRate": 3}])");
  std::vector<std::int64_t> attempts;
  const json::value input = j(R"({"a": 1})");
  // IntervalSeconds * BackoffRate^n: 2s, 6s, 18s.
  for (std::int64_t expected : {2000, 6000, 18000}) {
    const auto r = expect<RetryAfter>(
        fail_task(m["S"], input, "Stripe.RateLimitError", "slow down", attempts, 0.9));
    EXPECT_EQ(r.delay_ms, expected);
    EXPECT_EQ(r.retrier, 0u);
  }
  ASSERT_EQ(attempts.size(), 1u);
  EXPECT_EQ(attempts[0], 3);
  // MaxAttempts used up and no Catch: the execution fails with the task's error and cause.
  const auto f = expect<FailWith>(
      fail_task(m["S"], input, "Stripe.RateLimitError", "slow down", attempts, 0.9));
  EXPECT_EQ(f.error, "Stripe.RateLimitError");
  EXPECT_EQ(f.cause, "slow down");
  EXPECT_EQ(attempts[0], 3);
}

TEST(AslRetry, DefaultsAreOneSecondThreeAttemptsBackoffTwo) {
  const Machine m = task(R"("Next": "Done", "Retry": [{"ErrorEquals": ["E"]}])");
  std::vector<std::int64_t> attempts;
  for (std::int64_t expected : {1000, 2000, 4000})
    EXPECT_EQ(expect<RetryAfter>(fail_task(m["S"], j("{}"), "E", "", attempts, 0.5)).delay_ms,
              expected);
  expect<FailWith>(fail_task(m["S"], j("{}"), "E", "", attempts, 0.5));
}

TEST(AslRetry, FractionalBackoffRate) {
  const Machine m = task(
      R"("Next": "Done", "Retry": [{"ErrorEquals": ["E"], "IntervalSeconds": 4, "BackoffRate": 1.5, "MaxAttempts": 3}])");
  std::vector<std::int64_t> attempts;
  for (std::int64_t expected : {4000, 6000, 9000})
    EXPECT_EQ(expect<RetryAfter>(fail_task(m["S"], j("{}"), "E", "", attempts, 0.0)).delay_ms,
              expected);
}

TEST(AslRetry, MaxDelaySecondsCapsTheDelay) {
  const Machine m = task(R"("Next": "Done",
      "Retry": [{"ErrorEquals": ["E"], "IntervalSeconds": 1, "BackoffRate": 10, "MaxAttempts": 5, "MaxDelaySeconds": 50}])");
  std::vector<std::int64_t> attempts;
  for (std::int64_t expected : {1000, 10000, 50000, 50000, 50000})
    EXPECT_EQ(expect<RetryAfter>(fail_task(m["S"], j("{}"), "E", "", attempts, 0.5)).delay_ms,
              expected);
  expect<FailWith>(fail_task(m["S"], j("{}"), "E", "", attempts, 0.5));
}

TEST(AslRetry, FullJitterScalesTheCappedDelayByRandom01) {
  const Machine m = task(R"("Next": "Done",
      "Retry": [{"ErrorEquals": ["E"], "IntervalSeconds": 4, "BackoffRate": 2, "MaxAttempts": 4,
                 "MaxDelaySeconds": 10, "JitterStrategy": "FULL"}])");
  std::vector<std::int64_t> attempts;
  // Un-jittered: 4s, 8s, min(16s, 10s), min(32s, 10s); FULL jitter picks uniformly in [0, that].
  EXPECT_EQ(expect<RetryAfter>(fail_task(m["S"], j("{}"), "E", "", attempts, 0.5)).delay_ms, 2000);
  EXPECT_EQ(expect<RetryAfter>(fail_task(m["S"], j("{}"), "E", "", attempts, 0.25)).delay_ms, 2000);
  EXPECT_EQ(expect<RetryAfter>(fail_task(m["S"], j("{}"), "E", "", attempts, 0.0)).delay_ms, 0);
  EXPECT_EQ(expect<RetryAfter>(fail_task(m["S"], j("{}"), "E", "", attempts, 0.999)).delay_ms,
            9990);
  expect<FailWith>(fail_task(m["S"], j("{}"), "E", "", attempts, 0.5));
}

TEST(AslRetry, WithoutJitterRandomIsIgnored) {
  const Machine m = task(
      R"("Next": "Done", "Retry": [{"ErrorEquals": ["E"], "IntervalSeconds": 3, "JitterStrategy": "NONE"}])");
  std::vector<std::int64_t> a1, a2;
  EXPECT_EQ(expect<RetryAfter>(fail_task(m["S"], j("{}"), "E", "", a1, 0.0)).delay_ms, 3000);
  EXPECT_EQ(expect<RetryAfter>(fail_task(m["S"], j("{}"), "E", "", a2, 0.7)).delay_ms, 3000);
}

TEST(AslRetry, HugeIntervalsAndBackoffDoNotOverflow) {
  const Machine m = task(R"("Next": "Done",
      "Retry": [{"ErrorEquals": ["E"], "IntervalSeconds": 99999999, "BackoffRate": 1000, "MaxAttempts": 60}])");
  std::vector<std::int64_t> attempts;
  std::int64_t previous = 0;
  for (int i = 0; i < 60; ++i) {
    const auto r = expect<RetryAfter>(fail_task(m["S"], j("{}"), "E", "", attempts, 0.5));
    EXPECT_GT(r.delay_ms, 0) << i;
    EXPECT_GE(r.delay_ms, previous) << i;
    previous = r.delay_ms;
  }
}

TEST(AslRetry, EachRetrierCountsItsOwnAttempts) {
  const Machine m = task(R"("Next": "Done", "Retry": [
      {"ErrorEquals": ["A"], "IntervalSeconds": 1, "MaxAttempts": 2, "BackoffRate": 2},
      {"ErrorEquals": ["B"], "IntervalSeconds": 10, "MaxAttempts": 1}])");
  std::vector<std::int64_t> attempts;
  auto r = expect<RetryAfter>(fail_task(m["S"], j("{}"), "A", "", attempts, 0));
  EXPECT_EQ(r.retrier, 0u);
  EXPECT_EQ(r.delay_ms, 1000);
  r = expect<RetryAfter>(fail_task(m["S"], j("{}"), "B", "", attempts, 0));
  EXPECT_EQ(r.retrier, 1u);
  EXPECT_EQ(r.delay_ms, 10000);  // B's first retry: its own interval, not advanced by A's retries
  r = expect<RetryAfter>(fail_task(m["S"], j("{}"), "A", "", attempts, 0));
  EXPECT_EQ(r.retrier, 0u);
  EXPECT_EQ(r.delay_ms, 2000);
  EXPECT_EQ(attempts, (std::vector<std::int64_t>{2, 1}));
  // Both exhausted now.
  EXPECT_EQ(expect<FailWith>(fail_task(m["S"], j("{}"), "B", "c", attempts, 0)).error, "B");
  EXPECT_EQ(expect<FailWith>(fail_task(m["S"], j("{}"), "A", "c", attempts, 0)).error, "A");
  EXPECT_EQ(attempts, (std::vector<std::int64_t>{2, 1}));
}

TEST(AslRetry, UnmatchedErrorIsNotRetried) {
  const Machine m = task(R"("Next": "Done", "Retry": [{"ErrorEquals": ["A"]}])");
  std::vector<std::int64_t> attempts;
  const auto f = expect<FailWith>(fail_task(m["S"], j("{}"), "B", "why", attempts, 0));
  EXPECT_EQ(f.error, "B");
  EXPECT_EQ(f.cause, "why");
  EXPECT_EQ(attempts, (std::vector<std::int64_t>{0}));
}

TEST(AslRetry, MaxAttemptsZeroNeverRetries) {
  const Machine m = task(R"("Next": "Done",
      "Retry": [{"ErrorEquals": ["A"], "MaxAttempts": 0}, {"ErrorEquals": ["States.ALL"]}],
      "Catch": [{"ErrorEquals": ["A"], "Next": "Done", "ResultPath": "$.err"}])");
  std::vector<std::int64_t> attempts;
  // Retrier 0 matches first and decides: no retry, so the error goes to Catch (retrier 1 is not
  // consulted even though States.ALL would match).
  const auto go = expect<GoTo>(fail_task(m["S"], j(R"({"x": 1})"), "A", "boom", attempts, 0));
  EXPECT_EQ(go.next, "Done");
  EXPECT_EQ(go.output, j(R"({"x": 1, "err": {"Error": "A", "Cause": "boom"}})"));
  EXPECT_EQ(attempts, (std::vector<std::int64_t>{0, 0}));
}

TEST(AslRetry, FirstMatchingRetrierDecidesAndWhenExhaustedGoesToCatch) {
  const Machine m(R"({"StartAt": "S", "States": {
      "S": {"Type": "Task", "Resource": "r", "Next": "Done",
            "Retry": [{"ErrorEquals": ["Stripe.APIConnectionError"], "MaxAttempts": 1, "IntervalSeconds": 5},
                      {"ErrorEquals": ["States.ALL"], "MaxAttempts": 9, "IntervalSeconds": 7}],
            "Catch": [{"ErrorEquals": ["Stripe.CardError"], "Next": "Declined"},
                      {"ErrorEquals": ["States.ALL"], "ResultPath": "$.failure", "Next": "Failed"}]},
      "Done": {"Type": "Succeed"}, "Declined": {"Type": "Succeed"}, "Failed": {"Type": "Succeed"}}})");
  std::vector<std::int64_t> attempts;
  const json::value input = j(R"({"paymentId": "p-1"})");
  auto r = expect<RetryAfter>(
      fail_task(m["S"], input, "Stripe.APIConnectionError", "lost", attempts, 0));
  EXPECT_EQ(r.retrier, 0u);
  EXPECT_EQ(r.delay_ms, 5000);
  // Retrier 0 is exhausted: the error goes to Catch, not on to the States.ALL retrier.
  const auto go = expect<GoTo>(
      fail_task(m["S"], input, "Stripe.APIConnectionError", "lost again", attempts, 0));
  EXPECT_EQ(go.next, "Failed");
  EXPECT_EQ(
      go.output,
      j(R"({"paymentId": "p-1", "failure": {"Error": "Stripe.APIConnectionError", "Cause": "lost again"}})"));
  EXPECT_EQ(attempts, (std::vector<std::int64_t>{1, 0}));

  // Another error is retried by the States.ALL retrier with its own count.
  r = expect<RetryAfter>(fail_task(m["S"], input, "Stripe.CardError", "declined", attempts, 0));
  EXPECT_EQ(r.retrier, 1u);
  EXPECT_EQ(r.delay_ms, 7000);
}

// ---------------------------------------------------------------------------------------------
// Task failures: Catch

TEST(AslCatch, FirstMatchingCatcherWithDefaultResultPathOutputsTheErrorObject) {
  const Machine m(R"({"StartAt": "S", "States": {
      "S": {"Type": "Task", "Resource": "r", "Next": "Done",
            "Catch": [{"ErrorEquals": ["Stripe.CardError"], "Next": "Declined"},
                      {"ErrorEquals": ["States.TaskFailed"], "Next": "Failed"},
                      {"ErrorEquals": ["States.ALL"], "Next": "Other"}]},
      "Done": {"Type": "Succeed"}, "Declined": {"Type": "Succeed"}, "Failed": {"Type": "Succeed"},
      "Other": {"Type": "Succeed"}}})");
  std::vector<std::int64_t> attempts;
  const json::value input = j(R"({"keep": false})");
  auto go = expect<GoTo>(
      fail_task(m["S"], input, "Stripe.CardError", "{\"code\":\"card_declined\"}", attempts, 0));
  EXPECT_EQ(go.next, "Declined");
  EXPECT_EQ(go.output,
            j(R"({"Error": "Stripe.CardError", "Cause": "{\"code\":\"card_declined\"}"})"));
  // States.TaskFailed matches any other task error...
  go = expect<GoTo>(fail_task(m["S"], input, "Stripe.APIError", "x", attempts, 0));
  EXPECT_EQ(go.next, "Failed");
  // ...but not States.Timeout, which falls through to States.ALL.
  go = expect<GoTo>(fail_task(m["S"], input, "States.Timeout", "too slow", attempts, 0));
  EXPECT_EQ(go.next, "Other");
  EXPECT_EQ(go.output, j(R"({"Error": "States.Timeout", "Cause": "too slow"})"));
}

TEST(AslCatch, NullResultPathKeepsTheInput) {
  const Machine m = task(
      R"("Next": "Done", "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": null, "Next": "Done"}])");
  std::vector<std::int64_t> attempts;
  const auto go = expect<GoTo>(fail_task(m["S"], j(R"({"keep": 1})"), "E", "c", attempts, 0));
  EXPECT_EQ(go.output, j(R"({"keep": 1})"));
}

TEST(AslCatch, StatesAllNeverCatchesStatesRuntime) {
  const Machine m = task(R"("Next": "Done",
      "Retry": [{"ErrorEquals": ["States.ALL"]}],
      "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Done"}])");
  std::vector<std::int64_t> attempts;
  const auto f =
      expect<FailWith>(fail_task(m["S"], j("{}"), "States.Runtime", "bad path", attempts, 0));
  EXPECT_EQ(f.error, "States.Runtime");
  EXPECT_EQ(f.cause, "bad path");
  EXPECT_EQ(attempts, (std::vector<std::int64_t>{0}));
}

TEST(AslCatch, TaskFailedRetrierDoesNotRetryTimeout) {
  const Machine m = task(R"("Next": "Done",
      "Retry": [{"ErrorEquals": ["States.TaskFailed"], "MaxAttempts": 5}],
      "Catch": [{"ErrorEquals": ["States.Timeout"], "Next": "Done", "ResultPath": "$.timeout"}])");
  std::vector<std::int64_t> attempts;
  const auto go = expect<GoTo>(fail_task(m["S"], j(R"({})"), "States.Timeout", "30s", attempts, 0));
  EXPECT_EQ(go.output, j(R"({"timeout": {"Error": "States.Timeout", "Cause": "30s"}})"));
  EXPECT_EQ(attempts, (std::vector<std::int64_t>{0}));
  expect<RetryAfter>(fail_task(m["S"], j(R"({})"), "Stripe.APIError", "", attempts, 0));
}

// ---------------------------------------------------------------------------------------------
// Wait

TEST(AslWait, SecondsCountFromStateEntry) {
  const Machine m = single(R"({"Type": "Wait", "Seconds": 90, "Next": "Done"})");
  const auto w = expect<WaitUntil>(enter_state(m["S"], j(R"({"a": 1})"), context_for("S")));
  EXPECT_EQ(w.due, kEntered + 90'000);
  EXPECT_EQ(w.output, j(R"({"a": 1})"));
  const auto go = expect<GoTo>(complete_wait(m["S"], w.output));
  EXPECT_EQ(go.next, "Done");
  EXPECT_EQ(go.output, j(R"({"a": 1})"));
}

TEST(AslWait, SecondsPathReadsTheFilteredInput) {
  const Machine m = lone(R"({"Type": "Wait", "InputPath": "$.job", "SecondsPath": "$.delay",
                               "OutputPath": "$.id", "End": true})");
  const auto w = expect<WaitUntil>(
      enter_state(m["S"], j(R"({"job": {"delay": 7, "id": "j-1"}})"), context_for("S")));
  EXPECT_EQ(w.due, kEntered + 7'000);
  EXPECT_EQ(w.output, json::value("j-1"));
  EXPECT_EQ(expect<Finish>(complete_wait(m["S"], w.output)).output, json::value("j-1"));
}

TEST(AslWait, SecondsPathMustSelectANonNegativeInteger) {
  const Machine m = single(R"({"Type": "Wait", "SecondsPath": "$.delay", "Next": "Done"})");
  for (const char* input :
       {R"({"delay": -1})", R"({"delay": "5"})", R"({"delay": 1.5})", R"({})"}) {
    SCOPED_TRACE(input);
    const auto f = expect<FailWith>(enter_state(m["S"], j(input), context_for("S")));
    EXPECT_EQ(f.error, errors::kRuntime);
    EXPECT_THAT(f.cause, HasSubstr("SecondsPath"));
  }
  EXPECT_EQ(expect<WaitUntil>(enter_state(m["S"], j(R"({"delay": 0})"), context_for("S"))).due,
            kEntered);
}

// A number past what the due time can hold: 2^64 - 1 threw out of the interpreter (the execution
// actor crashed, the start answered 500) and 2^63 - 1 overflowed the due time into the past, so
// the Wait ended at once. Both fail the state, as a literal Seconds past 99999999 is refused.
TEST(AslWait, SecondsPathPastTheLimitFailsTheState) {
  const Machine m = single(R"({"Type": "Wait", "SecondsPath": "$.delay", "Next": "Done"})");
  const auto cause = [&m](const char* input) {
    return expect<FailWith>(enter_state(m["S"], j(input), context_for("S"))).cause;
  };
  EXPECT_EQ(cause(R"({"delay": 18446744073709551615})"),
            "The SecondsPath parameter cannot be parsed as a long value: $.delay == "
            "18446744073709551615");
  EXPECT_EQ(cause(R"({"delay": 9223372036854775807})"),
            "The SecondsPath parameter references a value larger than 99999999: $.delay == "
            "9223372036854775807");
  EXPECT_THAT(cause(R"({"delay": 100000000})"), HasSubstr("larger than 99999999"));
  EXPECT_EQ(
      expect<WaitUntil>(enter_state(m["S"], j(R"({"delay": 99999999})"), context_for("S"))).due,
      kEntered + 99'999'999'000);
}

// Step Functions' causes for a Wait's paths (no "An error occurred..." preamble).
TEST(AslWait, PathCausesAreStepFunctionsOwn) {
  const Machine m = single(R"({"Type": "Wait", "SecondsPath": "$.delay", "Next": "Done"})");
  const auto cause = [&m](const char* input) {
    return expect<FailWith>(enter_state(m["S"], j(input), context_for("S"))).cause;
  };
  EXPECT_EQ(cause(R"({"delay": -1})"),
            "The SecondsPath parameter references a negative value: $.delay == -1");
  EXPECT_EQ(cause(R"({"delay": "5"})"),
            "The SecondsPath parameter cannot be parsed as a long value: $.delay == 5");
  EXPECT_THAT(cause(R"({"delay": 1.5})"),
              HasSubstr("The SecondsPath parameter cannot be parsed as a long value: $.delay == "));
  EXPECT_EQ(cause("{}"), "The SecondsPath parameter does not reference an input value: $.delay");
  const Machine t = single(R"({"Type": "Wait", "TimestampPath": "$.at", "Next": "Done"})");
  EXPECT_EQ(expect<FailWith>(enter_state(t["S"], j(R"({"at": "soon"})"), context_for("S"))).cause,
            "The TimestampPath parameter does not reference a valid ISO-8601 extended offset "
            "date-time format string: $.at == soon");
}

TEST(AslWait, TimestampIsAnAbsoluteDueTime) {
  const Machine m =
      single(R"({"Type": "Wait", "Timestamp": "2026-01-01T00:00:00+01:00", "Next": "Done"})");
  const auto w = expect<WaitUntil>(enter_state(m["S"], j("{}"), context_for("S")));
  EXPECT_EQ(w.due, 1'767'222'000'000);  // 2025-12-31T23:00:00Z
}

TEST(AslWait, TimestampPathReadsTheInput) {
  const Machine m = single(R"({"Type": "Wait", "TimestampPath": "$.at", "Next": "Done"})");
  const auto w = expect<WaitUntil>(
      enter_state(m["S"], j(R"({"at": "2026-03-01T12:00:00.250Z"})"), context_for("S")));
  EXPECT_EQ(w.due, 1'772'366'400'250);
  for (const char* input :
       {R"({"at": "soon"})", R"({"at": 1772366400})", R"({"at": "2025-02-30T00:00:00Z"})", "{}"}) {
    SCOPED_TRACE(input);
    const auto f = expect<FailWith>(enter_state(m["S"], j(input), context_for("S")));
    EXPECT_EQ(f.error, errors::kRuntime);
    EXPECT_THAT(f.cause, HasSubstr("TimestampPath"));
  }
}

TEST(AslWait, TimestampPathMayReadTheContext) {
  const Machine m =
      single(R"({"Type": "Wait", "TimestampPath": "$$.Execution.StartTime", "Next": "Done"})");
  EXPECT_EQ(expect<WaitUntil>(enter_state(m["S"], j("{}"), context_for("S"))).due, kStarted);
}

}  // namespace
}  // namespace settled::asl
