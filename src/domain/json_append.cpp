#include "domain/json_append.hpp"

#include <boost/json.hpp>

#include <charconv>

namespace settled {

namespace json = boost::json;

namespace {

// The escape json::serialize writes for a byte, 0 for none, 'u' for \u00XX: the quote, the
// backslash and the control characters (serializer.ipp's table).
char escape_of(unsigned char c) {
  static constexpr char kControl[] = "uuuuuuuubtnufruuuuuuuuuuuuuuuuuu";
  if (c < 0x20) return kControl[c];
  if (c == '"') return '"';
  if (c == '\\') return '\\';
  return 0;
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
void append_array(std::string& out, const json::array& array, int depth);
void append_object(std::string& out, const json::object& object, int depth);

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.reserve(out.size() + text.size() + 2);
  out += '"';
  std::size_t plain_from = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    const char escape = escape_of(byte);
    if (!escape) continue;
    out.append(text, plain_from, i - plain_from);
    plain_from = i + 1;
    out += '\\';
    if (escape != 'u') {
      out += escape;
    } else {
      out += "u00";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    }
  }
  out.append(text, plain_from, std::string_view::npos);
  out += '"';
}

void append_json(std::string& out, const json::value& value) {
  append_value(out, value, 0);
}

void append_json(std::string& out, const json::object& object) {
  append_object(out, object, 0);
}

void append_json(std::string& out, const json::array& array) {
  append_array(out, array, 0);
}

void append_json_number(std::string& out, std::int64_t number) {
  append_integer(out, number);
}

std::string& JsonObjectWriter::member(std::string_view name) {
  if (!first_) out_ += ',';
  first_ = false;
  out_ += '"';
  out_ += name;
  out_ += "\":";
  return out_;
}

JsonObjectWriter& JsonObjectWriter::text(std::string_view name, std::string_view value) {
  append_json_string(member(name), value);
  return *this;
}

JsonObjectWriter& JsonObjectWriter::number(std::string_view name, std::int64_t value) {
  append_integer(member(name), value);
  return *this;
}

JsonObjectWriter& JsonObjectWriter::value(std::string_view name, const json::value& value) {
  append_json(member(name), value);
  return *this;
}

JsonObjectWriter& JsonObjectWriter::value(std::string_view name, const json::object& value) {
  append_json(member(name), value);
  return *this;
}

JsonObjectWriter& JsonObjectWriter::value(std::string_view name, const json::array& value) {
  append_json(member(name), value);
  return *this;
}

namespace {

void append_value(std::string& out, const json::value& value, int depth) {
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
    case json::kind::array:
      append_array(out, value.get_array(), depth);
      return;
    case json::kind::object:
      append_object(out, value.get_object(), depth);
      return;
  }
}

void append_array(std::string& out, const json::array& array, int depth) {
  if (depth >= kRecursionDepth) {
    out += json::serialize(array);
    return;
  }
  out += '[';
  bool first = true;
  for (const auto& element : array) {
    if (!first) out += ',';
    first = false;
    append_value(out, element, depth + 1);
  }
  out += ']';
}

void append_object(std::string& out, const json::object& object, int depth) {
  if (depth >= kRecursionDepth) {
    out += json::serialize(object);
    return;
  }
  out += '{';
  bool first = true;
  for (const auto& member : object) {
    if (!first) out += ',';
    first = false;
    append_json_string(out, std::string_view(member.key().data(), member.key().size()));
    out += ':';
    append_value(out, member.value(), depth + 1);
  }
  out += '}';
}

}  // namespace

}  // namespace settled
