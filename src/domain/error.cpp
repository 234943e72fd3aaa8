#include "domain/error.hpp"

#include "domain/utf8.hpp"

namespace settled {

std::string_view error_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidJson:
      return "InvalidJson";
    case ErrorCode::kInvalidRequest:
      return "InvalidRequest";
    case ErrorCode::kInvalidAmount:
      return "InvalidAmount";
    case ErrorCode::kPayloadTooLarge:
      return "PayloadTooLarge";
    case ErrorCode::kUnauthorized:
      return "Unauthorized";
    case ErrorCode::kNotFound:
      return "NotFound";
    case ErrorCode::kMethodNotAllowed:
      return "MethodNotAllowed";
    case ErrorCode::kStateMachineDoesNotExist:
      return "StateMachineDoesNotExist";
    case ErrorCode::kInvalidDefinition:
      return "InvalidDefinition";
    case ErrorCode::kExecutionAlreadyExists:
      return "ExecutionAlreadyExists";
    case ErrorCode::kExecutionDoesNotExist:
      return "ExecutionDoesNotExist";
    case ErrorCode::kScheduleDoesNotExist:
      return "ScheduleDoesNotExist";
    case ErrorCode::kForbidden:
      return "Forbidden";
    case ErrorCode::kRatingNotOpen:
      return "RatingNotOpen";
    case ErrorCode::kRatingAlreadySubmitted:
      return "RatingAlreadySubmitted";
    case ErrorCode::kIngestionPaused:
      return "IngestionPaused";
    case ErrorCode::kStoreFull:
      return "StoreFull";
    case ErrorCode::kStoreUnavailable:
      return "StoreUnavailable";
    case ErrorCode::kDraining:
      return "Draining";
    case ErrorCode::kTimeout:
      return "Timeout";
    case ErrorCode::kInternal:
      return "InternalError";
    case ErrorCode::kIntrinsicFailure:
      return "IntrinsicFailure";
    case ErrorCode::kTaskDoesNotExist:
      return "TaskDoesNotExist";
    case ErrorCode::kTaskTimedOut:
      return "TaskTimedOut";
    case ErrorCode::kTaskAlreadyCompleted:
      return "TaskAlreadyCompleted";
    case ErrorCode::kInsufficientFunds:
      return "InsufficientFunds";
    case ErrorCode::kUnknownEscrow:
      return "UnknownEscrow";
    case ErrorCode::kEscrowResolved:
      return "EscrowResolved";
    case ErrorCode::kEscrowFrozen:
      return "EscrowFrozen";
    case ErrorCode::kCurrencyMismatch:
      return "CurrencyMismatch";
    case ErrorCode::kEscrowExists:
      return "EscrowExists";
    case ErrorCode::kEscrowNotFrozen:
      return "EscrowNotFrozen";
    case ErrorCode::kEscrowNotExpired:
      return "EscrowNotExpired";
    case ErrorCode::kIdempotencyConflict:
      return "IdempotencyConflict";
    case ErrorCode::kRecordCorrupt:
      return "RecordCorrupt";
    case ErrorCode::kOverloaded:
      return "Overloaded";
    case ErrorCode::kTooManyRequests:
      return "TooManyRequests";
    case ErrorCode::kBadSignature:
      return "BadSignature";
    case ErrorCode::kWriteConflict:
      return "WriteConflict";
  }
  return "InternalError";
}

boost::json::object to_json(const Error& error) {
  boost::json::object body;
  body["error"] = error_name(error.code);
  // A message may quote request bytes (a header, a name); the body must stay JSON text.
  body["message"] = valid_utf8_or_replaced(error.message);
  return body;
}

}  // namespace settled
