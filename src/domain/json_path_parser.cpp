// The JSONPath compiler: text to detail::Compiled (json_path_compiled.hpp).
#include "domain/json_path_compiled.hpp"

#include <boost/json/parse.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace settled::jsonpath {

namespace {

// The compiled form (json_path_compiled.hpp), named without its namespace.
using namespace detail;

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
bool is_variable_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_variable_char(char c) {
  return is_variable_start(c) || is_digit(c);
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
    } else if (is_variable_start(peek())) {
      // A workflow variable ("$total.amount"): letters, digits and '_' after the '$'.
      const std::size_t start = pos_;
      while (!at_end() && is_variable_char(peek())) ++pos_;
      out.variable = std::string(text_.substr(start, pos_ - start));
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

}  // namespace

namespace detail {
Result<Compiled> parse_path(std::string_view text) {
  return Parser(text).parse();
}
}  // namespace detail

}  // namespace settled::jsonpath
