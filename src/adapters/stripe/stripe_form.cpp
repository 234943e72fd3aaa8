#include "adapters/stripe/stripe_form.hpp"

#include <boost/json.hpp>

#include <optional>

namespace settled::adapters {

namespace json = boost::json;

namespace {

bool unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

void append_pair(std::string& out, const std::string& name, std::string_view value) {
  if (!out.empty()) out += '&';
  out += name;
  out += '=';
  out += percent_encode(value);
}

// Appends `value` under the already-encoded `name`; the error names the parameter.
std::optional<Error> encode_value(std::string& out, const std::string& name,
                                  const std::string& path, const json::value& value) {
  switch (value.kind()) {
    case json::kind::object:
      for (const auto& [key, member] : value.as_object()) {
        const std::string k(key);
        if (auto error = encode_value(out, name + "[" + percent_encode(k) + "]",
                                      path + "[" + k + "]", member)) {
          return error;
        }
      }
      return std::nullopt;
    case json::kind::array: {
      std::size_t i = 0;
      for (const auto& element : value.as_array()) {
        const std::string index = std::to_string(i++);
        if (auto error =
                encode_value(out, name + "[" + index + "]", path + "[" + index + "]", element)) {
          return error;
        }
      }
      return std::nullopt;
    }
    case json::kind::string:
      append_pair(out, name, value.as_string());
      return std::nullopt;
    case json::kind::bool_:
      append_pair(out, name, value.as_bool() ? "true" : "false");
      return std::nullopt;
    case json::kind::int64:
      append_pair(out, name, std::to_string(value.as_int64()));
      return std::nullopt;
    case json::kind::uint64:
      append_pair(out, name, std::to_string(value.as_uint64()));
      return std::nullopt;
    case json::kind::null:
      append_pair(out, name, "");
      return std::nullopt;
    case json::kind::double_:
      return Error{ErrorCode::kInvalidAmount,
                   "Stripe parameter " + path + " is a floating-point number (" +
                       json::serialize(value) +
                       "); Stripe takes integers, and amounts are integer minor units"};
  }
  return std::nullopt;
}

}  // namespace

std::string percent_encode(std::string_view text) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (unreserved(c)) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0x0f];
    }
  }
  return out;
}

Result<std::string> encode_stripe_form(const json::value& params) {
  if (!params.is_object()) {
    return Error{ErrorCode::kInvalidRequest,
                 "Stripe parameters must be a JSON object, not " + json::serialize(params)};
  }
  std::string out;
  for (const auto& [key, value] : params.as_object()) {
    const std::string k(key);
    if (auto error = encode_value(out, percent_encode(k), k, value)) return *error;
  }
  return out;
}

}  // namespace settled::adapters
