#include "domain/json_limits.hpp"

#include "domain/utf8.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value_stack.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace settled {

namespace json = boost::json;

namespace {

json::parse_options options_with_depth(std::size_t depth) {
  json::parse_options options;
  options.max_depth = depth;
  return options;
}

// Why settled cannot keep exactly the number whose JSON text is `text` and which Boost.JSON read
// as the double `d` (it reads as a double only what no int64 or uint64 holds), or "".
std::string number_problem(double d, std::string_view text) {
  if (text.find_first_of(".eE") == std::string_view::npos)
    return "an integer beyond 64 bits: settled keeps integers exactly from "
           "-9223372036854775808 to 18446744073709551615 and would have to round this one to a "
           "double, changing it; send it as a string";
  if (!std::isfinite(d))
    return "beyond the range of a JSON number (at most about 1.8e308 in magnitude)";
  return {};
}

std::string has_the_number(std::string_view what, std::string number, const std::string& why) {
  if (number.size() > 64) number = number.substr(0, 64) + "...";
  return std::string(what) + " has the number " + number + ", " + why;
}

// Builds the value like Boost.JSON's own parser handler (a value_stack), with three differences:
// - for request JSON (`strict`), it remembers the keys of each open object so a second use of
//   one is refused, naming it;
// - for request JSON and parse_json_exactly (`exact`), it refuses a number it cannot keep
//   exactly: beyond a double's range, or an integer beyond int64 and uint64;
// - a number with a fraction or exponent is read exactly (std::from_chars, correctly rounded):
//   Boost.JSON 1.81 reads some imprecisely (-9.227370972036855E21, which it writes for the
//   double nearest -9227370972036854775809, reads back one ulp away), so a double written and
//   read again would change. Found by the stored_text fuzzer.
class UniqueKeysHandler {
 public:
  static constexpr std::size_t max_object_size = json::object::max_size();
  static constexpr std::size_t max_array_size = json::array::max_size();
  static constexpr std::size_t max_key_size = json::string::max_size();
  static constexpr std::size_t max_string_size = json::string::max_size();

  json::value_stack stack;
  bool found_duplicate = false;  // the parse was stopped for `duplicate_key`
  std::string duplicate_key;
  // The parse was stopped for a number settled cannot keep exactly: 1e400 would be kept as
  // infinity, which JSON cannot write, so what was accepted could not be stored and read back;
  // 123456789012345678901234 would be rounded to a double, changing the client's data.
  bool found_inexact = false;
  std::string inexact_number;
  std::string inexact_why;

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }
  bool strict = true;  // request JSON (see above); false: stored JSON, read as it is
  bool exact = true;   // refuse numbers settled cannot keep exactly (see above)

  bool on_object_begin(json::error_code&) {
    if (!strict) return true;
    if (open_objects_ == keys_.size()) keys_.emplace_back();
    keys_[open_objects_++].clear();
    return true;
  }
  bool on_object_end(std::size_t n, json::error_code&) {
    if (strict) --open_objects_;
    stack.push_object(n);
    return true;
  }
  bool on_array_begin(json::error_code&) { return true; }
  bool on_array_end(std::size_t n, json::error_code&) {
    stack.push_array(n);
    return true;
  }
  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    if (strict) key_.append(s.data(), s.size());
    stack.push_chars(s);
    return true;
  }
  bool on_key(json::string_view s, std::size_t, json::error_code& ec) {
    if (!strict) {
      stack.push_key(s);
      return true;
    }
    key_.append(s.data(), s.size());
    if (!keys_[open_objects_ - 1].insert(key_).second) {
      found_duplicate = true;
      duplicate_key = std::move(key_);
      ec = json::error::syntax;
      return false;
    }
    key_.clear();
    stack.push_key(s);
    return true;
  }
  bool on_string_part(json::string_view s, std::size_t, json::error_code&) {
    stack.push_chars(s);
    return true;
  }
  bool on_string(json::string_view s, std::size_t, json::error_code&) {
    stack.push_string(s);
    return true;
  }
  bool on_number_part(json::string_view s, json::error_code&) {
    number_.append(s.data(), s.size());
    return true;
  }
  bool on_int64(std::int64_t i, json::string_view, json::error_code&) {
    number_.clear();
    stack.push_int64(i);
    return true;
  }
  bool on_uint64(std::uint64_t u, json::string_view, json::error_code&) {
    number_.clear();
    stack.push_uint64(u);
    return true;
  }
  bool on_double(double d, json::string_view s, json::error_code& ec) {
    number_.append(s.data(), s.size());
    // The text read exactly, before anything is decided on it: Boost.JSON 1.81 reads a zero
    // with a large exponent (-0e365) as NaN. from_chars leaves `d` as Boost read it only where
    // it cannot (beyond a double's range: Boost reads infinity; an underflow: zero).
    std::from_chars(number_.data(), number_.data() + number_.size(), d);
    if (exact) {
      if (std::string why = number_problem(d, number_); !why.empty()) {
        found_inexact = true;
        inexact_number = std::move(number_);
        inexact_why = std::move(why);
        ec = json::error::syntax;
        return false;
      }
    }
    number_.clear();
    stack.push_double(d);
    return true;
  }
  bool on_bool(bool b, json::error_code&) {
    stack.push_bool(b);
    return true;
  }
  bool on_null(json::error_code&) {
    stack.push_null();
    return true;
  }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

 private:
  std::vector<std::unordered_set<std::string>> keys_;  // one set per open object, reused
  std::size_t open_objects_ = 0;
  std::string key_;     // the key being read, across parts
  std::string number_;  // the number being read, across parts
};

using Parser = json::basic_parser<UniqueKeysHandler>;

// Reads all of `text` as one document; the error, or none (the value is then on the stack).
json::error_code read_whole(Parser& parser, std::string_view text) {
  parser.handler().stack.reset();
  json::error_code ec;
  const std::size_t used = parser.write_some(false, text.data(), text.size(), ec);
  if (!ec && used < text.size()) ec = json::error::extra_data;
  if (!ec && !parser.done()) ec = json::error::incomplete;
  return ec;
}

}  // namespace

Result<json::value> parse_request_json(std::string_view text, std::string_view what) {
  Parser parser(options_with_depth(kRequestJsonMaxDepth));
  const json::error_code ec = read_whole(parser, text);
  const std::string subject(what);
  if (parser.handler().found_duplicate) {
    return Error{ErrorCode::kInvalidJson, subject + " has the key \"" +
                                              cut_for_display(parser.handler().duplicate_key) +
                                              "\" twice in one object; each key may appear once"};
  }
  if (parser.handler().found_inexact) {
    return Error{ErrorCode::kInvalidJson, has_the_number(subject, parser.handler().inexact_number,
                                                         parser.handler().inexact_why)};
  }
  if (ec == json::error::too_deep) {
    return Error{ErrorCode::kInvalidJson,
                 subject + " nests objects and arrays deeper than the limit of " +
                     std::to_string(kRequestJsonMaxDepth) + " levels"};
  }
  if (ec) return Error{ErrorCode::kInvalidJson, subject + " is not valid JSON: " + ec.message()};
  return parser.handler().stack.release();
}

Result<json::value> parse_json_exactly(std::string_view text, std::string_view what) {
  // json::parse's own depth limit and its reading of a repeated key (the last one stands).
  Parser parser(json::parse_options{});
  parser.handler().strict = false;
  const json::error_code ec = read_whole(parser, text);
  if (parser.handler().found_inexact)
    return Error{ErrorCode::kInvalidJson, has_the_number(what, parser.handler().inexact_number,
                                                         parser.handler().inexact_why)};
  if (ec)
    return Error{ErrorCode::kInvalidJson,
                 std::string(what) + " is not valid JSON (" + ec.message() + ")"};
  return parser.handler().stack.release();
}

std::string inexact_number_problem(const json::value& number, std::string_view text) {
  return number.is_double() ? number_problem(number.get_double(), text) : std::string();
}

std::optional<std::int64_t> exact_int64(const json::value& value) {
  if (value.is_int64()) return value.get_int64();
  if (value.is_uint64() &&
      value.get_uint64() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
    return static_cast<std::int64_t>(value.get_uint64());
  return std::nullopt;
}

bool holds_non_finite_number(const json::value& value) {
  // Iterative: a value may nest as deep as stored JSON does.
  std::vector<const json::value*> pending{&value};
  while (!pending.empty()) {
    const json::value* v = pending.back();
    pending.pop_back();
    if (v->is_double()) {
      if (!std::isfinite(v->get_double())) return true;
    } else if (const json::array* array = v->if_array()) {
      for (const json::value& element : *array) pending.push_back(&element);
    } else if (const json::object* object = v->if_object()) {
      for (const auto& member : *object) pending.push_back(&member.value());
    }
  }
  return false;
}

json::value parse_stored_json(std::string_view text) {
  boost::system::error_code ec;
  json::value value = parse_stored_json(text, ec);
  if (ec) throw boost::system::system_error(ec);
  return value;
}

json::value parse_stored_json(std::string_view text, boost::system::error_code& ec) {
  // As json::parse, with the exact reading of numbers (the handler above) and no key check:
  // what settled stored is read as it was written.
  Parser parser(options_with_depth(kStoredJsonMaxDepth));
  parser.handler().strict = false;
  parser.handler().exact = false;
  ec = read_whole(parser, text);
  if (ec) return nullptr;
  return parser.handler().stack.release();
}

Result<json::value> parse_stored_json(std::string_view text, std::string_view what) {
  boost::system::error_code ec;
  // parse(…, ec) reports syntax errors and the depth limit through ec; it throws only on
  // allocation failure, which is caught too so that no stored byte can unwind an actor.
  try {
    json::value value = parse_stored_json(text, ec);
    if (!ec) return value;
  } catch (const std::exception& e) {
    return Error{ErrorCode::kRecordCorrupt, std::string(what) + " cannot be read: " + e.what()};
  }
  return Error{ErrorCode::kRecordCorrupt, std::string(what) + " cannot be read: " + ec.message()};
}

bool text_nests_deeper_than(std::string_view json_text, std::size_t depth) {
  const auto opening =
      static_cast<std::size_t>(std::count(json_text.begin(), json_text.end(), '[') +
                               std::count(json_text.begin(), json_text.end(), '{'));
  if (opening <= depth) return false;
  std::size_t level = 0;
  for (std::size_t i = 0; i < json_text.size(); ++i) {
    const char c = json_text[i];
    if (c == '"') {  // a string's brackets are text
      for (++i; i < json_text.size() && json_text[i] != '"'; ++i)
        if (json_text[i] == '\\') ++i;
    } else if (c == '[' || c == '{') {
      if (++level > depth) return true;
    } else if ((c == ']' || c == '}') && level > 0) {
      --level;
    }
  }
  return false;
}

bool nests_deeper_than(const boost::json::value& value, std::size_t depth) {
  if (!value.is_structured()) return false;
  if (depth == 0) return true;
  if (const auto* object = value.if_object()) {
    for (const auto& member : *object)
      if (nests_deeper_than(member.value(), depth - 1)) return true;
  } else {
    for (const auto& element : value.get_array())
      if (nests_deeper_than(element, depth - 1)) return true;
  }
  return false;
}

}  // namespace settled
