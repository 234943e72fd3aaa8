#include "api/http_status.hpp"

namespace settled::api {

unsigned http_status(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidJson:
    case ErrorCode::kInvalidRequest:
    case ErrorCode::kInvalidAmount:
    case ErrorCode::kInvalidDefinition:
    case ErrorCode::kIntrinsicFailure:
    case ErrorCode::kBadSignature:
      return 400;
    case ErrorCode::kUnauthorized:
      return 401;
    case ErrorCode::kForbidden:
      return 403;
    case ErrorCode::kStateMachineDoesNotExist:
    case ErrorCode::kExecutionDoesNotExist:
    case ErrorCode::kScheduleDoesNotExist:
    case ErrorCode::kNotFound:
    case ErrorCode::kTaskDoesNotExist:
    case ErrorCode::kUnknownEscrow:
      return 404;
    case ErrorCode::kMethodNotAllowed:
      return 405;
    case ErrorCode::kExecutionAlreadyExists:
    case ErrorCode::kTaskTimedOut:
    case ErrorCode::kTaskAlreadyCompleted:
    case ErrorCode::kInsufficientFunds:
    case ErrorCode::kEscrowResolved:
    case ErrorCode::kEscrowFrozen:
    case ErrorCode::kCurrencyMismatch:
    case ErrorCode::kEscrowExists:
    case ErrorCode::kEscrowNotFrozen:
    case ErrorCode::kEscrowNotExpired:
    case ErrorCode::kIdempotencyConflict:
    case ErrorCode::kRatingNotOpen:
    case ErrorCode::kRatingAlreadySubmitted:
    case ErrorCode::kWriteConflict:
      return 409;
    case ErrorCode::kPayloadTooLarge:
      return 413;
    case ErrorCode::kStoreFull:
    case ErrorCode::kStoreUnavailable:
    case ErrorCode::kDraining:
    case ErrorCode::kIngestionPaused:
    case ErrorCode::kOverloaded:
      return 503;
    case ErrorCode::kTooManyRequests:
      return 429;
    case ErrorCode::kTimeout:
      return 504;
    case ErrorCode::kInternal:
    case ErrorCode::kRecordCorrupt:
      return 500;
  }
  return 500;
}

unsigned http_status(Outcome outcome) {
  switch (outcome) {
    case Outcome::kCreated:
      return 201;
    case Outcome::kExisting:
    case Outcome::kApplied:
      return 200;
    case Outcome::kKept:
      return 202;
  }
  return 200;
}

}  // namespace settled::api
