#pragma once
// The JSONPath compiler's recursive-descent parser, private to src/domain: its members are
// defined in json_path_parser.cpp (the path, its segments and brackets, names, indexes and
// strings) and json_path_filter_parser.cpp (filter expressions, "[?(...)]"). The compiled form
// it builds is json_path_compiled.hpp's; callers use detail::parse_path.

#include "domain/json_path_compiled.hpp"
#include "domain/result.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace settled::jsonpath::detail {

// Parse functions return false after recording the first error, so the error names the
// position where the path stopped making sense.
class PathCompiler {
 public:
  explicit PathCompiler(std::string_view text) : text_(text) {}

  Result<Compiled> parse();

 private:
  static bool is_digit(char c) { return c >= '0' && c <= '9'; }
  static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
  // A workflow variable's name ("$total"): a letter or '_', then letters, digits and '_'.
  static bool is_variable_start(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  }
  static bool is_variable_char(char c) { return is_variable_start(c) || is_digit(c); }

  bool at_end() const { return pos_ >= text_.size(); }
  char peek(std::size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  void skip_spaces() {
    while (!at_end() && is_space(peek())) ++pos_;
  }

  bool fail(std::string_view what, std::size_t at);
  // "unexpected character 'x'" or "unexpected end of path" at the current position.
  bool fail_unexpected();

  // json_path_parser.cpp: the path and what its segments and brackets are made of.
  bool parse_path(Compiled& out);
  bool parse_dot_name(Selector& sel);
  bool expect_close(std::size_t open);
  bool parse_bracket(Selector& sel);
  bool parse_indexes(Selector& sel, std::size_t open);
  bool parse_int(std::int64_t& out);
  bool parse_hex4(std::uint32_t& out);
  bool parse_quoted(std::string& out);

  // json_path_filter_parser.cpp: a filter's expression, after "[?(".
  bool parse_or(FilterExpr& out);
  bool parse_and(FilterExpr& out);
  bool parse_unary(FilterExpr& out);
  bool parse_comparison(FilterExpr& out);
  bool parse_operand(Operand& out);
  bool parse_filter_steps(std::vector<FilterStep>& steps);

  std::string_view text_;
  std::size_t pos_ = 0;
  int nesting_ = 0;  // '(' and '!' open around the current position inside a filter
  std::optional<Error> error_;
};

}  // namespace settled::jsonpath::detail
