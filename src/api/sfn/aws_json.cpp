#include "api/sfn/aws_json.hpp"

#include <boost/json.hpp>

#include <cstdio>
#include <random>

namespace settled::api::sfn {

namespace json = boost::json;

json::value epoch_seconds(EpochMillis ms) {
  if (ms % 1000 == 0) return json::value(ms / 1000);
  return json::value(static_cast<double>(ms) / 1000.0);
}

json::value epoch_seconds(std::string_view rfc3339) {
  const auto ms = parse_timestamp(rfc3339);
  if (!ms) return nullptr;
  return epoch_seconds(*ms);
}

std::string random_uuid() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  const std::uint64_t a = engine(), b = engine();
  char out[37];
  std::snprintf(out, sizeof out, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xfff),
                static_cast<unsigned>(0x8000 | ((b >> 48) & 0x3fff)),
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return out;
}

adapters::HttpResponse aws_ok(const json::object& body) {
  adapters::HttpResponse response;
  response.status = 200;
  response.content_type = kAwsJsonContentType;
  response.body = json::serialize(body);
  response.headers.emplace_back("x-amzn-RequestId", random_uuid());
  return response;
}

AwsError validation_error(std::string_view name, std::string_view value,
                          std::string_view constraint) {
  // A value is quoted back only in part: a hostile megabyte is not echoed.
  std::string shown(value.substr(0, 64));
  if (value.size() > 64) shown += "...";
  return AwsError{aws_errors::kValidation,
                  "1 validation error detected: Value '" + shown + "' at '" + std::string(name) +
                      "' failed to satisfy constraint: " + std::string(constraint)};
}

BodyReader::BodyReader(const json::object& body, std::initializer_list<std::string_view> allowed)
    : body_(body) {
  for (const auto& field : body_) {
    bool known = false;
    for (auto name : allowed) known = known || field.key() == name;
    if (!known && ignored_.size() < kIgnoredShown) ignored_.emplace_back(field.key().substr(0, 64));
  }
}

void BodyReader::fail(AwsError error) {
  if (!error_) error_ = std::move(error);
}

const json::value* BodyReader::member(std::string_view name, bool required) {
  if (error_) return nullptr;
  const json::value* v = body_.if_contains(name);
  // A JSON null is an absent member, as the SDKs' deserializers read it.
  if (v && v->is_null()) v = nullptr;
  if (!v && required)
    fail(AwsError{aws_errors::kValidation, "1 validation error detected: Value null at '" +
                                               std::string(name) +
                                               "' failed to satisfy constraint: Member must not "
                                               "be null"});
  return v;
}

void BodyReader::wrong_type(std::string_view name, const char* expected) {
  fail(AwsError{aws_errors::kSerialization,
                "field \"" + std::string(name) + "\" must be " + expected});
}

std::string BodyReader::string(std::string_view name, bool required, std::size_t min,
                               std::size_t max) {
  const json::value* v = member(name, required);
  if (!v) return {};
  if (!v->is_string()) {
    wrong_type(name, "a string");
    return {};
  }
  std::string_view text = v->as_string();
  if (text.size() < min) {
    fail(validation_error(
        name, text, "Member must have length greater than or equal to " + std::to_string(min)));
    return {};
  }
  if (text.size() > max) {
    fail(validation_error(name, text,
                          "Member must have length less than or equal to " + std::to_string(max)));
    return {};
  }
  return std::string(text);
}

bool BodyReader::boolean(std::string_view name, bool fallback) {
  const json::value* v = member(name, false);
  if (!v) return fallback;
  if (!v->is_bool()) {
    wrong_type(name, "a boolean");
    return fallback;
  }
  return v->as_bool();
}

std::int64_t BodyReader::integer(std::string_view name, std::int64_t min, std::int64_t max,
                                 std::int64_t fallback) {
  const json::value* v = member(name, false);
  if (!v) return fallback;
  std::int64_t n = 0;
  if (v->is_int64()) {
    n = v->as_int64();
  } else if (v->is_uint64()) {
    n = std::numeric_limits<std::int64_t>::max();  // past every max below
  } else {
    wrong_type(name, "an integer");
    return fallback;
  }
  if (n < min) {
    fail(
        validation_error(name, std::to_string(n),
                         "Member must have value greater than or equal to " + std::to_string(min)));
    return fallback;
  }
  if (n > max) {
    fail(validation_error(name, v->is_uint64() ? std::to_string(v->as_uint64()) : std::to_string(n),
                          "Member must have value less than or equal to " + std::to_string(max)));
    return fallback;
  }
  return n;
}

}  // namespace settled::api::sfn
