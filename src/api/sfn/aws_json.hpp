#pragma once
// What every Step Functions operation reads and writes in the AWS JSON 1.0 protocol
// (docs/aws-api.md): the request's fields, read with AWS's constraints (a wrong type is a
// SerializationException, a missing or out-of-range member a ValidationException whose message
// is worded as AWS words it), timestamps as epoch seconds, and the success response.

#include "adapters/http/http_message.hpp"
#include "api/sfn/aws_error.hpp"
#include "domain/time.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace settled::api::sfn {

inline constexpr const char* kAwsJsonContentType = "application/x-amz-json-1.0";

// Epoch seconds as a JSON number: an integer when the time is a whole second, else fractional.
boost::json::value epoch_seconds(EpochMillis ms);
// A stored RFC 3339 timestamp (format_timestamp's) as epoch seconds; null if it does not parse.
boost::json::value epoch_seconds(std::string_view rfc3339);

// A fresh random identifier in the 8-4-4-4-12 hex form (UUID version 4): request ids and the
// names of executions started without one.
std::string random_uuid();

// 200 with `body`, the protocol's content type and an x-amzn-RequestId.
adapters::HttpResponse aws_ok(const boost::json::object& body);

// Reads the members of one request body. Each getter records the first problem (later getters
// then return their fallback); the handler checks `error` once after reading.
class BodyReader {
 public:
  // `allowed`: the members of the operation's input shape. Any other member is ignored, as the
  // AWS JSON services do, so an SDK newer than settled that sends a member added since still
  // works (docs/aws-api.md); `ignored()` names the first few.
  BodyReader(const boost::json::object& body, std::initializer_list<std::string_view> allowed);
  const std::vector<std::string>& ignored() const { return ignored_; }

  // A string member of min..max characters; "" when absent and not required.
  std::string string(std::string_view name, bool required, std::size_t min = 1,
                     std::size_t max = 256);
  // A boolean member, or `fallback` when absent.
  bool boolean(std::string_view name, bool fallback);
  // An integer member within min..max, or `fallback` when absent.
  std::int64_t integer(std::string_view name, std::int64_t min, std::int64_t max,
                       std::int64_t fallback);
  bool has(std::string_view name) const { return body_.if_contains(name) != nullptr; }
  // Records a problem found by the handler (only the first is kept).
  void fail(AwsError error);

  const std::optional<AwsError>& error() const { return error_; }

 private:
  const boost::json::value* member(std::string_view name, bool required);
  void wrong_type(std::string_view name, const char* expected);

  const boost::json::object& body_;
  static constexpr std::size_t kIgnoredShown = 8;
  std::optional<AwsError> error_;
  std::vector<std::string> ignored_;
};

// AWS's wording of one constraint violation: "1 validation error detected: Value '<v>' at
// '<name>' failed to satisfy constraint: <constraint>".
AwsError validation_error(std::string_view name, std::string_view value,
                          std::string_view constraint);

}  // namespace settled::api::sfn
