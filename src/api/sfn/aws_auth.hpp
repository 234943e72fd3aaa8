#pragma once
// Who calls the Step Functions API (POST /): AWS clients sign with Signature Version 4, not
// settled's Bearer keys (docs/aws-auth.md). In local-only mode (no key of any kind configured,
// loopback only) every request is Caller::local(), signed or not; otherwise only a request
// signed with a configured access key gets through, as the caller that key names. A refusal is
// AWS's own error (MissingAuthenticationTokenException, UnrecognizedClientException,
// IncompleteSignatureException, InvalidSignatureException) and nothing is done.

#include "adapters/http/http_message.hpp"
#include "api/sfn/aws_error.hpp"
#include "domain/aws/access_keys.hpp"
#include "domain/aws/sigv4_verify.hpp"
#include "domain/caller.hpp"
#include "domain/result.hpp"

#include <functional>
#include <memory>

namespace settled::api::sfn {

// The caller of one request, or the AWS error that refuses it (nothing is done then).
using AwsAuthenticator =
    std::function<Result<Caller, AwsError>(const adapters::HttpRequest& request)>;

// SigV4 against `keys` and `settings` at the wall clock (adapters/http/sigv4_auth.hpp);
// Caller::local() for every request when `local_only`.
AwsAuthenticator sigv4_authenticator(std::shared_ptr<const aws::AccessKeys> keys,
                                     aws::SigV4Settings settings, bool local_only);

// The same checks that need no body (all but the body's hash and the signature), for a POST /
// whose body has not been read yet (HttpServerOptions::before_body): an unsigned request, or
// one signed with an unknown key, is refused before it holds a body's worth of memory.
AwsAuthenticator sigv4_header_authenticator(std::shared_ptr<const aws::AccessKeys> keys,
                                            aws::SigV4Settings settings, bool local_only);

}  // namespace settled::api::sfn
