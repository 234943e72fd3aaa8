#pragma once
// The caller of a request to the Step Functions API, signed with AWS Signature Version 4
// (docs/aws-auth.md): the request as the server received it (method, raw target, every header,
// raw body) checked by aws::verify_sigv4 against the configured access keys and the wall clock.

#include "adapters/http/http_message.hpp"
#include "domain/aws/access_keys.hpp"
#include "domain/aws/sigv4_verify.hpp"
#include "domain/caller.hpp"
#include "domain/result.hpp"

#include <cstdint>

namespace settled::adapters {

// Caller::local() when `local_only` (SettledConfig::aws_local_only(): no key of any kind, the
// daemon on loopback only); otherwise the access key's caller, or the AWS refusal
// (aws::aws_error_name(e.failure) is "__type", e.message "message", aws::http_status the
// status). `now_seconds`: the wall clock's seconds since the epoch, never the simulated clock.
Result<Caller, aws::SigV4Error> aws_caller(const HttpRequest& request, const aws::AccessKeys& keys,
                                           const aws::SigV4Settings& settings, bool local_only,
                                           std::int64_t now_seconds);

// The same at the system clock's now.
Result<Caller, aws::SigV4Error> aws_caller(const HttpRequest& request, const aws::AccessKeys& keys,
                                           const aws::SigV4Settings& settings, bool local_only);

// aws::check_sigv4_header's verdict on a request's headers alone (no body yet), at the system
// clock's now: Caller::local() when `local_only`.
Result<Caller, aws::SigV4Error> aws_header_caller(const HttpRequest& request,
                                                  const aws::AccessKeys& keys,
                                                  const aws::SigV4Settings& settings,
                                                  bool local_only);

}  // namespace settled::adapters
