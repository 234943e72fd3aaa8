#include "api/sfn/aws_auth.hpp"

namespace settled::api::sfn {

AwsAuthenticator local_only_authenticator(bool keys_configured) {
  if (!keys_configured)
    return [](const adapters::HttpRequest&) -> Result<Caller, AwsError> { return Caller::local(); };
  return [](const adapters::HttpRequest&) -> Result<Caller, AwsError> {
    return AwsError{aws_errors::kUnrecognizedClient,
                    "The security token included in the request is invalid: this settled has API "
                    "keys configured and no AWS access keys to verify a signed request with"};
  };
}

}  // namespace settled::api::sfn
