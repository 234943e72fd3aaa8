#include "domain/json_append.hpp"

#include <boost/json.hpp>

#include <charconv>

namespace settled {

namespace json = boost::json;

namespace {

// What json::serialize escapes: the quote, the backslash and the control characters.
bool needs_escape(std::string_view text) {
  for (const char c : text)
    if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) return true;
  return false;
}

template <typename Integer>
void append_integer(std::string& out, Integer number) {
  char digits[24];
  const auto written = std::to_chars(digits, digits + sizeof digits, number);
  out.append(digits, written.ptr);
}

// Containers nested deeper than this are written by json::serialize, whose stack is its own:
// no value, however deep, recurses here without bound.
constexpr int kRecursionDepth = 32;

void append_value(std::string& out, const json::value& value, int depth);

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  if (needs_escape(text)) {
    out += json::serialize(json::string_view(text.data(), text.size()));
    return;
  }
  out.reserve(out.size() + text.size() + 2);
  out += '"';
  out.append(text);
  out += '"';
}

void append_json(std::string& out, const json::value& value) {
  append_value(out, value, 0);
}

namespace {

void append_value(std::string& out, const json::value& value, int depth) {
  if (depth >= kRecursionDepth && (value.is_array() || value.is_object())) {
    out += json::serialize(value);
    return;
  }
  switch (value.kind()) {
    case json::kind::null:
      out += "null";
      return;
    case json::kind::bool_:
      out += value.get_bool() ? "true" : "false";
      return;
    case json::kind::int64:
      append_integer(out, value.get_int64());
      return;
    case json::kind::uint64:
      append_integer(out, value.get_uint64());
      return;
    case json::kind::double_:
      // Boost.JSON's own shortest form: not reproduced here.
      out += json::serialize(value);
      return;
    case json::kind::string: {
      const json::string& text = value.get_string();
      append_json_string(out, std::string_view(text.data(), text.size()));
      return;
    }
    case json::kind::array: {
      out += '[';
      bool first = true;
      for (const auto& element : value.get_array()) {
        if (!first) out += ',';
        first = false;
        append_value(out, element, depth + 1);
      }
      out += ']';
      return;
    }
    case json::kind::object: {
      out += '{';
      bool first = true;
      for (const auto& member : value.get_object()) {
        if (!first) out += ',';
        first = false;
        append_json_string(out, std::string_view(member.key().data(), member.key().size()));
        out += ':';
        append_value(out, member.value(), depth + 1);
      }
      out += '}';
      return;
    }
  }
}

}  // namespace

}  // namespace settled
