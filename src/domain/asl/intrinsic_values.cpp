#include "domain/asl/intrinsic_values.hpp"
#include "domain/digest.hpp"

#include <boost/algorithm/hex.hpp>
#include <boost/json.hpp>

#include <charconv>
#include <cmath>
#include <iterator>

namespace settled::asl::intrinsic {

// ---------------------------------------------------------------------------------------------
// Numbers

// Java's Math.round (Step Functions runs on the JVM): halves go up, so -2.5 -> -2. floor() and
// the subtraction are exact, so 0.49999999999999994 stays 0 (floor(x + 0.5) would give 1).
double java_round(double x) {
  const double f = std::floor(x);
  return x - f >= 0.5 ? f + 1 : f;
}

// An integer argument. Step Functions rounds a fraction to the nearest integer ("If you specify a
// non-integer value ... Step Functions will round it off"). Nullopt outside the int64 range.
std::optional<std::int64_t> rounded_integer(const json::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64()) {
    if (v.get_uint64() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      return std::nullopt;
    return static_cast<std::int64_t>(v.get_uint64());
  }
  if (!v.is_double()) return std::nullopt;
  const double r = java_round(v.get_double());
  // 2^63 is exactly representable; anything at or beyond it does not fit.
  if (!(r >= -9223372036854775808.0 && r < 9223372036854775808.0)) return std::nullopt;
  return static_cast<std::int64_t>(r);
}

// A double as Java's Double.toString writes it (what Step Functions shows): "1.5", "2.0",
// "1.0E7", "1.0E-4" -- the shortest digits that read back to the same double.
std::string java_double_text(double d) {
  if (d == 0) return std::signbit(d) ? "-0.0" : "0.0";
  // Boost.JSON reads a literal like 1e400 as infinity; to_chars would write "inf" (no exponent).
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  char buf[64];
  const double a = std::fabs(d);
  if (a >= 1e-3 && a < 1e7) {
    const auto res = std::to_chars(buf, buf + sizeof(buf), d, std::chars_format::fixed);
    std::string text(buf, res.ptr);
    if (text.find('.') == std::string::npos) text += ".0";
    return text;
  }
  const auto res = std::to_chars(buf, buf + sizeof(buf), d, std::chars_format::scientific);
  const std::string text(buf, res.ptr);  // "1.5e+21", "1e-05"
  const auto e = text.find('e');
  std::string mantissa = text.substr(0, e);
  if (mantissa.find('.') == std::string::npos) mantissa += ".0";
  const int exponent = std::stoi(text.substr(e + 1));
  return mantissa + "E" + std::to_string(exponent);
}

std::string number_text(const json::value& v) {
  if (v.is_int64()) return std::to_string(v.get_int64());
  if (v.is_uint64()) return std::to_string(v.get_uint64());
  return java_double_text(v.get_double());
}

// ---------------------------------------------------------------------------------------------
// Text forms of values

// Compact JSON, numbers written as Step Functions writes them (Boost would write 1.5 as "1.5E0").
void write_json(std::string& out, const json::value& v) {
  switch (v.kind()) {
    case json::kind::object: {
      out += '{';
      bool first = true;
      for (const auto& [key, member] : v.get_object()) {
        if (!first) out += ',';
        first = false;
        out += json::serialize(key);
        out += ':';
        write_json(out, member);
      }
      out += '}';
      return;
    }
    case json::kind::array: {
      out += '[';
      bool first = true;
      for (const auto& item : v.get_array()) {
        if (!first) out += ',';
        first = false;
        write_json(out, item);
      }
      out += ']';
      return;
    }
    case json::kind::string:
      out += json::serialize(v.get_string());
      return;
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      out += number_text(v);
      return;
    case json::kind::bool_:
      out += v.get_bool() ? "true" : "false";
      return;
    case json::kind::null:
      out += "null";
      return;
  }
}

// A value as States.Format inserts it: strings as they are, other scalars as JSON, and arrays and
// objects the way Java prints its collections ("[a, 1]", "{k=v, n=1}"), as Step Functions does.
void write_format_text(std::string& out, const json::value& v) {
  switch (v.kind()) {
    case json::kind::string:
      out.append(v.get_string().data(), v.get_string().size());
      return;
    case json::kind::array: {
      out += '[';
      bool first = true;
      for (const auto& item : v.get_array()) {
        if (!first) out += ", ";
        first = false;
        write_format_text(out, item);
      }
      out += ']';
      return;
    }
    case json::kind::object: {
      out += '{';
      bool first = true;
      for (const auto& [key, member] : v.get_object()) {
        if (!first) out += ", ";
        first = false;
        out.append(key.data(), key.size());
        out += '=';
        write_format_text(out, member);
      }
      out += '}';
      return;
    }
    default:
      write_json(out, v);
      return;
  }
}

// ---------------------------------------------------------------------------------------------
// Text

std::size_t utf8_sequence_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead >> 5) == 0x6) return 2;
  if ((lead >> 4) == 0xE) return 3;
  return 4;
}

// Characters as the JVM counts them (UTF-16 code units), for the 10,000-character limits.
// JSON strings are valid UTF-8 already.
std::size_t utf16_length(std::string_view s) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t len = utf8_sequence_length(static_cast<unsigned char>(s[i]));
    n += len == 4 ? 2 : 1;
    i += len;
  }
  return n;
}

constexpr char kBase64Alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const std::uint32_t n = (static_cast<unsigned char>(bytes[i]) << 16) |
                            (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                            static_cast<unsigned char>(bytes[i + 2]);
    out += kBase64Alphabet[(n >> 18) & 63];
    out += kBase64Alphabet[(n >> 12) & 63];
    out += kBase64Alphabet[(n >> 6) & 63];
    out += kBase64Alphabet[n & 63];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    std::uint32_t n = static_cast<unsigned char>(bytes[i]) << 16;
    if (rest == 2) n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kBase64Alphabet[(n >> 18) & 63];
    out += kBase64Alphabet[(n >> 12) & 63];
    out += rest == 2 ? kBase64Alphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// MIME Base64: line breaks and spaces are skipped; padding may be left out but, when present,
// must complete the last group.
std::optional<std::string> base64_decode(std::string_view text) {
  std::string data;
  std::size_t padding = 0;
  for (const char c : text) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    if (c == '=') {
      ++padding;
      continue;
    }
    if (padding > 0) return std::nullopt;  // data after padding
    data += c;
  }
  if (padding > 2 || (padding > 0 && (data.size() + padding) % 4 != 0) || data.size() % 4 == 1)
    return std::nullopt;
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (const char c : data) {
    const char* at = std::find(kBase64Alphabet, kBase64Alphabet + 64, c);
    if (at == kBase64Alphabet + 64) return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(at - kBase64Alphabet);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return out;
}

std::string hex(const unsigned char* bytes, std::size_t size) {
  std::string out;
  boost::algorithm::hex_lower(bytes, bytes + size, std::back_inserter(out));
  return out;
}

const EVP_MD* hash_algorithm(std::string_view name) {
  if (name == "MD5") return digest_method(DigestAlgorithm::kMd5);
  if (name == "SHA-1") return digest_method(DigestAlgorithm::kSha1);
  if (name == "SHA-256") return digest_method(DigestAlgorithm::kSha256);
  if (name == "SHA-384") return digest_method(DigestAlgorithm::kSha384);
  if (name == "SHA-512") return digest_method(DigestAlgorithm::kSha512);
  return nullptr;
}

}  // namespace settled::asl::intrinsic
