#pragma once
// What an HTTP answer from a function settled:http.invoke called means, named as Lambda names
// it (docs/aws-resources.md): a 2xx JSON body is the function's result; a 2xx with
// X-Amz-Function-Error (Lambda's own header for a function that threw) is a function error,
// named by the body's errorType with the body as the cause, as Step Functions reports a
// Lambda function's error; other statuses are Lambda's service errors.

#include "domain/resources/task_outcome.hpp"

#include <string>
#include <string_view>

namespace settled::aws {

inline constexpr const char* kLambdaUnknown = "Lambda.Unknown";
inline constexpr const char* kLambdaServiceException = "Lambda.ServiceException";
inline constexpr const char* kLambdaTooManyRequests = "Lambda.TooManyRequestsException";
inline constexpr const char* kLambdaResourceNotFound = "Lambda.ResourceNotFoundException";
inline constexpr const char* kLambdaException = "Lambda.AWSLambdaException";
inline constexpr const char* kLambdaSdkClient = "Lambda.SdkClientException";

// `function_error`: the X-Amz-Function-Error header ("" when absent).
TaskOutcome lambda_answer(unsigned status, std::string_view function_error, std::string_view body);

}  // namespace settled::aws
