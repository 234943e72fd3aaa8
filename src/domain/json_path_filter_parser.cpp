// The JSONPath compiler's filter expressions, "[?(...)]" (json_path_compiler.hpp): "||", "&&",
// "!" and parentheses around comparisons and existence tests of paths inside the filter.
#include "domain/json_path_compiler.hpp"

#include "domain/json_limits.hpp"

#include <string>
#include <utility>
#include <vector>

namespace settled::jsonpath::detail {

// Filter grammar: or := and ('||' and)*; and := unary ('&&' unary)*;
// unary := '!' unary | '(' or ')' | operand [op operand].
bool PathCompiler::parse_or(FilterExpr& out) {
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

bool PathCompiler::parse_and(FilterExpr& out) {
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
bool PathCompiler::parse_unary(FilterExpr& out) {
  skip_spaces();
  const bool negation = peek() == '!' && peek(1) != '=';
  if ((negation || peek() == '(') && nesting_ >= kMaxFilterNesting) {
    return fail("filter expression nested more than " + std::to_string(kMaxFilterNesting) + " deep",
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

bool PathCompiler::parse_comparison(FilterExpr& out) {
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

bool PathCompiler::parse_operand(Operand& out) {
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
    // Read as request JSON's numbers are (json_limits.hpp), so literals get the same int64,
    // uint64 and double kinds as the documents they are compared with, and one settled cannot
    // keep exactly (an integer beyond 64 bits, 1e400) is refused naming it, not rounded.
    auto number = parse_json_exactly(text_.substr(start, pos_ - start), "the literal");
    if (!number) return fail(number.error().message, start);
    out.literal = std::move(*number);
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
bool PathCompiler::parse_filter_steps(std::vector<FilterStep>& steps) {
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

}  // namespace settled::jsonpath::detail
