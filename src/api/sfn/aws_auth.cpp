#include "api/sfn/aws_auth.hpp"

#include "adapters/http/sigv4_auth.hpp"

#include <string>
#include <utility>

namespace settled::api::sfn {

namespace {

AwsError to_aws_error(const aws::SigV4Error& refusal) {
  return AwsError{std::string(aws::aws_error_name(refusal.failure)), refusal.message,
                  aws::http_status(refusal.failure)};
}

}  // namespace

AwsAuthenticator sigv4_authenticator(std::shared_ptr<const aws::AccessKeys> keys,
                                     aws::SigV4Settings settings, bool local_only) {
  return [keys = std::move(keys), settings = std::move(settings),
          local_only](const adapters::HttpRequest& request) -> Result<Caller, AwsError> {
    auto caller = adapters::aws_caller(request, *keys, settings, local_only);
    if (caller) return *caller;
    return to_aws_error(caller.error());
  };
}

AwsAuthenticator sigv4_header_authenticator(std::shared_ptr<const aws::AccessKeys> keys,
                                            aws::SigV4Settings settings, bool local_only) {
  return [keys = std::move(keys), settings = std::move(settings),
          local_only](const adapters::HttpRequest& request) -> Result<Caller, AwsError> {
    auto caller = adapters::aws_header_caller(request, *keys, settings, local_only);
    if (caller) return *caller;
    return to_aws_error(caller.error());
  };
}

}  // namespace settled::api::sfn
