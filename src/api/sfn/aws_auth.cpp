#include "api/sfn/aws_auth.hpp"

#include "adapters/http/sigv4_auth.hpp"

#include <string>
#include <utility>

namespace settled::api::sfn {

AwsAuthenticator sigv4_authenticator(std::shared_ptr<const aws::AccessKeys> keys,
                                     aws::SigV4Settings settings, bool local_only) {
  return [keys = std::move(keys), settings = std::move(settings),
          local_only](const adapters::HttpRequest& request) -> Result<Caller, AwsError> {
    auto caller = adapters::aws_caller(request, *keys, settings, local_only);
    if (caller) return *caller;
    const auto& refusal = caller.error();
    return AwsError{std::string(aws::aws_error_name(refusal.failure)), refusal.message,
                    aws::http_status(refusal.failure)};
  };
}

}  // namespace settled::api::sfn
