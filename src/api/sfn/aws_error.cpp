#include "api/sfn/aws_error.hpp"

#include "api/sfn/aws_json.hpp"
#include "domain/utf8.hpp"

#include <boost/json.hpp>

namespace settled::api::sfn {

namespace json = boost::json;

AwsError to_aws_error(const Error& error) {
  using namespace aws_errors;
  const std::string& m = error.message;
  switch (error.code) {
    case ErrorCode::kInvalidJson:
      return {kSerialization, m};
    case ErrorCode::kInvalidRequest:
    case ErrorCode::kInvalidAmount:
    case ErrorCode::kPayloadTooLarge:
      return {kValidation, m};
    case ErrorCode::kUnauthorized:
      return {kUnrecognizedClient, m};
    case ErrorCode::kForbidden:
      return {"AccessDeniedException", m};
    case ErrorCode::kStateMachineDoesNotExist:
      return {kStateMachineDoesNotExist, m};
    case ErrorCode::kInvalidDefinition:
      return {kInvalidDefinition, m};
    case ErrorCode::kExecutionAlreadyExists:
      return {kExecutionAlreadyExists, m};
    case ErrorCode::kExecutionDoesNotExist:
    case ErrorCode::kNotFound:
      return {kExecutionDoesNotExist, m};
    case ErrorCode::kTaskDoesNotExist:
      return {kTaskDoesNotExist, m};
    // A used token is, for Step Functions, a task that no longer exists to be answered.
    case ErrorCode::kTaskTimedOut:
    case ErrorCode::kTaskAlreadyCompleted:
      return {kTaskTimedOut, m};
    case ErrorCode::kOverloaded:
    case ErrorCode::kTooManyRequests:
      return {"ThrottlingException", m};
    case ErrorCode::kIngestionPaused:
    case ErrorCode::kDraining:
    case ErrorCode::kStoreFull:
    case ErrorCode::kStoreUnavailable:
    case ErrorCode::kTimeout:
      return {"ServiceUnavailable", m, 503};
    default:
      return {kInternal, std::string(error_name(error.code)) + ": " + m, 500};
  }
}

adapters::HttpResponse aws_error_response(const AwsError& error) {
  adapters::HttpResponse response;
  response.status = error.status;
  response.content_type = kAwsJsonContentType;
  response.body = json::serialize(
      json::object{{"__type", error.type}, {"message", valid_utf8_or_replaced(error.message)}});
  response.headers.emplace_back("X-Amzn-ErrorType", error.type);
  return response;
}

}  // namespace settled::api::sfn
