#include "api/http_status.hpp"

#include "domain/ledger/ledger_error.hpp"

#include <gtest/gtest.h>

#include <map>

namespace settled::api {
namespace {

TEST(HttpStatus, EveryErrorCodeHasItsStatus) {
  const std::map<ErrorCode, unsigned> expected{
      {ErrorCode::kInvalidJson, 400},
      {ErrorCode::kInvalidRequest, 400},
      {ErrorCode::kInvalidAmount, 400},
      {ErrorCode::kPayloadTooLarge, 413},
      {ErrorCode::kUnauthorized, 401},
      {ErrorCode::kNotFound, 404},
      {ErrorCode::kMethodNotAllowed, 405},
      {ErrorCode::kStateMachineDoesNotExist, 404},
      {ErrorCode::kInvalidDefinition, 400},
      {ErrorCode::kExecutionAlreadyExists, 409},
      {ErrorCode::kExecutionDoesNotExist, 404},
      {ErrorCode::kIngestionPaused, 503},
      {ErrorCode::kStoreFull, 503},
      {ErrorCode::kStoreUnavailable, 503},
      {ErrorCode::kDraining, 503},
      {ErrorCode::kTimeout, 504},
      {ErrorCode::kInternal, 500},
      {ErrorCode::kIntrinsicFailure, 400},
      {ErrorCode::kTaskDoesNotExist, 404},
      {ErrorCode::kTaskTimedOut, 409},
      {ErrorCode::kTaskAlreadyCompleted, 409},
      {ErrorCode::kInsufficientFunds, 409},
      {ErrorCode::kUnknownEscrow, 404},
      {ErrorCode::kEscrowResolved, 409},
      {ErrorCode::kEscrowFrozen, 409},
      {ErrorCode::kCurrencyMismatch, 409},
      {ErrorCode::kEscrowExists, 409},
      {ErrorCode::kEscrowNotFrozen, 409},
      {ErrorCode::kEscrowNotExpired, 409},
      {ErrorCode::kIdempotencyConflict, 409},
      {ErrorCode::kRecordCorrupt, 500},
      {ErrorCode::kOverloaded, 503},
      {ErrorCode::kTooManyRequests, 429},
      {ErrorCode::kBadSignature, 400},
      {ErrorCode::kScheduleDoesNotExist, 404},
      {ErrorCode::kForbidden, 403},
      {ErrorCode::kRatingNotOpen, 409},
      {ErrorCode::kRatingAlreadySubmitted, 409},
  };
  // Every code from the first to the last is in the table: a new code needs its status here.
  for (int c = static_cast<int>(ErrorCode::kInvalidJson);
       c <= static_cast<int>(ErrorCode::kRatingAlreadySubmitted); ++c) {
    const auto code = static_cast<ErrorCode>(c);
    const auto it = expected.find(code);
    ASSERT_NE(it, expected.end()) << error_name(code) << " has no expected status";
    EXPECT_EQ(http_status(code), it->second) << error_name(code);
  }
}

TEST(HttpStatus, OutcomesAreTheSuccessStatuses) {
  EXPECT_EQ(http_status(Outcome::kCreated), 201u);
  EXPECT_EQ(http_status(Outcome::kExisting), 200u);
  EXPECT_EQ(http_status(Outcome::kApplied), 200u);
  EXPECT_EQ(http_status(Outcome::kKept), 202u);
}

TEST(HttpStatus, LedgerRefusalsKeepTheirStatus) {
  EXPECT_EQ(http_status(
                ledger::to_error(ledger::LedgerError(ledger::LedgerErrc::kUnknownEscrow, "")).code),
            404u);
  EXPECT_EQ(http_status(ErrorCode::kInsufficientFunds), 409u);
}

}  // namespace
}  // namespace settled::api
