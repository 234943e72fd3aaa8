#include "domain/resources/update_expression.hpp"

#include "domain/resources/records_update.hpp"

#include <boost/json.hpp>

#include <cctype>
#include <set>
#include <string>
#include <vector>

namespace settled::aws {

namespace json = boost::json;

namespace {

Error invalid(const std::string& why) {
  return Error{ErrorCode::kInvalidRequest, "UpdateExpression: " + why};
}

bool word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool is_keyword(const std::string& word) {
  return word == "SET" || word == "REMOVE" || word == "ADD" || word == "DELETE";
}

// Whether one path is the other or lies inside it (DynamoDB: "Two document paths overlap").
bool overlap(const json::array& a, const json::array& b) {
  const std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i)
    if (a[i] != b[i]) return false;
  return true;
}

class Parser {
 public:
  Parser(std::string_view text, const json::object& names, const json::object& values)
      : s_(text), names_(names), values_(values) {}

  Result<json::object> parse() {
    json::object out;
    std::set<std::string> clauses;
    std::size_t actions = 0;
    std::vector<json::array> paths;
    skip_space();
    if (at_end()) return invalid("must not be empty");
    while (!at_end()) {
      const std::size_t at = i_;
      const std::string keyword = upper(word());
      if (!is_keyword(keyword))
        return invalid("expected SET, REMOVE or ADD at offset " + std::to_string(at));
      if (keyword == "DELETE")
        return invalid("DELETE (removing elements from a set) is not supported by settled");
      if (!clauses.insert(keyword).second)
        return invalid("the " + keyword + " clause is given twice");
      json::array list;
      for (;;) {
        if (++actions > kMaxUpdateActions)
          return invalid("more than " + std::to_string(kMaxUpdateActions) + " actions");
        auto path = parse_path();
        if (!path) return path.error();
        for (const auto& other : paths)
          if (overlap(other, *path))
            return invalid("two document paths overlap: " + update_path_text(other) + " and " +
                           update_path_text(*path));
        paths.push_back(*path);
        if (keyword == "REMOVE") {
          list.push_back(std::move(*path));
        } else {
          if (keyword == "SET") {
            skip_space();
            if (!take('='))
              return invalid("expected '=' after " + update_path_text(*path) + " in SET");
          } else if (path->size() != 1) {
            return invalid("ADD takes a top-level attribute, not " + update_path_text(*path));
          }
          auto value = parse_value(keyword, *path);
          if (!value) return value.error();
          if (keyword == "ADD" && !value->is_number())
            return invalid("ADD " + update_path_text(*path) +
                           ": settled adds numbers only (not sets or other values)");
          list.push_back(json::object{{"path", std::move(*path)}, {"value", std::move(*value)}});
        }
        skip_space();
        if (!take(',')) break;
      }
      out[keyword == "SET" ? "set" : keyword == "REMOVE" ? "remove" : "add"] = std::move(list);
    }
    for (const auto& n : names_)
      if (!used_names_.count(std::string(n.key())))
        return Error{ErrorCode::kInvalidRequest,
                     "Value provided in ExpressionAttributeNames unused in expressions: keys: {" +
                         std::string(n.key()) + "}"};
    for (const auto& v : values_)
      if (!used_values_.count(std::string(v.key())))
        return Error{ErrorCode::kInvalidRequest,
                     "Value provided in ExpressionAttributeValues unused in expressions: keys: {" +
                         std::string(v.key()) + "}"};
    return out;
  }

 private:
  bool at_end() const { return i_ >= s_.size(); }
  void skip_space() {
    while (!at_end() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
  }
  bool take(char c) {
    if (at_end() || s_[i_] != c) return false;
    ++i_;
    return true;
  }
  std::string_view word() {
    skip_space();
    const std::size_t start = i_;
    while (!at_end() && word_char(s_[i_])) ++i_;
    return s_.substr(start, i_ - start);
  }

  Result<json::array> parse_path() {
    json::array path;
    for (;;) {
      skip_space();
      const std::size_t at = i_;
      std::string element;
      if (take('#')) {
        const std::string placeholder = "#" + std::string(word_tail());
        if (placeholder.size() == 1)
          return invalid("a '#' without a name at offset " + std::to_string(at));
        const json::value* name = names_.if_contains(placeholder);
        if (!name || !name->is_string())
          return Error{ErrorCode::kInvalidRequest,
                       "An expression attribute name used in the document path is not "
                       "defined; attribute name: " +
                           placeholder};
        used_names_.insert(placeholder);
        element = std::string(name->as_string());
      } else {
        const std::string_view w = word();
        if (w.empty() || std::isdigit(static_cast<unsigned char>(w[0])))
          return invalid("expected an attribute name at offset " + std::to_string(at));
        if (is_keyword(upper(w)))
          return invalid("the reserved word " + std::string(w) +
                         " must be written as an expression attribute name (#name)");
        element = std::string(w);
      }
      if (element.empty()) return invalid("an attribute name must not be empty");
      path.push_back(json::string(element));
      if (path.size() > kMaxPathDepth)
        return invalid("a document path deeper than " + std::to_string(kMaxPathDepth) + " levels");
      if (!at_end() && s_[i_] == '[')
        return invalid("list indexes (" + update_path_text(path) +
                       "[...]) are not supported by settled");
      if (!at_end() && s_[i_] == '(')
        return invalid("functions (" + std::string(element) +
                       "(...)) are not supported by settled");
      if (!take('.')) return path;
    }
  }

  // Only the characters of a placeholder's name, with no space before them.
  std::string_view word_tail() {
    const std::size_t start = i_;
    while (!at_end() && word_char(s_[i_])) ++i_;
    return s_.substr(start, i_ - start);
  }

  Result<json::value> parse_value(const std::string& keyword, const json::array& path) {
    skip_space();
    const std::size_t at = i_;
    if (!take(':')) {
      const std::string_view w = word();
      skip_space();
      if (!w.empty() && !at_end() && s_[i_] == '(')
        return invalid(std::string(w) + "(...) in " + keyword + " " + update_path_text(path) +
                       " is not supported by settled (only :value)");
      return invalid(keyword + " " + update_path_text(path) +
                     ": settled takes only a :value here (no paths or arithmetic), at offset " +
                     std::to_string(at));
    }
    const std::string placeholder = ":" + std::string(word_tail());
    if (placeholder.size() == 1)
      return invalid("a ':' without a name at offset " + std::to_string(at));
    const json::value* value = values_.if_contains(placeholder);
    if (!value)
      return Error{ErrorCode::kInvalidRequest,
                   "An expression attribute value used in expression is not defined; attribute "
                   "value: " +
                       placeholder};
    used_values_.insert(placeholder);
    skip_space();
    if (!at_end() && (s_[i_] == '+' || s_[i_] == '-'))
      return invalid("arithmetic in " + keyword + " " + update_path_text(path) +
                     " is not supported by settled (use ADD for numbers)");
    return *value;
  }

  std::string_view s_;
  std::size_t i_ = 0;
  const json::object& names_;
  const json::object& values_;
  std::set<std::string> used_names_;
  std::set<std::string> used_values_;
};

}  // namespace

Result<json::object> parse_update_expression(std::string_view expression, const json::object& names,
                                             const json::object& values) {
  if (expression.size() > kMaxUpdateExpressionBytes)
    return invalid("longer than " + std::to_string(kMaxUpdateExpressionBytes) + " bytes");
  return Parser(expression, names, values).parse();
}

}  // namespace settled::aws
