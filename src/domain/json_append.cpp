#include "domain/json_append.hpp"

#include "domain/json_escape_scan.hpp"

#include <boost/json.hpp>

#include <charconv>

namespace settled {

namespace json = boost::json;

namespace {

// Boost.JSON's serializer, read through a buffer on the stack and appended: its output without
// the temporary string json::serialize returns. (A writer of our own, appending token by token,
// was a third slower than the serializer.) The serializer keeps its own stack: any depth.
// Stops once `out` holds more than `limit` bytes: false then.
template <typename Value>
bool serialize_within(std::string& out, const Value& value, std::size_t limit) {
  // One serializer per thread, reset for each value: constructing one cost more than writing
  // most payloads.
  thread_local json::serializer serializer;
  serializer.reset(&value);
  char buffer[2048];
  while (!serializer.done()) {
    const json::string_view written = serializer.read(buffer, sizeof buffer);
    out.append(written.data(), written.size());
    if (out.size() > limit) return false;
  }
  return true;
}

template <typename Value>
void serialize_into(std::string& out, const Value& value) {
  serialize_within(out, value, std::string::npos);
}

// `lead"text"trail` written into `buffer` for one append (`lead` and `trail` left out when they
// are '\0'), `text` needing no escape; its size, or 0 when it does not fit in `capacity` (the
// caller then appends piece by piece). Inlined into its callers: this runs for every string and
// member name written, and a call of its own cost 1 % of a payment's instructions.
[[gnu::always_inline]] inline std::size_t quoted_on_stack(char* buffer, std::size_t capacity,
                                                          char lead, std::string_view text,
                                                          char trail) {
  const std::size_t size = text.size() + 2 + (lead != '\0') + (trail != '\0');
  if (size > capacity) return 0;
  char* at = buffer;
  if (lead != '\0') *at++ = lead;
  *at++ = '"';
  at += text.copy(at, text.size());  // (no memcpy of a null view's data: copy checks the size)
  *at++ = '"';
  if (trail != '\0') *at = trail;
  return size;
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::size_t i = next_json_escape(text, 0);
  if (i == text.size()) {
    // Most strings (names, ids, short values) need no escape: quoted on the stack, one append.
    char quoted[64];
    if (const std::size_t size = quoted_on_stack(quoted, sizeof quoted, '\0', text, '\0')) {
      out.append(quoted, size);
      return;
    }
  }
  out += '"';
  std::size_t plain_from = 0;
  for (; i < text.size(); i = next_json_escape(text, i + 1)) {
    const auto byte = static_cast<unsigned char>(text[i]);
    const char escape = json_escape_of(byte);
    out.append(text.data() + plain_from, i - plain_from);
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
  out.append(text.data() + plain_from, text.size() - plain_from);
  out += '"';
}

void append_json(std::string& out, const json::value& value) {
  // Scalars directly: a serializer costs more to set up than most of them take to write.
  switch (value.kind()) {
    case json::kind::string: {
      const json::string& text = value.get_string();
      append_json_string(out, std::string_view(text.data(), text.size()));
      return;
    }
    case json::kind::int64:
      append_json_number(out, value.get_int64());
      return;
    case json::kind::bool_:
      out += value.get_bool() ? "true" : "false";
      return;
    case json::kind::null:
      out += "null";
      return;
    default:  // containers, unsigned and floating-point numbers
      serialize_into(out, value);
  }
}

void append_json(std::string& out, const json::object& object) {
  serialize_into(out, object);
}

void append_json(std::string& out, const json::array& array) {
  serialize_into(out, array);
}

void append_json_number(std::string& out, std::int64_t number) {
  char digits[24];
  const auto written = std::to_chars(digits, digits + sizeof digits, number);
  out.append(digits, written.ptr);
}

std::string json_text(const json::value& value) {
  std::string out;
  out.reserve(240);  // most payloads fit: one allocation
  append_json(out, value);
  return out;
}

std::optional<std::string> json_text_within(const json::value& value, std::size_t limit) {
  std::string out;
  out.reserve(240);
  // A string's text is at least its bytes and two quotes: one too long is refused unwritten.
  if (value.is_string() && value.get_string().size() + 2 > limit) return std::nullopt;
  const bool container = value.is_object() || value.is_array();
  if (!container) {
    append_json(out, value);
  } else if (!serialize_within(out, value, limit)) {
    return std::nullopt;
  }
  if (out.size() > limit) return std::nullopt;
  return out;
}

std::string json_text(const json::object& object) {
  std::string out;
  out.reserve(240);
  append_json(out, object);
  return out;
}

namespace {

// `,"name":` (or `"name":` first) put together on the stack, so that a member costs one append:
// a short name (settled's own, never escaped) fits; a longer one returns 0 for the caller to
// append piece by piece.
constexpr std::size_t kMemberBuffer = 64;
std::size_t member_prefix(char* buffer, bool first, std::string_view name) {
  return quoted_on_stack(buffer, kMemberBuffer, first ? '\0' : ',', name, ':');
}

}  // namespace

std::string& JsonObjectWriter::member(std::string_view name) {
  char buffer[kMemberBuffer];
  if (const std::size_t size = member_prefix(buffer, first_, name)) {
    out_.append(buffer, size);
  } else {
    if (!first_) out_ += ',';
    out_ += '"';
    out_ += name;
    out_ += "\":";
  }
  first_ = false;
  return out_;
}

JsonObjectWriter& JsonObjectWriter::text(std::string_view name, std::string_view value) {
  append_json_string(member(name), value);
  return *this;
}

JsonObjectWriter& JsonObjectWriter::number(std::string_view name, std::int64_t value) {
  // The member and its digits in one append (20 digits and a sign at most).
  char buffer[kMemberBuffer + 24];
  const std::size_t size = member_prefix(buffer, first_, name);
  if (size == 0) {
    append_json_number(member(name), value);
    return *this;
  }
  first_ = false;
  const auto written = std::to_chars(buffer + size, buffer + sizeof buffer, value);
  out_.append(buffer, written.ptr);
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

}  // namespace settled
