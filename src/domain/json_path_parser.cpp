// The JSONPath compiler: text to detail::Compiled (json_path_compiled.hpp). The path, its
// segments and brackets, names, indexes and strings; a filter's expression is
// json_path_filter_parser.cpp's (the class: json_path_compiler.hpp).
#include "domain/json_path_compiler.hpp"

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace settled::jsonpath {

namespace {

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

// The path as quoted in errors: a hostile path can be megabytes long, so only its start.
std::string quoted_excerpt(std::string_view text) {
  constexpr std::size_t kShown = 64;
  if (text.size() <= kShown) return "'" + std::string(text) + "'";
  return "'" + std::string(text.substr(0, kShown)) + "...' (" + std::to_string(text.size()) +
         " bytes)";
}

}  // namespace

namespace detail {

Result<Compiled> PathCompiler::parse() {
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

bool PathCompiler::fail(std::string_view what, std::size_t at) {
  if (!error_) {
    error_ = Error(ErrorCode::kInvalidDefinition, "invalid JSONPath " + quoted_excerpt(text_) +
                                                      ": " + std::string(what) + " at position " +
                                                      std::to_string(at));
  }
  return false;
}

// "unexpected character 'x'" or "unexpected end of path" at the current position.
bool PathCompiler::fail_unexpected() {
  if (at_end()) return fail("unexpected end of path", pos_);
  const unsigned char c = static_cast<unsigned char>(peek());
  if (c >= 0x20 && c < 0x7F)
    return fail(std::string("unexpected character '") + peek() + "'", pos_);
  static const char kHex[] = "0123456789abcdef";
  return fail(std::string("unexpected byte 0x") + kHex[c >> 4] + kHex[c & 0xF], pos_);
}

bool PathCompiler::parse_path(Compiled& out) {
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
bool PathCompiler::parse_dot_name(Selector& sel) {
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
    return fail(at_end() ? "expected a name after '.'" : "expected a name or '*' after '.'", pos_);
  }
  sel.kind = SelectorKind::kName;
  sel.names.emplace_back(text_.substr(start, pos_ - start));
  return true;
}

bool PathCompiler::expect_close(std::size_t open) {
  skip_spaces();
  if (at_end()) return fail("unterminated bracket", open);
  if (peek() != ']') return fail_unexpected();
  ++pos_;
  return true;
}

bool PathCompiler::parse_bracket(Selector& sel) {
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
bool PathCompiler::parse_indexes(Selector& sel, std::size_t open) {
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

bool PathCompiler::parse_int(std::int64_t& out) {
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

bool PathCompiler::parse_hex4(std::uint32_t& out) {
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
bool PathCompiler::parse_quoted(std::string& out) {
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

Result<Compiled> parse_path(std::string_view text) {
  return PathCompiler(text).parse();
}

}  // namespace detail

}  // namespace settled::jsonpath
