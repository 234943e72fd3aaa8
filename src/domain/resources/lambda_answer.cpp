#include "domain/resources/lambda_answer.hpp"

#include "domain/json_limits.hpp"

#include <boost/json.hpp>

namespace settled::aws {

namespace json = boost::json;

namespace {

std::string quoted_start(std::string_view body) {
  constexpr std::size_t kMax = 512;
  return body.size() <= kMax ? std::string(body) : std::string(body.substr(0, kMax)) + "...";
}

}  // namespace

TaskOutcome lambda_answer(unsigned status, std::string_view function_error, std::string_view body) {
  // Read as a client's request body is: bounded depth, no key twice.
  auto read = parse_request_json(body, "the function's answer");
  const bool is_json = read.ok();
  json::value parsed = is_json ? std::move(*read) : json::value();
  if (status >= 200 && status < 300) {
    if (!function_error.empty()) {
      // {"errorType": "...", "errorMessage": "...", "trace": [...]}: the error is errorType.
      std::string name = kLambdaUnknown;
      if (is_json && parsed.is_object()) {
        const json::value* type = parsed.as_object().if_contains("errorType");
        if (type && type->is_string() && !type->as_string().empty() &&
            type->as_string().size() <= 256)
          name = std::string(type->as_string());
      }
      return TaskOutcome::failure(std::move(name),
                                  is_json ? json::serialize(parsed) : quoted_start(body));
    }
    if (!is_json)
      return TaskOutcome::failure(kLambdaUnknown,
                                  "The function answered HTTP " + std::to_string(status) +
                                      " with a body that is not JSON: " + quoted_start(body));
    return TaskOutcome::success(std::move(parsed));
  }
  const char* name = status == 429   ? kLambdaTooManyRequests
                     : status == 404 ? kLambdaResourceNotFound
                     : status >= 500 ? kLambdaServiceException
                                     : kLambdaException;
  return TaskOutcome::failure(name, "The function's endpoint answered HTTP " +
                                        std::to_string(status) +
                                        (body.empty() ? std::string() : ": " + quoted_start(body)));
}

}  // namespace settled::aws
