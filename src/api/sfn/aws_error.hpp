#pragma once
// The AWS JSON 1.0 protocol's one error shape (docs/aws-api.md): {"__type": "<Name>",
// "message": "..."} with the HTTP status the AWS SDKs expect (400 for a client's error, 500 for
// settled's own). settled's Errors (domain/error.hpp) are mapped to Step Functions' names here
// and nowhere else.

#include "adapters/http/http_message.hpp"
#include "domain/error.hpp"

#include <string>

namespace settled::api::sfn {

struct AwsError {
  std::string type;     // "ExecutionDoesNotExist", "ValidationException", ...
  std::string message;  // what was wrong, for a person
  unsigned status = 400;

  AwsError() = default;
  AwsError(std::string t, std::string m, unsigned s = 400)
      : type(std::move(t)), message(std::move(m)), status(s) {}
};

// The names used more than once.
namespace aws_errors {
inline constexpr const char* kValidation = "ValidationException";
inline constexpr const char* kSerialization = "SerializationException";
inline constexpr const char* kUnknownOperation = "UnknownOperationException";
inline constexpr const char* kUnrecognizedClient = "UnrecognizedClientException";
inline constexpr const char* kInvalidArn = "InvalidArn";
inline constexpr const char* kInvalidName = "InvalidName";
inline constexpr const char* kInvalidToken = "InvalidToken";
inline constexpr const char* kInvalidDefinition = "InvalidDefinition";
inline constexpr const char* kInvalidExecutionInput = "InvalidExecutionInput";
inline constexpr const char* kInvalidOutput = "InvalidOutput";
inline constexpr const char* kStateMachineDoesNotExist = "StateMachineDoesNotExist";
inline constexpr const char* kStateMachineAlreadyExists = "StateMachineAlreadyExists";
inline constexpr const char* kStateMachineTypeNotSupported = "StateMachineTypeNotSupported";
inline constexpr const char* kExecutionDoesNotExist = "ExecutionDoesNotExist";
inline constexpr const char* kExecutionAlreadyExists = "ExecutionAlreadyExists";
inline constexpr const char* kExecutionNotRedrivable = "ExecutionNotRedrivable";
inline constexpr const char* kTaskDoesNotExist = "TaskDoesNotExist";
inline constexpr const char* kTaskTimedOut = "TaskTimedOut";
inline constexpr const char* kInternal = "InternalFailure";
}  // namespace aws_errors

// What a settled refusal is called in Step Functions: the resource errors by their names,
// InvalidRequest as ValidationException, InvalidJson as SerializationException, overload as
// ThrottlingException, a refusal that is settled's fault as InternalFailure (500).
AwsError to_aws_error(const Error& error);

// The response: the status, {"__type", "message"}, Content-Type application/x-amz-json-1.0 and
// X-Amzn-ErrorType (what some SDKs read first).
adapters::HttpResponse aws_error_response(const AwsError& error);

}  // namespace settled::api::sfn
