// Intrinsic::compile: the grammar of an intrinsic call, checked when the definition is loaded.
//
//   call    := "States." NAME "(" [arg ("," arg)*] ")"
//   arg     := 'string' | number | true | false | null | path | call
//   path    := "$..." | "$$..."   (JSONPath, ends at a top-level ",", ")" or blank)
//
// Inside 'string', \' \{ \} and \\ stand for ' { } and \; any other backslash is refused, as
// Step Functions refuses an "open escape backslash". Blanks are allowed around arguments.

#include "domain/asl/intrinsic_call.hpp"
#include "domain/asl/intrinsic_functions.hpp"
#include "domain/asl/intrinsics.hpp"
#include "domain/asl/limits.hpp"
#include "domain/json_limits.hpp"

#include <boost/json.hpp>

#include <cctype>
#include <utility>

namespace settled::asl {

namespace json = boost::json;
using intrinsic::Arg;
using intrinsic::Call;

namespace {

// The nesting limit also bounds the parser's (and the evaluator's) recursion.
constexpr int kMaxDepth = kMaxIntrinsicNesting;

// The call as quoted in errors: only its start when it is long.
std::string quoted_excerpt(const std::string& text) {
  constexpr std::size_t kShown = 64;
  if (text.size() <= kShown) return "\"" + text + "\"";
  return "\"" + text.substr(0, kShown) + "...\" (" + std::to_string(text.size()) + " bytes)";
}

std::string ordinal_arg(std::size_t index) {
  return "argument " + std::to_string(index + 1);
}

std::string count_text(std::size_t n, const char* noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  // The whole text as one call, or nullopt with error() set.
  std::optional<Call> parse() {
    auto call = parse_call(1);
    if (!call) return std::nullopt;
    skip_blanks();
    if (pos_ != text_.size()) return fail("unexpected text after the closing ')'");
    return call;
  }

  const std::string& error() const { return error_; }

 private:
  std::nullopt_t fail(const std::string& what) {
    if (error_.empty()) error_ = what + " at position " + std::to_string(pos_);
    return std::nullopt;
  }
  // Errors about a whole call name the call instead of a position.
  std::nullopt_t fail_call(const std::string& what) {
    if (error_.empty()) error_ = what;
    return std::nullopt;
  }

  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }
  static bool blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
  void skip_blanks() {
    while (!at_end() && blank(text_[pos_])) ++pos_;
  }

  std::optional<Call> parse_call(int depth) {
    if (depth > kMaxDepth)
      return fail("intrinsic functions are nested more than " + std::to_string(kMaxDepth) +
                  " deep");
    const std::size_t start = pos_;
    if (text_.compare(pos_, 7, "States.") != 0) return fail("expected 'States.<Function>('");
    pos_ += 7;
    while (!at_end() && (std::isalnum(static_cast<unsigned char>(peek())) || peek() == '_')) ++pos_;
    const std::string name(text_.substr(start, pos_ - start));
    Call call;
    call.function = intrinsic::find_function(name);
    if (!call.function) {
      pos_ = start;
      return fail("unknown intrinsic function '" + name + "'");
    }
    if (peek() != '(') return fail("expected '(' after " + name);
    ++pos_;
    skip_blanks();
    if (peek() == ')') {
      ++pos_;
    } else {
      while (true) {
        auto arg = parse_arg(depth);
        if (!arg) return std::nullopt;
        call.args.push_back(std::move(*arg));
        skip_blanks();
        if (peek() == ',') {
          ++pos_;
          continue;
        }
        if (peek() == ')') {
          ++pos_;
          break;
        }
        if (at_end()) return fail("missing ')' to close " + name);
        return fail("expected ',' or ')' in the arguments of " + name);
      }
    }
    if (!check_call(call)) return std::nullopt;
    return call;
  }

  // What can be known before run time: the argument count, literal argument types, and for a
  // literal States.Format template, that its placeholders match the values.
  bool check_call(const Call& call) {
    const intrinsic::Function& f = *call.function;
    const std::string name(f.name);
    const std::size_t n = call.args.size();
    if (n < f.min_args || n > f.max_args) {
      std::string expected;
      if (f.max_args == intrinsic::kVariadic) {
        expected = "at least " + count_text(f.min_args, "argument");
      } else if (f.min_args == f.max_args) {
        expected = count_text(f.min_args, "argument");
      } else {
        expected = std::to_string(f.min_args) + " or " + std::to_string(f.max_args) + " arguments";
      }
      fail_call(name + " takes " + expected + ", got " + std::to_string(n));
      return false;
    }
    for (std::size_t i = 0; i < n; ++i) {
      if (call.args[i].kind != Arg::Kind::kLiteral) continue;
      if (auto problem = f.check_arg(i, call.args[i].literal)) {
        fail_call(name + " " + ordinal_arg(i) + " " + *problem);
        return false;
      }
    }
    if (f.name == "States.Format" && call.args[0].kind == Arg::Kind::kLiteral) {
      const std::size_t placeholders = call.args[0].segments.size() - 1;
      if (placeholders != n - 1) {
        fail_call("States.Format template has " + count_text(placeholders, "placeholder") +
                  " '{}' but " + count_text(n - 1, "value") + " follow it");
        return false;
      }
    }
    return true;
  }

  std::optional<Arg> parse_arg(int depth) {
    skip_blanks();
    Arg arg;
    const char c = peek();
    if (c == '\'') return parse_string();
    if (c == '$') return parse_path();
    if (c == '-' || std::isdigit(static_cast<unsigned char>(c))) return parse_number();
    for (const char* word : {"true", "false", "null"}) {
      const std::size_t len = std::char_traits<char>::length(word);
      if (text_.compare(pos_, len, word) == 0) {
        const std::size_t after = pos_ + len;
        if (after < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[after])) ||
                                     text_[after] == '_' || text_[after] == '.'))
          break;
        pos_ = after;
        arg.literal = word[0] == 't'   ? json::value(true)
                      : word[0] == 'f' ? json::value(false)
                                       : json::value(nullptr);
        return arg;
      }
    }
    if (c == 'S') {
      auto call = parse_call(depth + 1);
      if (!call) return std::nullopt;
      arg.kind = Arg::Kind::kCall;
      arg.call.push_back(std::move(*call));
      return arg;
    }
    if (at_end() || c == ')' || c == ',') return fail("expected an argument");
    return fail(std::string("unexpected character '") + c +
                "' (string literals are written in single quotes)");
  }

  std::optional<Arg> parse_string() {
    const std::size_t open = pos_;
    ++pos_;
    Arg arg;
    std::vector<std::string> segments(1);
    std::string text;
    while (true) {
      if (at_end()) {
        pos_ = open;
        return fail("unterminated string literal");
      }
      const char c = text_[pos_];
      if (c == '\'') {
        ++pos_;
        break;
      }
      if (c == '\\') {
        const char next = pos_ + 1 < text_.size() ? text_[pos_ + 1] : '\0';
        if (next != '\'' && next != '{' && next != '}' && next != '\\')
          return fail(
              "open escape backslash (only \\', \\{, \\} and \\\\ are escapes; write \\\\ for a "
              "backslash)");
        text += next;
        segments.back() += next;
        pos_ += 2;
        continue;
      }
      if (c == '{' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '}') {
        text += "{}";
        segments.emplace_back();
        pos_ += 2;
        continue;
      }
      text += c;
      segments.back() += c;
      ++pos_;
    }
    arg.literal = json::value(json::string(text));
    arg.segments = std::move(segments);
    return arg;
  }

  std::optional<Arg> parse_number() {
    const std::size_t start = pos_;
    while (!at_end() && (std::isdigit(static_cast<unsigned char>(peek())) || peek() == '-' ||
                         peek() == '+' || peek() == '.' || peek() == 'e' || peek() == 'E'))
      ++pos_;
    const std::string_view token = text_.substr(start, pos_ - start);
    boost::system::error_code ec;
    json::value v = json::parse(token, ec);
    if (ec || !v.is_number()) {
      pos_ = start;
      return fail("invalid number '" + std::string(token) + "'");
    }
    if (const std::string why = inexact_number_problem(v, token); !why.empty()) {
      pos_ = start;
      return fail("invalid number '" + std::string(token) + "': " + why);
    }
    Arg arg;
    arg.literal = std::move(v);
    return arg;
  }

  // A path runs to the first ',' ')' or blank outside brackets and quotes, so "$['a, b']" and
  // "$.a[?(@.x == 1)]" stay whole.
  std::optional<Arg> parse_path() {
    const std::size_t start = pos_;
    int brackets = 0;
    char quote = '\0';
    for (; !at_end(); ++pos_) {
      const char c = text_[pos_];
      if (quote) {
        if (c == '\\') {
          ++pos_;
        } else if (c == quote) {
          quote = '\0';
        }
        continue;
      }
      if (brackets > 0 && (c == '\'' || c == '"')) {
        quote = c;
      } else if (c == '[') {
        ++brackets;
      } else if (c == ']') {
        --brackets;
      } else if (brackets == 0 && (c == ',' || c == ')' || blank(c))) {
        break;
      }
    }
    if (pos_ > text_.size()) pos_ = text_.size();
    const std::string_view token = text_.substr(start, pos_ - start);
    auto path = jsonpath::compile(token);
    if (!path) {
      pos_ = start;
      return fail("invalid path argument: " + path.error().message);
    }
    Arg arg;
    arg.kind = Arg::Kind::kPath;
    arg.path = std::move(*path);
    return arg;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  std::string error_;
};

}  // namespace

Result<Intrinsic> Intrinsic::compile(const std::string& text, const std::string& where) {
  if (text.size() > kMaxIntrinsicLength)
    return Error{ErrorCode::kInvalidDefinition, where + ": invalid intrinsic function " +
                                                    quoted_excerpt(text) +
                                                    ": longer than the limit of " +
                                                    std::to_string(kMaxIntrinsicLength) + " bytes"};
  Parser parser(text);
  auto call = parser.parse();
  if (!call)
    return Error{ErrorCode::kInvalidDefinition, where + ": invalid intrinsic function " +
                                                    quoted_excerpt(text) + ": " + parser.error()};
  Intrinsic out;
  out.text_ = text;
  out.where_ = where;
  out.call_ = std::make_shared<const Call>(std::move(*call));
  return out;
}

}  // namespace settled::asl
