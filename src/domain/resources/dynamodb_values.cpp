#include "domain/resources/dynamodb_values.hpp"

#include "domain/json_limits.hpp"

#include <boost/json.hpp>

#include <charconv>
#include <cstdint>

namespace settled::aws {

namespace json = boost::json;

namespace {

Error invalid(const std::string& where, const std::string& why) {
  return Error{ErrorCode::kInvalidRequest, where + ": " + why};
}

// "N" text → a JSON number: an integer when it is one (exact), else a double.
Result<json::value> number_of(std::string_view text, const std::string& where) {
  std::int64_t whole = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), whole);
  if (ec == std::errc() && end == text.data() + text.size() && !text.empty())
    return json::value(whole);
  json::error_code jec;
  json::value parsed = json::parse(text, jec);
  if (jec || !parsed.is_number())
    return invalid(
        where, "N must be the text of a number, not \"" + std::string(text.substr(0, 40)) + "\"");
  if (const std::string why = inexact_number_problem(parsed, text); !why.empty())
    return invalid(where, "N \"" + std::string(text.substr(0, 40)) + "\" is " + why);
  return parsed;
}

Result<json::value> from_value(const json::value& av, const std::string& where, int depth) {
  if (depth > kMaxAttributeDepth)
    return invalid(where, "nested deeper than " + std::to_string(kMaxAttributeDepth) + " levels");
  if (!av.is_object() || av.as_object().size() != 1)
    return invalid(where, "an attribute value is an object with one type key (S, N, M, ...)");
  // Named members, not a structured binding: clang 14 (the fuzz tree) refuses to capture one in
  // a lambda before C++20.
  const auto& only = *av.as_object().begin();
  const json::string_view type = only.key();
  const json::value& v = only.value();
  auto string_list = [&](bool numbers) -> Result<json::value> {
    if (!v.is_array()) return invalid(where, std::string(type) + " must be an array");
    json::array out;
    for (const auto& item : v.as_array()) {
      if (!item.is_string())
        return invalid(where, std::string(type) + " must be an array of strings");
      if (numbers) {
        auto n = number_of(item.as_string(), where);
        if (!n) return n.error();
        out.push_back(std::move(*n));
      } else {
        out.push_back(item);
      }
    }
    return json::value(std::move(out));
  };
  if (type == "S" || type == "B") {
    if (!v.is_string()) return invalid(where, std::string(type) + " must be a string");
    return v;
  }
  if (type == "N") {
    if (!v.is_string()) return invalid(where, "N must be a string (the number's text)");
    return number_of(v.as_string(), where);
  }
  if (type == "BOOL") {
    if (!v.is_bool()) return invalid(where, "BOOL must be true or false");
    return v;
  }
  if (type == "NULL") {
    if (!v.is_bool() || !v.as_bool()) return invalid(where, "NULL must be true");
    return json::value(nullptr);
  }
  if (type == "SS" || type == "BS") return string_list(false);
  if (type == "NS") return string_list(true);
  if (type == "L") {
    if (!v.is_array()) return invalid(where, "L must be an array");
    json::array out;
    std::size_t i = 0;
    for (const auto& item : v.as_array()) {
      auto e = from_value(item, where + "[" + std::to_string(i++) + "]", depth + 1);
      if (!e) return e.error();
      out.push_back(std::move(*e));
    }
    return json::value(std::move(out));
  }
  if (type == "M") {
    if (!v.is_object()) return invalid(where, "M must be an object");
    json::object out;
    for (const auto& field : v.as_object()) {
      auto e = from_value(field.value(), where + "." + std::string(field.key()), depth + 1);
      if (!e) return e.error();
      out[field.key()] = std::move(*e);
    }
    return json::value(std::move(out));
  }
  return invalid(where, "unknown attribute type \"" + std::string(type.substr(0, 20)) + "\"");
}

}  // namespace

Result<json::value> from_attribute_value(const json::value& av, const std::string& where) {
  return from_value(av, where, 0);
}

Result<json::object> from_attribute_map(const json::value& map, const std::string& where) {
  if (!map.is_object()) return invalid(where, "must be an object of attribute values");
  json::object out;
  for (const auto& field : map.as_object()) {
    auto v = from_value(field.value(), where + "." + std::string(field.key()), 1);
    if (!v) return v.error();
    out[field.key()] = std::move(*v);
  }
  return out;
}

json::value to_attribute_value(const json::value& value) {
  switch (value.kind()) {
    case json::kind::string:
      return json::object{{"S", value.as_string()}};
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      return json::object{{"N", json::serialize(value)}};
    case json::kind::bool_:
      return json::object{{"BOOL", value.as_bool()}};
    case json::kind::null:
      return json::object{{"NULL", true}};
    case json::kind::array: {
      json::array out;
      for (const auto& item : value.as_array()) out.push_back(to_attribute_value(item));
      return json::object{{"L", std::move(out)}};
    }
    case json::kind::object:
      return json::object{{"M", to_attribute_map(value.as_object())}};
  }
  return json::object{{"NULL", true}};
}

json::object to_attribute_map(const json::object& record) {
  json::object out;
  for (const auto& field : record) out[field.key()] = to_attribute_value(field.value());
  return out;
}

Result<std::string> item_key(const json::object& item,
                             const std::vector<std::string>& key_attributes,
                             const std::string& where) {
  std::string key;
  for (const auto& name : key_attributes) {
    const json::value* v = item.if_contains(name);
    if (!v) return invalid(where, "the key attribute \"" + name + "\" is missing");
    if (!key.empty()) key += '#';
    if (v->is_string())
      key += std::string(v->as_string());
    else if (v->is_int64() || v->is_uint64())
      key += json::serialize(*v);
    else
      return invalid(where + "." + name, "a key attribute must be a string (S) or a number (N)");
  }
  return key;
}

}  // namespace settled::aws
