#pragma once
// The seam where the Step Functions API (POST /) decides who calls. AWS clients sign requests
// with Signature Version 4, not settled's Bearer keys; a SigV4 verifier (another module) plugs
// in here as an AwsAuthenticator. Until one is configured, the only caller let through is the
// local one: with no API keys configured (local-only mode, loopback only) every request is
// Caller::local(); with keys configured every request is refused with
// UnrecognizedClientException, never let through unauthenticated.

#include "adapters/http/http_message.hpp"
#include "api/sfn/aws_error.hpp"
#include "domain/caller.hpp"
#include "domain/result.hpp"

#include <functional>

namespace settled::api::sfn {

// The caller of one request, or the AWS error that refuses it (nothing is done then).
using AwsAuthenticator =
    std::function<Result<Caller, AwsError>(const adapters::HttpRequest& request)>;

// The authenticator before SigV4: Caller::local() when `keys_configured` is false, otherwise
// UnrecognizedClientException (400) for every request.
AwsAuthenticator local_only_authenticator(bool keys_configured);

}  // namespace settled::api::sfn
