#include "domain/error.hpp"

namespace settled {

std::string_view error_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidJson: return "InvalidJson";
    case ErrorCode::kInvalidRequest: return "InvalidRequest";
    case ErrorCode::kInvalidAmount: return "InvalidAmount";
    case ErrorCode::kPayloadTooLarge: return "PayloadTooLarge";
    case ErrorCode::kUnauthorized: return "Unauthorized";
    case ErrorCode::kNotFound: return "NotFound";
    case ErrorCode::kMethodNotAllowed: return "MethodNotAllowed";
    case ErrorCode::kStateMachineDoesNotExist: return "StateMachineDoesNotExist";
    case ErrorCode::kInvalidDefinition: return "InvalidDefinition";
    case ErrorCode::kExecutionAlreadyExists: return "ExecutionAlreadyExists";
    case ErrorCode::kExecutionDoesNotExist: return "ExecutionDoesNotExist";
    case ErrorCode::kIngestionPaused: return "IngestionPaused";
    case ErrorCode::kStoreFull: return "StoreFull";
    case ErrorCode::kStoreUnavailable: return "StoreUnavailable";
    case ErrorCode::kDraining: return "Draining";
    case ErrorCode::kTimeout: return "Timeout";
    case ErrorCode::kInternal: return "InternalError";
  }
  return "InternalError";
}

boost::json::object to_json(const Error& error) {
  boost::json::object body;
  body["error"] = error_name(error.code);
  body["message"] = error.message;
  return body;
}

}  // namespace settled
