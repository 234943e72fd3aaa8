#pragma once
// The Step Functions API's front door (docs/aws-api.md): `POST /` with
// `X-Amz-Target: AWSStepFunctions.<Operation>` and `Content-Type: application/x-amz-json-1.0`.
// The caller is authenticated first (aws_auth.hpp), then the operation is found by its target
// (none or an unknown one: UnknownOperationException), the body read as request JSON (the
// limits of domain/json_limits.hpp; not a JSON object: SerializationException) and handed to
// the operation. Every refusal is AWS's error shape and changes nothing.

#include "adapters/http/http_message.hpp"
#include "api/sfn/aws_error.hpp"
#include "api/sfn/sfn_context.hpp"
#include "domain/result.hpp"

#include <boost/json/object.hpp>

#include <optional>
#include <string_view>

namespace settled::api::sfn {

using OperationHandler = void (*)(SfnCall call);

struct Operation {
  const char* name;  // "StartExecution"
  OperationHandler handler;
  // Needs scope "admin" (docs/identities.md): it changes which definitions run (a definition
  // may move money with the ledger's tasks), or stops or redrives another client's execution
  // (as settlectl's execution.stop does over the admin socket).
  bool needs_admin = false;
};

// The operation an X-Amz-Target header value names ("AWSStepFunctions.StartExecution"), or
// UnknownOperationException (no header, another service's prefix, an operation settled does not
// serve).
Result<const Operation*, AwsError> find_operation(std::optional<std::string_view> target);

// The body as a JSON object ("" reads as {}), after checking the content type is AWS JSON 1.0.
Result<boost::json::object, AwsError> read_body(std::optional<std::string_view> content_type,
                                                std::string_view body);

// Answers one `POST /` request.
void handle_sfn_request(const SfnDeps& deps, const adapters::HttpRequest& request,
                        adapters::HttpResponder respond);

}  // namespace settled::api::sfn
