#include "domain/json_path.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace settled::jsonpath {

namespace json = boost::json;

namespace detail {

// One step of a path inside a filter ("@.a[0]['b c']"): filters only need definite steps.
struct FilterStep {
  bool is_index = false;
  std::string name;
  std::int64_t index = 0;
};

struct Operand {
  enum class Kind { kCurrent, kRoot, kLiteral };
  Kind kind = Kind::kLiteral;
  std::vector<FilterStep> steps;
  json::value literal;
};

enum class CompareOp { kEq, kNe, kLt, kLe, kGt, kGe };

struct FilterExpr {
  enum class Kind { kOr, kAnd, kNot, kExists, kCompare };
  Kind kind = Kind::kExists;
  std::vector<FilterExpr> children;  // kOr, kAnd (two or more), kNot (one)
  Operand lhs;                       // kExists, kCompare
  Operand rhs;                       // kCompare
  CompareOp op = CompareOp::kEq;
};

enum class SelectorKind { kName, kIndex, kWildcard, kSlice, kNames, kIndexes, kFilter };

struct Selector {
  SelectorKind kind = SelectorKind::kName;
  std::vector<std::string> names;     // kName (exactly one), kNames
  std::vector<std::int64_t> indexes;  // kIndex (exactly one), kIndexes
  std::optional<std::int64_t> start;  // kSlice
  std::optional<std::int64_t> end;    // kSlice
  std::int64_t step = 1;              // kSlice
  FilterExpr filter;                  // kFilter
};

struct Segment {
  bool descendant = false;  // "..": apply the selector at every depth
  Selector selector;
  std::size_t end = 0;  // offset in the text just past this segment, to name prefixes in errors
};

struct Compiled {
  std::string text;
  bool context = false;
  std::vector<Segment> segments;
  bool reference = true;
  bool definite = true;
};

}  // namespace detail

namespace {

using detail::CompareOp;
using detail::Compiled;
using detail::FilterExpr;
using detail::FilterStep;
using detail::Operand;
using detail::Segment;
using detail::Selector;
using detail::SelectorKind;

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// The path as quoted in errors: a hostile path can be megabytes long, so only its start.
std::string quoted_excerpt(std::string_view text) {
  constexpr std::size_t kShown = 64;
  if (text.size() <= kShown) return "'" + std::string(text) + "'";
  return "'" + std::string(text.substr(0, kShown)) + "...' (" + std::to_string(text.size()) +
         " bytes)";
}

// Recursive-descent compiler. Parse functions return false after recording the first error, so
// the error names the position where the path stopped making sense.
class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Result<Compiled> parse() {
    if (text_.size() > kMaxPathLength) {
      return Error(ErrorCode::kInvalidDefinition, "invalid JSONPath " + quoted_excerpt(text_) +
                                                      ": longer than the limit of " +
                                                      std::to_string(kMaxPathLength) + " bytes");
    }
    Compiled out;
    out.text = std::string(text_);
    if (!parse_path(out)) return std::move(*error_);
    for (const Segment& seg : out.segments) {
      const SelectorKind kind = seg.selector.kind;
      const bool single = kind == SelectorKind::kName || kind == SelectorKind::kIndex;
      if (seg.descendant || !single) out.definite = false;
      if (seg.descendant || !single ||
          (kind == SelectorKind::kIndex && seg.selector.indexes.front() < 0)) {
        out.reference = false;
      }
    }
    return Result<Compiled>(std::move(out));
  }

 private:
  bool at_end() const { return pos_ >= text_.size(); }
  char peek(std::size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  void skip_spaces() {
    while (!at_end() && is_space(peek())) ++pos_;
  }

  bool fail(std::string_view what, std::size_t at) {
    if (!error_) {
      error_ = Error(ErrorCode::kInvalidDefinition, "invalid JSONPath " + quoted_excerpt(text_) +
                                                        ": " + std::string(what) + " at position " +
                                                        std::to_string(at));
    }
    return false;
  }

  // "unexpected character 'x'" or "unexpected end of path" at the current position.
  bool fail_unexpected() {
    if (at_end()) return fail("unexpected end of path", pos_);
    const unsigned char c = static_cast<unsigned char>(peek());
    if (c >= 0x20 && c < 0x7F)
      return fail(std::string("unexpected character '") + peek() + "'", pos_);
    static const char kHex[] = "0123456789abcdef";
    return fail(std::string("unexpected byte 0x") + kHex[c >> 4] + kHex[c & 0xF], pos_);
  }

  bool parse_path(Compiled& out) {
    if (text_.empty()) return fail("a path must start with '$', got an empty string", 0);
    if (peek() != '$') return fail("a path must start with '$'", 0);
    ++pos_;
    if (peek() == '$') {
      out.context = true;
      ++pos_;
    }
    while (!at_end()) {
      Segment seg;
      if (peek() == '.') {
        if (peek(1) == '.') {
          seg.descendant = true;
          pos_ += 2;
          if (peek() == '[') {
            if (!parse_bracket(seg.selector)) return false;
          } else if (peek() == '*') {
            seg.selector.kind = SelectorKind::kWildcard;
            ++pos_;
          } else if (!parse_dot_name(seg.selector)) {
            return false;
          }
        } else {
          ++pos_;
          if (peek() == '*') {
            seg.selector.kind = SelectorKind::kWildcard;
            ++pos_;
          } else if (!parse_dot_name(seg.selector)) {
            return false;
          }
        }
      } else if (peek() == '[') {
        if (!parse_bracket(seg.selector)) return false;
      } else {
        return fail_unexpected();
      }
      seg.end = pos_;
      out.segments.push_back(std::move(seg));
    }
    return true;
  }

  // Dot-notation names are permissive (unicode, '-', '$', ':' ...) up to the next '.' or '[', but
  // like Jayway refuse blanks and the characters that only make sense as syntax.
  bool parse_dot_name(Selector& sel) {
    const std::size_t start = pos_;
    while (!at_end() && peek() != '.' && peek() != '[') {
      const unsigned char c = static_cast<unsigned char>(peek());
      if (c < 0x20 || c == ' ') {
        return fail("blank in a name (use bracket notation like ['a b'] for such keys)", pos_);
      }
      if (c == ']' || c == '(' || c == ')' || c == '\'' || c == '"') return fail_unexpected();
      ++pos_;
    }
    if (pos_ == start) {
      return fail(at_end() ? "expected a name after '.'" : "expected a name or '*' after '.'",
                  pos_);
    }
    sel.kind = SelectorKind::kName;
    sel.names.emplace_back(text_.substr(start, pos_ - start));
    return true;
  }

  bool expect_close(std::size_t open) {
    skip_spaces();
    if (at_end()) return fail("unterminated bracket", open);
    if (peek() != ']') return fail_unexpected();
    ++pos_;
    return true;
  }

  bool parse_bracket(Selector& sel) {
    const std::size_t open = pos_;
    ++pos_;
    skip_spaces();
    if (at_end()) return fail("unterminated bracket", open);
    const char c = peek();
    if (c == '*') {
      ++pos_;
      sel.kind = SelectorKind::kWildcard;
      return expect_close(open);
    }
    if (c == '\'' || c == '"') {
      for (;;) {
        std::string name;
        if (!parse_quoted(name)) return false;
        sel.names.push_back(std::move(name));
        skip_spaces();
        if (peek() != ',') break;
        ++pos_;
        skip_spaces();
        if (peek() != '\'' && peek() != '"') {
          if (at_end()) return fail("unterminated bracket", open);
          return fail_unexpected();
        }
      }
      sel.kind = sel.names.size() == 1 ? SelectorKind::kName : SelectorKind::kNames;
      return expect_close(open);
    }
    if (c == '?') {
      ++pos_;
      skip_spaces();
      if (peek() != '(') {
        if (at_end()) return fail("unterminated bracket", open);
        return fail("expected '(' after '?'", pos_);
      }
      const std::size_t paren = pos_;
      ++pos_;
      if (!parse_or(sel.filter)) return false;
      skip_spaces();
      if (at_end()) return fail("unterminated filter expression", paren);
      if (peek() != ')') return fail_unexpected();
      ++pos_;
      sel.kind = SelectorKind::kFilter;
      return expect_close(open);
    }
    if (is_digit(c) || c == '-' || c == ':') return parse_indexes(sel, open);
    return fail_unexpected();
  }

  // "[3]", "[-1]", "[0,2]", "[1:3]", "[:2]", "[-2:]", "[0:10:2]".
  bool parse_indexes(Selector& sel, std::size_t open) {
    std::optional<std::int64_t> first;
    if (peek() != ':') {
      std::int64_t v = 0;
      if (!parse_int(v)) return false;
      first = v;
    }
    skip_spaces();
    if (peek() == ':') {
      ++pos_;
      skip_spaces();
      sel.kind = SelectorKind::kSlice;
      sel.start = first;
      if (is_digit(peek()) || peek() == '-') {
        std::int64_t v = 0;
        if (!parse_int(v)) return false;
        sel.end = v;
        skip_spaces();
      }
      if (peek() == ':') {
        ++pos_;
        skip_spaces();
        if (is_digit(peek()) || peek() == '-') {
          const std::size_t step_at = pos_;
          if (!parse_int(sel.step)) return false;
          if (sel.step <= 0) return fail("slice step must be positive", step_at);
        }
      }
      return expect_close(open);
    }
    sel.indexes.push_back(*first);
    while (peek() == ',') {
      ++pos_;
      skip_spaces();
      if (at_end()) return fail("unterminated bracket", open);
      std::int64_t v = 0;
      if (!parse_int(v)) return false;
      sel.indexes.push_back(v);
      skip_spaces();
    }
    sel.kind = sel.indexes.size() == 1 ? SelectorKind::kIndex : SelectorKind::kIndexes;
    return expect_close(open);
  }

  bool parse_int(std::int64_t& out) {
    const std::size_t start = pos_;
    bool negative = false;
    if (peek() == '-') {
      negative = true;
      ++pos_;
    }
    if (!is_digit(peek())) {
      if (at_end()) return fail("unexpected end of path", pos_);
      return fail(std::string("expected a digit, got '") + peek() + "'", pos_);
    }
    std::int64_t v = 0;
    while (is_digit(peek())) {
      const int d = peek() - '0';
      if (v > (std::numeric_limits<std::int64_t>::max() - d) / 10) {
        return fail("index is too large", start);
      }
      v = v * 10 + d;
      ++pos_;
    }
    out = negative ? -v : v;
    return true;
  }

  bool parse_hex4(std::uint32_t& out) {
    out = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = peek();
      std::uint32_t d = 0;
      if (c >= '0' && c <= '9') {
        d = static_cast<std::uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        d = static_cast<std::uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        d = static_cast<std::uint32_t>(c - 'A' + 10);
      } else {
        return fail("expected four hex digits after '\\u'", pos_);
      }
      out = out * 16 + d;
      ++pos_;
    }
    return true;
  }

  // 'text' or "text", with JSON-style backslash escapes (plus \' for single-quoted strings).
  bool parse_quoted(std::string& out) {
    const char quote = peek();
    const std::size_t start = pos_;
    ++pos_;
    for (;;) {
      if (at_end()) return fail("unterminated string", start);
      const char c = peek();
      if (c == quote) {
        ++pos_;
        return true;
      }
      if (c != '\\') {
        out += c;
        ++pos_;
        continue;
      }
      const std::size_t escape_at = pos_;
      ++pos_;
      if (at_end()) return fail("unterminated string", start);
      const char e = peek();
      ++pos_;
      switch (e) {
        case '\'':
        case '"':
        case '\\':
        case '/':
          out += e;
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          std::uint32_t cp = 0;
          if (!parse_hex4(cp)) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            // A high surrogate must be followed by its low half to form one code point.
            std::uint32_t low = 0;
            if (peek() != '\\' || peek(1) != 'u') return fail("unpaired surrogate", escape_at);
            pos_ += 2;
            if (!parse_hex4(low)) return false;
            if (low < 0xDC00 || low > 0xDFFF) return fail("unpaired surrogate", escape_at);
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return fail("unpaired surrogate", escape_at);
          }
          append_utf8(out, cp);
          break;
        }
        default:
          return fail(std::string("invalid escape '\\") + e + "'", escape_at);
      }
    }
  }

  // Filter grammar: or := and ('||' and)*; and := unary ('&&' unary)*;
  // unary := '!' unary | '(' or ')' | operand [op operand].
  bool parse_or(FilterExpr& out) {
    FilterExpr first;
    if (!parse_and(first)) return false;
    skip_spaces();
    if (!(peek() == '|' && peek(1) == '|')) {
      out = std::move(first);
      return true;
    }
    out.kind = FilterExpr::Kind::kOr;
    out.children.push_back(std::move(first));
    while (peek() == '|' && peek(1) == '|') {
      pos_ += 2;
      FilterExpr next;
      if (!parse_and(next)) return false;
      out.children.push_back(std::move(next));
      skip_spaces();
    }
    return true;
  }

  bool parse_and(FilterExpr& out) {
    FilterExpr first;
    if (!parse_unary(first)) return false;
    skip_spaces();
    if (!(peek() == '&' && peek(1) == '&')) {
      out = std::move(first);
      return true;
    }
    out.kind = FilterExpr::Kind::kAnd;
    out.children.push_back(std::move(first));
    while (peek() == '&' && peek(1) == '&') {
      pos_ += 2;
      FilterExpr next;
      if (!parse_unary(next)) return false;
      out.children.push_back(std::move(next));
      skip_spaces();
    }
    return true;
  }

  // Each '!' and '(' is one level of recursion; the level is checked before descending.
  bool parse_unary(FilterExpr& out) {
    skip_spaces();
    const bool negation = peek() == '!' && peek(1) != '=';
    if ((negation || peek() == '(') && nesting_ >= kMaxFilterNesting) {
      return fail(
          "filter expression nested more than " + std::to_string(kMaxFilterNesting) + " deep",
          pos_);
    }
    if (negation) {
      ++pos_;
      FilterExpr inner;
      ++nesting_;
      const bool ok = parse_unary(inner);
      --nesting_;
      if (!ok) return false;
      out.kind = FilterExpr::Kind::kNot;
      out.children.push_back(std::move(inner));
      return true;
    }
    if (peek() == '(') {
      const std::size_t paren = pos_;
      ++pos_;
      ++nesting_;
      const bool ok = parse_or(out);
      --nesting_;
      if (!ok) return false;
      skip_spaces();
      if (at_end()) return fail("unterminated parenthesis", paren);
      if (peek() != ')') return fail_unexpected();
      ++pos_;
      return true;
    }
    return parse_comparison(out);
  }

  bool parse_comparison(FilterExpr& out) {
    const std::size_t lhs_at = pos_;
    if (!parse_operand(out.lhs)) return false;
    skip_spaces();
    const char c = peek();
    const char n = peek(1);
    const std::size_t op_at = pos_;
    if (c == '=' && n == '=') {
      out.op = CompareOp::kEq;
      pos_ += 2;
    } else if (c == '!' && n == '=') {
      out.op = CompareOp::kNe;
      pos_ += 2;
    } else if (c == '<' && n == '=') {
      out.op = CompareOp::kLe;
      pos_ += 2;
    } else if (c == '>' && n == '=') {
      out.op = CompareOp::kGe;
      pos_ += 2;
    } else if (c == '<') {
      out.op = CompareOp::kLt;
      ++pos_;
    } else if (c == '>') {
      out.op = CompareOp::kGt;
      ++pos_;
    } else if (c == '=' && n == '~') {
      return fail("regular expression filters (=~) are not supported", op_at);
    } else if (c == '=') {
      return fail("use '==' to compare", op_at);
    } else {
      // No operator: "@.tag" tests that the path exists (even when its value is null or false).
      if (out.lhs.kind == Operand::Kind::kLiteral) {
        return fail("a filter must test a path ('@...' or '$...')", lhs_at);
      }
      out.kind = FilterExpr::Kind::kExists;
      return true;
    }
    if (!parse_operand(out.rhs)) return false;
    out.kind = FilterExpr::Kind::kCompare;
    return true;
  }

  bool parse_operand(Operand& out) {
    skip_spaces();
    const std::size_t start = pos_;
    const char c = peek();
    if (c == '@' || c == '$') {
      out.kind = c == '@' ? Operand::Kind::kCurrent : Operand::Kind::kRoot;
      ++pos_;
      if (c == '$' && peek() == '$') {
        return fail("context paths ('$$') are not supported inside filters", start);
      }
      return parse_filter_steps(out.steps);
    }
    out.kind = Operand::Kind::kLiteral;
    if (c == '\'' || c == '"') {
      std::string s;
      if (!parse_quoted(s)) return false;
      out.literal = json::string(s);
      return true;
    }
    if (c == '-' || is_digit(c)) {
      ++pos_;
      while (is_digit(peek()) || peek() == '.' || peek() == 'e' || peek() == 'E' || peek() == '+' ||
             peek() == '-') {
        ++pos_;
      }
      // Boost.JSON's own number parser, so literals get the same int64/uint64/double kinds as
      // the documents they are compared with.
      boost::system::error_code ec;
      json::value v = json::parse(text_.substr(start, pos_ - start), ec);
      if (ec || !v.is_number()) return fail("invalid number", start);
      out.literal = std::move(v);
      return true;
    }
    if (c >= 'a' && c <= 'z') {
      while (peek() >= 'a' && peek() <= 'z') ++pos_;
      const std::string_view word = text_.substr(start, pos_ - start);
      if (word == "true") {
        out.literal = true;
      } else if (word == "false") {
        out.literal = false;
      } else if (word == "null") {
        out.literal = nullptr;
      } else {
        return fail("unexpected word '" + std::string(word) + "'", start);
      }
      return true;
    }
    return fail_unexpected();
  }

  // Steps after '@' or '$' inside a filter: ".name", "['name']", "[3]".
  bool parse_filter_steps(std::vector<FilterStep>& steps) {
    for (;;) {
      if (peek() == '.') {
        ++pos_;
        const std::size_t start = pos_;
        while (!at_end()) {
          const char c = peek();
          if (is_space(c) || c == '.' || c == '[' || c == ']' || c == '(' || c == ')' || c == '=' ||
              c == '!' || c == '<' || c == '>' || c == '&' || c == '|' || c == ',' || c == '\'' ||
              c == '"' || c == '*') {
            break;
          }
          ++pos_;
        }
        if (pos_ == start) {
          if (peek() == '.' || peek() == '*') {
            return fail("only plain names and indexes are supported in filter paths", pos_);
          }
          return fail("expected a name after '.'", pos_);
        }
        FilterStep step;
        step.name = std::string(text_.substr(start, pos_ - start));
        steps.push_back(std::move(step));
      } else if (peek() == '[') {
        const std::size_t open = pos_;
        ++pos_;
        skip_spaces();
        FilterStep step;
        if (peek() == '\'' || peek() == '"') {
          if (!parse_quoted(step.name)) return false;
        } else if (is_digit(peek()) || peek() == '-') {
          step.is_index = true;
          if (!parse_int(step.index)) return false;
        } else if (at_end()) {
          return fail("unterminated bracket", open);
        } else {
          return fail("only plain names and indexes are supported in filter paths", pos_);
        }
        if (!expect_close(open)) return false;
        steps.push_back(std::move(step));
      } else {
        return true;
      }
    }
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  int nesting_ = 0;  // '(' and '!' open around the current position inside a filter
  std::optional<Error> error_;
};

// ---- evaluation ----

using Nodes = std::vector<const json::value*>;

const json::value* array_at(const json::array& arr, std::int64_t index) {
  const auto size = static_cast<std::int64_t>(arr.size());
  if (index < 0) index += size;
  if (index < 0 || index >= size) return nullptr;
  return &arr[static_cast<std::size_t>(index)];
}

const json::value* resolve(const Operand& op, const json::value& current, const json::value& root) {
  if (op.kind == Operand::Kind::kLiteral) return &op.literal;
  const json::value* node = op.kind == Operand::Kind::kCurrent ? &current : &root;
  for (const FilterStep& step : op.steps) {
    if (step.is_index) {
      if (!node->is_array()) return nullptr;
      node = array_at(node->get_array(), step.index);
    } else {
      if (!node->is_object()) return nullptr;
      node = node->get_object().if_contains(step.name);
    }
    if (node == nullptr) return nullptr;
  }
  return node;
}

// Three-way comparison of two JSON numbers. Integers compare exactly (amounts are int64 minor
// units and must not be rounded through double); a double against an integer compares the
// integral part exactly and then the fraction.
int sign_of(bool less, bool greater) {
  return less ? -1 : (greater ? 1 : 0);
}

// What compare_numbers answers when either side is NaN: no ordering holds and nothing is equal.
// Boost.JSON reads some valid JSON numbers as NaN ("-0e365" is 0 times an overflowed 10^365).
constexpr int kUnordered = 2;

bool is_nan(const json::value& v) {
  return v.is_double() && std::isnan(v.get_double());
}

int compare_double_int(double d, std::int64_t i) {
  if (d < -9223372036854775808.0) return -1;
  if (d >= 9223372036854775808.0) return 1;
  const double t = std::trunc(d);
  const auto ti = static_cast<std::int64_t>(t);
  if (ti != i) return sign_of(ti<i, ti> i);
  return sign_of(d<t, d> t);
}

int compare_double_uint(double d, std::uint64_t u) {
  if (d < 9223372036854775808.0) return -1;  // every such u is >= 2^63
  if (d >= 18446744073709551616.0) return 1;
  const double t = std::trunc(d);
  const auto tu = static_cast<std::uint64_t>(t);
  if (tu != u) return sign_of(tu<u, tu> u);
  return sign_of(d<t, d> t);
}

int compare_numbers(const json::value& a, const json::value& b) {
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  // Normalise uint64 values that fit into int64 so only genuinely huge ones stay unsigned.
  const auto as_int = [&](const json::value& v, std::int64_t& out) {
    if (v.is_int64()) {
      out = v.get_int64();
      return true;
    }
    if (v.is_uint64() && v.get_uint64() <= kMax) {
      out = static_cast<std::int64_t>(v.get_uint64());
      return true;
    }
    return false;
  };
  if (is_nan(a) || is_nan(b)) return kUnordered;
  std::int64_t ia = 0;
  std::int64_t ib = 0;
  const bool a_int = as_int(a, ia);
  const bool b_int = as_int(b, ib);
  if (a_int && b_int) return sign_of(ia<ib, ia> ib);
  if (a.is_double() && b.is_double()) {
    return sign_of(a.get_double() < b.get_double(), a.get_double() > b.get_double());
  }
  if (a.is_double()) {
    return b_int ? compare_double_int(a.get_double(), ib)
                 : compare_double_uint(a.get_double(), b.get_uint64());
  }
  if (b.is_double()) return -compare_numbers(b, a);  // neither is NaN here
  // Both integers, at least one a uint64 above INT64_MAX.
  if (a.is_uint64() && b.is_uint64()) {
    return sign_of(a.get_uint64() < b.get_uint64(), a.get_uint64() > b.get_uint64());
  }
  return a.is_uint64() ? 1 : -1;
}

bool values_equal(const json::value& a, const json::value& b) {
  if (a.is_number() && b.is_number()) return compare_numbers(a, b) == 0;
  return a == b;
}

bool compare(CompareOp op, const json::value* a, const json::value* b) {
  // A missing path equals nothing, so "!=" holds for it (as in Jayway).
  if (op == CompareOp::kEq) return a && b && values_equal(*a, *b);
  if (op == CompareOp::kNe) return !(a && b && values_equal(*a, *b));
  if (!a || !b) return false;
  int c = 0;
  if (a->is_number() && b->is_number()) {
    c = compare_numbers(*a, *b);
    if (c == kUnordered) return false;
  } else if (a->is_string() && b->is_string()) {
    const int r = a->get_string().subview().compare(b->get_string().subview());
    c = sign_of(r<0, r> 0);
  } else {
    return false;  // ordering is only defined between numbers and between strings
  }
  switch (op) {
    case CompareOp::kLt:
      return c < 0;
    case CompareOp::kLe:
      return c <= 0;
    case CompareOp::kGt:
      return c > 0;
    case CompareOp::kGe:
      return c >= 0;
    default:
      return false;
  }
}

bool matches(const FilterExpr& e, const json::value& current, const json::value& root) {
  switch (e.kind) {
    case FilterExpr::Kind::kOr:
      for (const FilterExpr& child : e.children) {
        if (matches(child, current, root)) return true;
      }
      return false;
    case FilterExpr::Kind::kAnd:
      for (const FilterExpr& child : e.children) {
        if (!matches(child, current, root)) return false;
      }
      return true;
    case FilterExpr::Kind::kNot:
      return !matches(e.children.front(), current, root);
    case FilterExpr::Kind::kExists:
      return resolve(e.lhs, current, root) != nullptr;
    case FilterExpr::Kind::kCompare:
      return compare(e.op, resolve(e.lhs, current, root), resolve(e.rhs, current, root));
  }
  return false;
}

void apply(const Selector& sel, const json::value& node, const json::value& root, Nodes& out) {
  switch (sel.kind) {
    case SelectorKind::kName:
    case SelectorKind::kNames:
      if (const json::object* obj = node.if_object()) {
        for (const std::string& name : sel.names) {
          if (const json::value* child = obj->if_contains(name)) out.push_back(child);
        }
      }
      return;
    case SelectorKind::kIndex:
    case SelectorKind::kIndexes:
      if (const json::array* arr = node.if_array()) {
        for (std::int64_t index : sel.indexes) {
          if (const json::value* child = array_at(*arr, index)) out.push_back(child);
        }
      }
      return;
    case SelectorKind::kWildcard:
      if (const json::object* obj = node.if_object()) {
        for (const auto& member : *obj) out.push_back(&member.value());
      } else if (const json::array* arr = node.if_array()) {
        for (const json::value& element : *arr) out.push_back(&element);
      }
      return;
    case SelectorKind::kSlice:
      if (const json::array* arr = node.if_array()) {
        // Python-style bounds: negatives count from the end, then clamp to the array.
        const auto size = static_cast<std::int64_t>(arr->size());
        const auto clamp = [size](std::int64_t i) {
          if (i < 0) i += size;
          return i < 0 ? 0 : (i > size ? size : i);
        };
        const std::int64_t begin = clamp(sel.start.value_or(0));
        const std::int64_t end = clamp(sel.end.value_or(size));
        // Stop before stepping past the end: a step near INT64_MAX must not overflow i.
        for (std::int64_t i = begin; i<end; i = end - i> sel.step ? i + sel.step : end) {
          out.push_back(&(*arr)[static_cast<std::size_t>(i)]);
        }
      }
      return;
    case SelectorKind::kFilter:
      // Jayway: a filter on an array tests each element; on an object it tests the object itself.
      if (const json::array* arr = node.if_array()) {
        for (const json::value& element : *arr) {
          if (matches(sel.filter, element, root)) out.push_back(&element);
        }
      } else if (node.is_object() && matches(sel.filter, node, root)) {
        out.push_back(&node);
      }
      return;
  }
}

// "..": apply the selector to `node`, then to each descendant, depth first in document order.
// A filter instead tests every descendant once (otherwise objects inside arrays would be seen
// twice: as an element and as an object). An explicit stack instead of recursion: documents
// built at run time (ResultPath into ResultPath, loop after loop) can nest arbitrarily deep.
void apply_descendant(const Selector& sel, const json::value& node, const json::value& root,
                      Nodes& out) {
  const bool filter = sel.kind == SelectorKind::kFilter;
  std::vector<const json::value*> pending{&node};
  std::vector<const json::value*> children;
  while (!pending.empty()) {
    const json::value* current = pending.back();
    pending.pop_back();
    if (filter) {
      if (current != &node && matches(sel.filter, *current, root)) out.push_back(current);
    } else {
      apply(sel, *current, root, out);
    }
    children.clear();
    if (const json::object* obj = current->if_object()) {
      for (const auto& member : *obj) children.push_back(&member.value());
    } else if (const json::array* arr = current->if_array()) {
      for (const json::value& element : *arr) children.push_back(&element);
    }
    // Reversed onto the stack so the first child is visited next: document order.
    pending.insert(pending.end(), children.rbegin(), children.rend());
  }
}

std::string_view kind_name(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      return "null";
    case json::kind::bool_:
      return "a boolean";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      return "a number";
    case json::kind::string:
      return "a string";
    case json::kind::array:
      return "an array";
    case json::kind::object:
      return "an object";
  }
  return "a value";
}

const std::shared_ptr<const Compiled>& root_compiled() {
  static const std::shared_ptr<const Compiled> root = [] {
    auto c = std::make_shared<Compiled>();
    c->text = "$";
    return std::shared_ptr<const Compiled>(std::move(c));
  }();
  return root;
}

}  // namespace

Path::Path() : compiled_(root_compiled()) {}
Path::Path(std::shared_ptr<const detail::Compiled> compiled) : compiled_(std::move(compiled)) {}

const std::string& Path::text() const {
  return compiled_->text;
}
bool Path::is_context() const {
  return compiled_->context;
}
bool Path::is_reference() const {
  return compiled_->reference;
}
bool Path::is_definite() const {
  return compiled_->definite;
}

Result<Path> compile(std::string_view text) {
  Result<Compiled> compiled = Parser(text).parse();
  if (!compiled) return compiled.error();
  return Path(std::make_shared<const Compiled>(std::move(compiled).value()));
}

Result<json::value> select(const Path& path, const json::value& root) {
  const Compiled& c = *path.compiled_;
  Nodes nodes{&root};
  for (const Segment& seg : c.segments) {
    Nodes next;
    for (const json::value* node : nodes) {
      if (seg.descendant) {
        apply_descendant(seg.selector, *node, root, next);
      } else {
        apply(seg.selector, *node, root, next);
      }
    }
    nodes.swap(next);
    if (nodes.empty()) break;
  }
  if (c.definite) {
    if (nodes.empty()) {
      return Error(ErrorCode::kInvalidRequest, "path '" + c.text + "' does not exist in the " +
                                                   (c.context ? "context object" : "input"));
    }
    // Copy into default storage: the result must not borrow the caller's memory resource.
    return json::value(*nodes.front(), json::storage_ptr());
  }
  json::array matches_out;
  matches_out.reserve(nodes.size());
  for (const json::value* node : nodes) matches_out.push_back(*node);
  return json::value(std::move(matches_out));
}

Result<json::value> assign(json::value root, const Path& path, json::value value) {
  const Compiled& c = *path.compiled_;
  if (c.context) {
    return Error(ErrorCode::kInvalidDefinition,
                 "cannot assign to '" + c.text + "': the context object ('$$') is read-only");
  }
  if (!c.reference) {
    return Error(ErrorCode::kInvalidDefinition,
                 "cannot assign to '" + c.text +
                     "': only reference paths (plain names and non-negative indexes) can be "
                     "assigned");
  }
  if (c.segments.empty()) return Result<json::value>(std::move(value));
  const auto fail = [&c](std::string why) {
    return Error(ErrorCode::kInvalidRequest, "cannot assign to '" + c.text + "': " + why);
  };
  json::value* node = &root;
  for (std::size_t i = 0; i < c.segments.size(); ++i) {
    const Selector& sel = c.segments[i].selector;
    const bool last = i + 1 == c.segments.size();
    // How the node being stepped into is named in errors: the whole input, or a path prefix.
    const std::string where =
        i == 0 ? std::string("the input") : "'" + c.text.substr(0, c.segments[i - 1].end) + "'";
    if (sel.kind == SelectorKind::kName) {
      json::object* obj = node->if_object();
      if (obj == nullptr) {
        return fail(where + " is " + std::string(kind_name(*node)) + ", not an object");
      }
      const std::string& name = sel.names.front();
      if (last) {
        (*obj)[name] = std::move(value);
        break;
      }
      json::value* child = obj->if_contains(name);
      if (child == nullptr) {
        if (c.segments[i + 1].selector.kind == SelectorKind::kIndex) {
          return fail("'" + c.text.substr(0, c.segments[i].end) +
                      "' does not exist, so it has no element to set");
        }
        child = &(*obj)[name];
        child->emplace_object();
      }
      node = child;
    } else {
      json::array* arr = node->if_array();
      if (arr == nullptr) {
        return fail(where + " is " + std::string(kind_name(*node)) + ", not an array");
      }
      const auto index = static_cast<std::size_t>(sel.indexes.front());
      if (index >= arr->size()) {
        return fail("index " + std::to_string(index) + " is out of range for " + where + " (size " +
                    std::to_string(arr->size()) + ")");
      }
      if (last) {
        (*arr)[index] = std::move(value);
        break;
      }
      node = &(*arr)[index];
    }
  }
  return Result<json::value>(std::move(root));
}

}  // namespace settled::jsonpath
