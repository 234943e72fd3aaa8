#include "domain/asl/intrinsic_functions.hpp"

#include "domain/asl/intrinsic_values.hpp"
#include "domain/json_limits.hpp"
#include "domain/utf8.hpp"

#include <openssl/evp.h>
#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <functional>
#include <iterator>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace settled::asl::intrinsic {

namespace json = boost::json;

namespace {

// Step Functions caps the text given to Base64Encode/Base64Decode/Hash at 10,000 characters.
constexpr std::size_t kMaxTextChars = 10'000;
// ... and the array States.ArrayRange may build at 1000 items.
constexpr std::uint64_t kMaxRangeItems = 1000;

Error failure(std::string message) {
  return Error{ErrorCode::kIntrinsicFailure, std::move(message)};
}

std::optional<std::string> expect(bool ok, const char* what, const json::value& value) {
  if (ok) return std::nullopt;
  return std::string("must be ") + what + ", got " + describe_kind(value);
}

// ---------------------------------------------------------------------------------------------
// Equality-consistent hashing for States.ArrayUnique (json::value == treats int64 1 and uint64 1
// as equal and compares objects regardless of key order, so the hash must too).

std::size_t mix(std::size_t seed, std::size_t h) {
  return seed ^ (h + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2));
}

std::size_t hash_value(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      return 0x6e756c6cU;
    case json::kind::bool_:
      return v.get_bool() ? 0x74727565U : 0x66616c73U;
    case json::kind::int64:
      if (v.get_int64() >= 0) return std::hash<std::uint64_t>{}(v.get_int64());
      return std::hash<std::int64_t>{}(v.get_int64());
    case json::kind::uint64:
      return std::hash<std::uint64_t>{}(v.get_uint64());
    case json::kind::double_:
      return std::hash<double>{}(v.get_double() == 0 ? 0.0 : v.get_double());
    case json::kind::string:
      return std::hash<std::string_view>{}(std::string_view(v.get_string()));
    case json::kind::array: {
      std::size_t h = 0x5b5d;
      for (const auto& item : v.get_array()) h = mix(h, hash_value(item));
      return h;
    }
    case json::kind::object: {
      std::size_t sum = 0x7b7d;  // a sum does not depend on the key order
      for (const auto& [key, member] : v.get_object())
        sum += mix(std::hash<std::string_view>{}(std::string_view(key)), hash_value(member));
      return sum;
    }
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// java.util.Random: a seeded States.MathRandom returns the same number for the same seed, and
// Step Functions runs on the JVM, so the seeded sequence is Java's.

class JavaRandom final : public RandomSource {
 public:
  explicit JavaRandom(std::int64_t seed)
      : seed_((static_cast<std::uint64_t>(seed) ^ kMultiplier) & kMask) {}

  std::uint64_t next_u64() override {  // nextLong()
    const auto high = static_cast<std::uint64_t>(static_cast<std::int64_t>(next(32)));
    const auto low = static_cast<std::uint64_t>(static_cast<std::int64_t>(next(32)));
    return (high << 32) + low;
  }

  // nextInt(bound) for bounds that fit an int; wider ranges fall back to rejection sampling.
  std::uint64_t below(std::uint64_t bound) {
    if (bound > static_cast<std::uint64_t>(std::numeric_limits<std::int32_t>::max()))
      return uniform_below(*this, bound);
    const auto b = static_cast<std::int64_t>(bound);
    std::int64_t r = next(31);
    const std::int64_t m = b - 1;
    if ((b & m) == 0) return static_cast<std::uint64_t>((b * r) >> 31);
    // Java's loop rejects draws for which its int arithmetic u - r + m overflows.
    std::int64_t u = r;
    r = u % b;
    while (u - r + m > std::numeric_limits<std::int32_t>::max()) {
      u = next(31);
      r = u % b;
    }
    return static_cast<std::uint64_t>(r);
  }

 private:
  static constexpr std::uint64_t kMultiplier = 0x5DEECE66DULL;
  static constexpr std::uint64_t kMask = (1ULL << 48) - 1;

  std::int32_t next(int bits) {
    seed_ = (seed_ * kMultiplier + 0xBULL) & kMask;
    return static_cast<std::int32_t>(static_cast<std::uint32_t>(seed_ >> (48 - bits)));
  }

  std::uint64_t seed_;
};

// ---------------------------------------------------------------------------------------------
// Argument checks

std::optional<std::string> check_format(std::size_t index, const json::value& v) {
  if (index == 0) return expect(v.is_string(), "a string (the template)", v);
  return std::nullopt;
}
std::optional<std::string> check_string(std::size_t, const json::value& v) {
  return expect(v.is_string(), "a string", v);
}
std::optional<std::string> check_any(std::size_t, const json::value&) {
  return std::nullopt;
}
std::optional<std::string> check_numbers(std::size_t, const json::value& v) {
  return expect(v.is_number(), "a number", v);
}
std::optional<std::string> check_array_then_number(std::size_t index, const json::value& v) {
  if (index == 0) return expect(v.is_array(), "an array", v);
  return expect(v.is_number(), "a number", v);
}
std::optional<std::string> check_array_then_any(std::size_t index, const json::value& v) {
  if (index == 0) return expect(v.is_array(), "an array", v);
  return std::nullopt;
}
std::optional<std::string> check_array(std::size_t, const json::value& v) {
  return expect(v.is_array(), "an array", v);
}
std::optional<std::string> check_text(std::size_t, const json::value& v) {
  if (!v.is_string()) return expect(false, "a string", v);
  if (utf16_length(v.get_string()) > kMaxTextChars)
    return "must be at most " + std::to_string(kMaxTextChars) + " characters long";
  return std::nullopt;
}
std::optional<std::string> check_hash(std::size_t index, const json::value& v) {
  if (index == 0) return check_text(index, v);
  if (!v.is_string()) return expect(false, "a string (the algorithm)", v);
  if (!hash_algorithm(v.get_string()))
    return "must be one of MD5, SHA-1, SHA-256, SHA-384, SHA-512, got " + json::serialize(v);
  return std::nullopt;
}
std::optional<std::string> check_json_merge(std::size_t index, const json::value& v) {
  if (index < 2) return expect(v.is_object(), "an object", v);
  if (!v.is_bool()) return expect(false, "a boolean (the deep-merge flag)", v);
  if (v.get_bool())
    return std::string(
        "must be false: Step Functions only supports shallow merging (deep merge is not "
        "supported)");
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// The functions

std::vector<std::string> split_placeholders(std::string_view text) {
  std::vector<std::string> segments(1);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '{' && i + 1 < text.size() && text[i + 1] == '}') {
      segments.emplace_back();
      ++i;
    } else {
      segments.back() += text[i];
    }
  }
  return segments;
}

Result<json::value> run_format(const Invocation& call) {
  std::vector<std::string> from_value;
  const std::vector<std::string>* segments = call.literal_template;
  if (!segments) {
    from_value = split_placeholders(call.args[0].get_string());
    segments = &from_value;
  }
  const std::size_t placeholders = segments->size() - 1;
  const std::size_t values = call.args.size() - 1;
  if (placeholders != values)
    return failure("the template has " + std::to_string(placeholders) +
                   " placeholder(s) '{}' but " + std::to_string(values) + " value(s) follow it");
  std::string out = (*segments)[0];
  for (std::size_t i = 0; i < values; ++i) {
    write_format_text(out, call.args[i + 1]);
    out += (*segments)[i + 1];
  }
  return json::value(json::string(out));
}

// Step Functions (recorded on AWS in LocalStack's snapshot tests): an empty or blank string gives
// null; any JSON text, a scalar included ("1", "true", "\"x\"", "null"), gives its value;
// blanks around it are allowed.
Result<json::value> run_string_to_json(const Invocation& call) {
  const json::string& text = call.args[0].get_string();
  if (std::all_of(text.begin(), text.end(),
                  [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }))
    return json::value(nullptr);
  // A number it could not keep exactly (1e400, an integer beyond 64 bits) fails the state.
  auto parsed = parse_json_exactly(text, "the string");
  if (!parsed) return failure(parsed.error().message);
  return std::move(*parsed);
}

Result<json::value> run_json_to_string(const Invocation& call) {
  std::string out;
  write_json(out, call.args[0]);
  return json::value(json::string(out));
}

Result<json::value> run_array(const Invocation& call) {
  return json::value(json::array(call.args.begin(), call.args.end()));
}

Result<json::value> run_array_partition(const Invocation& call) {
  const json::array& items = call.args[0].get_array();
  const auto size = rounded_integer(call.args[1]);
  if (!size || *size <= 0)
    return failure("the chunk size must be a positive integer, got " + number_text(call.args[1]));
  json::array chunks;
  const auto chunk = static_cast<std::uint64_t>(*size);
  for (std::size_t i = 0; i < items.size();) {
    const std::size_t n =
        static_cast<std::size_t>(std::min<std::uint64_t>(chunk, items.size() - i));
    const auto begin = items.begin() + static_cast<std::ptrdiff_t>(i);
    chunks.emplace_back(json::array(begin, begin + static_cast<std::ptrdiff_t>(n)));
    i += n;
  }
  return json::value(std::move(chunks));
}

Result<json::value> run_array_contains(const Invocation& call) {
  const json::array& items = call.args[0].get_array();
  return json::value(std::find(items.begin(), items.end(), call.args[1]) != items.end());
}

Result<json::value> run_array_range(const Invocation& call) {
  std::array<std::int64_t, 3> n{};
  static constexpr const char* kNames[] = {"first", "last", "step"};
  for (std::size_t i = 0; i < 3; ++i) {
    const auto v = rounded_integer(call.args[i]);
    if (!v)
      return failure(std::string("the ") + kNames[i] + " value " + number_text(call.args[i]) +
                     " is not a 64-bit integer");
    n[i] = *v;
  }
  const auto [first, last, step] = n;
  if (step == 0) return failure("the step must not be 0");
  json::array out;
  if ((step > 0 && first > last) || (step < 0 && first < last)) return json::value(out);
  // Counted in unsigned arithmetic: last - first may not fit an int64.
  const std::uint64_t span =
      step > 0 ? static_cast<std::uint64_t>(last) - static_cast<std::uint64_t>(first)
               : static_cast<std::uint64_t>(first) - static_cast<std::uint64_t>(last);
  const std::uint64_t stride =
      step > 0 ? static_cast<std::uint64_t>(step) : 0 - static_cast<std::uint64_t>(step);
  if (span / stride >= kMaxRangeItems)
    return failure("the range would have more than " + std::to_string(kMaxRangeItems) + " items");
  const std::uint64_t count = span / stride + 1;
  for (std::uint64_t i = 0; i < count; ++i)
    out.emplace_back(static_cast<std::int64_t>(static_cast<std::uint64_t>(first) +
                                               i * static_cast<std::uint64_t>(step)));
  return json::value(std::move(out));
}

Result<json::value> run_array_get_item(const Invocation& call) {
  const json::array& items = call.args[0].get_array();
  const json::value& index = call.args[1];
  if (index.is_double() && std::floor(index.get_double()) != index.get_double())
    return failure("the index must be an integer, got " + number_text(index));
  const auto i = rounded_integer(index);
  if (!i || *i < 0 || static_cast<std::uint64_t>(*i) >= items.size())
    return failure("the index " + number_text(index) + " is out of range for an array of " +
                   std::to_string(items.size()) + " item(s)");
  return items[static_cast<std::size_t>(*i)];
}

Result<json::value> run_array_length(const Invocation& call) {
  return json::value(static_cast<std::int64_t>(call.args[0].get_array().size()));
}

Result<json::value> run_array_unique(const Invocation& call) {
  json::array out;
  std::unordered_multimap<std::size_t, std::size_t> seen;  // hash -> position in out
  for (const auto& item : call.args[0].get_array()) {
    const std::size_t h = hash_value(item);
    const auto [begin, end] = seen.equal_range(h);
    const bool duplicate =
        std::any_of(begin, end, [&](const auto& entry) { return out[entry.second] == item; });
    if (duplicate) continue;
    seen.emplace(h, out.size());
    out.push_back(item);
  }
  return json::value(std::move(out));
}

Result<json::value> run_base64_encode(const Invocation& call) {
  return json::value(json::string(base64_encode(call.args[0].get_string())));
}

Result<json::value> run_base64_decode(const Invocation& call) {
  auto decoded = base64_decode(call.args[0].get_string());
  if (!decoded) return failure("the string is not valid Base64");
  // A JSON string must hold text; arbitrary bytes would make the output invalid JSON.
  if (!valid_utf8(*decoded)) return failure("the decoded data is not UTF-8 text");
  return json::value(json::string(*decoded));
}

Result<json::value> run_hash(const Invocation& call) {
  const json::string& data = call.args[0].get_string();
  const EVP_MD* md = hash_algorithm(call.args[1].get_string());
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &size, md, nullptr) != 1)
    return failure("OpenSSL could not compute the digest");
  return json::value(json::string(hex(digest, size)));
}

Result<json::value> run_json_merge(const Invocation& call) {
  json::object merged = call.args[0].get_object();
  // Shallow: a key of the second object replaces the first object's value whole.
  for (const auto& [key, value] : call.args[1].get_object()) merged[key] = value;
  return json::value(std::move(merged));
}

Result<json::value> run_math_random(const Invocation& call) {
  const auto start = rounded_integer(call.args[0]);
  const auto end = rounded_integer(call.args[1]);
  if (!start || !end)
    return failure("start and end must be 64-bit integers, got " + number_text(call.args[0]) +
                   " and " + number_text(call.args[1]));
  // The end is exclusive, so the range must hold at least one number.
  if (*end <= *start)
    return failure("the end (" + std::to_string(*end) + ") must be greater than the start (" +
                   std::to_string(*start) + ")");
  const std::uint64_t range = static_cast<std::uint64_t>(*end) - static_cast<std::uint64_t>(*start);
  std::uint64_t offset = 0;
  if (call.args.size() == 3) {
    const auto seed = rounded_integer(call.args[2]);
    if (!seed)
      return failure("the seed must be a 64-bit integer, got " + number_text(call.args[2]));
    JavaRandom seeded(*seed);
    offset = seeded.below(range);
  } else {
    offset = uniform_below(call.random, range);
  }
  return json::value(static_cast<std::int64_t>(static_cast<std::uint64_t>(*start) + offset));
}

Result<json::value> run_math_add(const Invocation& call) {
  std::int64_t sum = 0;
  for (const auto& arg : call.args) {
    const auto v = rounded_integer(arg);
    // Step Functions documents the int range for MathAdd's arguments.
    if (!v || *v < std::numeric_limits<std::int32_t>::min() ||
        *v > std::numeric_limits<std::int32_t>::max())
      return failure("the value " + number_text(arg) +
                     " is outside the integer range -2147483648..2147483647");
    sum += *v;
  }
  return json::value(sum);
}

Result<json::value> run_string_split(const Invocation& call) {
  const std::string_view text = call.args[0].get_string();
  const std::string_view delimiters = call.args[1].get_string();
  // Every character of the second argument is a delimiter; empty pieces are dropped (Java's
  // StringTokenizer, which Step Functions follows: "a,,b" split at "," is ["a", "b"]).
  // A set, not a list: looking each character of the text up in a list of every delimiter
  // character took text x delimiters steps (8 s for two 60,000-character strings).
  std::unordered_set<std::string_view> delimiter_chars;
  for (std::size_t i = 0; i < delimiters.size();) {
    const std::size_t len = utf8_sequence_length(static_cast<unsigned char>(delimiters[i]));
    delimiter_chars.insert(delimiters.substr(i, len));
    i += len;
  }
  json::array out;
  std::string piece;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t len = utf8_sequence_length(static_cast<unsigned char>(text[i]));
    const std::string_view ch = text.substr(i, len);
    if (delimiter_chars.count(ch) != 0) {
      if (!piece.empty()) out.emplace_back(json::string(piece));
      piece.clear();
    } else {
      piece.append(ch.data(), ch.size());
    }
    i += len;
  }
  if (!piece.empty()) out.emplace_back(json::string(piece));
  return json::value(std::move(out));
}

Result<json::value> run_uuid(const Invocation& call) {
  std::array<unsigned char, 16> bytes{};
  for (std::size_t half = 0; half < 2; ++half) {
    const std::uint64_t bits = call.random.next_u64();
    for (std::size_t i = 0; i < 8; ++i)
      bytes[half * 8 + i] = static_cast<unsigned char>(bits >> (56 - 8 * i));
  }
  bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0F) | 0x40);  // version 4
  bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3F) | 0x80);  // RFC 4122 variant
  const std::string h = hex(bytes.data(), bytes.size());
  return json::value(json::string(h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) +
                                  "-" + h.substr(16, 4) + "-" + h.substr(20)));
}

constexpr Function kFunctions[] = {
    {"States.Format", 1, kVariadic, check_format, run_format},
    {"States.StringToJson", 1, 1, check_string, run_string_to_json},
    {"States.JsonToString", 1, 1, check_any, run_json_to_string},
    {"States.Array", 0, kVariadic, check_any, run_array},
    {"States.ArrayPartition", 2, 2, check_array_then_number, run_array_partition},
    {"States.ArrayContains", 2, 2, check_array_then_any, run_array_contains},
    {"States.ArrayRange", 3, 3, check_numbers, run_array_range},
    {"States.ArrayGetItem", 2, 2, check_array_then_number, run_array_get_item},
    {"States.ArrayLength", 1, 1, check_array, run_array_length},
    {"States.ArrayUnique", 1, 1, check_array, run_array_unique},
    {"States.Base64Encode", 1, 1, check_text, run_base64_encode},
    {"States.Base64Decode", 1, 1, check_text, run_base64_decode},
    {"States.Hash", 2, 2, check_hash, run_hash},
    {"States.JsonMerge", 3, 3, check_json_merge, run_json_merge},
    {"States.MathRandom", 2, 3, check_numbers, run_math_random},
    {"States.MathAdd", 2, 2, check_numbers, run_math_add},
    {"States.StringSplit", 2, 2, check_string, run_string_split},
    {"States.UUID", 0, 0, check_any, run_uuid},
};

}  // namespace

const Function* find_function(std::string_view name) {
  for (const Function& f : kFunctions)
    if (f.name == name) return &f;
  return nullptr;
}

std::string describe_kind(const json::value& value) {
  switch (value.kind()) {
    case json::kind::object:
      return "an object";
    case json::kind::array:
      return "an array";
    case json::kind::string:
      return "a string";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      return "a number (" + number_text(value) + ")";
    case json::kind::bool_:
      return value.get_bool() ? "a boolean (true)" : "a boolean (false)";
    case json::kind::null:
      return "null";
  }
  return "a value";
}

}  // namespace settled::asl::intrinsic
