#include "domain/resources/dynamodb_writes.hpp"

#include "domain/resources/dynamodb_values.hpp"
#include "domain/resources/update_expression.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <vector>

namespace settled::aws {

namespace json = boost::json;

namespace {

Error invalid(const std::string& why) {
  return Error{ErrorCode::kInvalidRequest, why};
}

const json::string* string_field(const json::object& o, std::string_view name) {
  const json::value* v = o.if_contains(name);
  return v && v->is_string() ? &v->as_string() : nullptr;
}

// Only the parameters the operation takes; the first other one is named.
Result<Unit> only(const json::object& p, std::initializer_list<std::string_view> allowed,
                  const char* operation) {
  for (const auto& field : p)
    if (std::find(allowed.begin(), allowed.end(), std::string_view(field.key())) == allowed.end())
      return invalid("Parameters." + std::string(field.key()) +
                     " is not supported by settled's dynamodb:" + operation);
  return Unit{};
}

struct ItemKey {
  std::string table;
  json::object attributes;  // the Key as plain JSON
  std::vector<std::string> names;
  std::string key;  // the record key
};

// TableName and Key, as getItem reads them: the table's key attributes from resource-map, or
// (without a mapping) the Key's own attributes.
Result<ItemKey> item_key_of(const ResourceMap& map, const json::object& p) {
  const json::string* table = string_field(p, "TableName");
  if (!table) return invalid("Parameters.TableName must be a string");
  const json::value* given = p.if_contains("Key");
  if (!given) return invalid("Parameters.Key is required");
  auto plain = from_attribute_map(*given, "Key");
  if (!plain) return plain.error();
  ItemKey out;
  out.table = std::string(*table);
  if (auto t = map.tables.find(out.table); t != map.tables.end()) {
    out.names = t->second;
  } else {
    for (const auto& k : *plain) out.names.emplace_back(k.key());
  }
  if (plain->size() != out.names.size() || out.names.empty())
    return invalid("The provided key element does not match the schema");
  auto key = item_key(*plain, out.names, "Key");
  if (!key) return key.error();
  out.attributes = std::move(*plain);
  out.key = std::move(*key);
  return out;
}

Result<Unit> return_values_ok(const json::object& p, std::initializer_list<std::string_view> ok,
                              const char* operation) {
  const json::value* v = p.if_contains("ReturnValues");
  if (!v) return Unit{};
  if (v->is_string() &&
      std::find(ok.begin(), ok.end(), std::string_view(v->as_string())) != ok.end())
    return Unit{};
  std::string list;
  for (auto name : ok) list += (list.empty() ? "" : ", ") + std::string(name);
  return invalid("Parameters.ReturnValues of dynamodb:" + std::string(operation) +
                 " must be one of " + list);
}

std::string return_values(const json::value& parameters) {
  if (!parameters.is_object()) return "NONE";
  const json::string* v = string_field(parameters.as_object(), "ReturnValues");
  return v ? std::string(*v) : "NONE";
}

const json::object* object_in(const json::value& result, std::string_view name) {
  if (!result.is_object()) return nullptr;
  const json::value* v = result.as_object().if_contains(name);
  return v && v->is_object() ? &v->as_object() : nullptr;
}

// The parts of `from` at the given paths, nested as they are there (a path that is not there
// adds nothing).
json::object project(const json::object& from, const json::array& paths) {
  json::object out;
  for (const auto& p : paths) {
    if (!p.is_array() || p.as_array().empty()) continue;
    const auto& path = p.as_array();
    const json::object* src = &from;
    const json::value* leaf = nullptr;
    for (std::size_t i = 0; src && i < path.size(); ++i) {
      if (!path[i].is_string()) break;
      const json::value* v = src->if_contains(path[i].as_string());
      if (!v) break;
      if (i + 1 == path.size()) leaf = v;
      src = v->is_object() ? &v->as_object() : nullptr;
    }
    if (!leaf) continue;
    json::object* dst = &out;
    for (std::size_t i = 0; i + 1 < path.size(); ++i) {
      json::value& next = (*dst)[path[i].as_string()];
      if (!next.is_object()) next = json::object{};
      dst = &next.as_object();
    }
    (*dst)[path.back().as_string()] = *leaf;
  }
  return out;
}

void set_attributes(json::object& answer, const json::object* item) {
  if (item && !item->empty()) answer["Attributes"] = to_attribute_map(*item);
}

}  // namespace

Result<json::object> update_item_parameters(const ResourceMap& map, const json::value& parameters) {
  if (!parameters.is_object()) return invalid("Parameters must be an object");
  const auto& p = parameters.as_object();
  if (auto st = only(p,
                     {"TableName", "Key", "UpdateExpression", "ExpressionAttributeNames",
                      "ExpressionAttributeValues", "ReturnValues", "ReturnConsumedCapacity"},
                     "updateItem");
      !st)
    return st.error();
  auto key = item_key_of(map, p);
  if (!key) return key.error();
  if (auto st = return_values_ok(p, {"NONE", "ALL_OLD", "ALL_NEW", "UPDATED_OLD", "UPDATED_NEW"},
                                 "updateItem");
      !st)
    return st.error();
  const json::string* expression = string_field(p, "UpdateExpression");
  if (!expression)
    return invalid(
        "Parameters.UpdateExpression is required (settled does not take "
        "AttributeUpdates)");
  json::object names;
  if (const json::value* n = p.if_contains("ExpressionAttributeNames")) {
    if (!n->is_object()) return invalid("Parameters.ExpressionAttributeNames must be an object");
    for (const auto& e : n->as_object())
      if (!e.value().is_string() || e.value().as_string().empty())
        return invalid("ExpressionAttributeNames." + std::string(e.key()) +
                       " must be a non-empty string");
    names = n->as_object();
  }
  json::object values;
  if (const json::value* v = p.if_contains("ExpressionAttributeValues")) {
    auto plain = from_attribute_map(*v, "ExpressionAttributeValues");
    if (!plain) return plain.error();
    values = std::move(*plain);
  }
  auto update = parse_update_expression(*expression, names, values);
  if (!update) return update.error();
  // DynamoDB: a key attribute cannot be updated.
  for (const char* list : {"set", "add"})
    if (const json::value* actions = update->if_contains(list))
      for (const auto& a : actions->as_array()) {
        const auto& first = a.as_object().at("path").as_array()[0].as_string();
        if (std::find(key->names.begin(), key->names.end(), std::string(first)) != key->names.end())
          return invalid("Cannot update attribute " + std::string(first) +
                         ". This attribute is part of the key");
      }
  if (const json::value* paths = update->if_contains("remove"))
    for (const auto& path : paths->as_array()) {
      const auto& first = path.as_array()[0].as_string();
      if (std::find(key->names.begin(), key->names.end(), std::string(first)) != key->names.end())
        return invalid("Cannot update attribute " + std::string(first) +
                       ". This attribute is part of the key");
    }
  json::object out{
      {"collection", key->table}, {"key", key->key}, {"initial", std::move(key->attributes)}};
  for (auto& field : *update) out[field.key()] = std::move(field.value());
  return out;
}

Result<json::object> delete_item_parameters(const ResourceMap& map, const json::value& parameters) {
  if (!parameters.is_object()) return invalid("Parameters must be an object");
  const auto& p = parameters.as_object();
  if (auto st =
          only(p, {"TableName", "Key", "ReturnValues", "ReturnConsumedCapacity"}, "deleteItem");
      !st)
    return st.error();
  auto key = item_key_of(map, p);
  if (!key) return key.error();
  if (auto st = return_values_ok(p, {"NONE", "ALL_OLD"}, "deleteItem"); !st) return st.error();
  return json::object{{"collection", key->table}, {"key", key->key}};
}

json::object update_item_answer(const json::value& result, const json::value& parameters) {
  json::object answer;
  const std::string wanted = return_values(parameters);
  const json::object* now = object_in(result, "record");
  const json::object* before = object_in(result, "previous");
  const json::value* updated =
      result.is_object() ? result.as_object().if_contains("updated") : nullptr;
  const json::array no_paths;
  const json::array& paths = updated && updated->is_array() ? updated->as_array() : no_paths;
  if (wanted == "ALL_NEW") {
    set_attributes(answer, now);
  } else if (wanted == "ALL_OLD") {
    set_attributes(answer, before);
  } else if (wanted == "UPDATED_NEW" && now) {
    const json::object part = project(*now, paths);
    set_attributes(answer, &part);
  } else if (wanted == "UPDATED_OLD" && before) {
    const json::object part = project(*before, paths);
    set_attributes(answer, &part);
  }
  return answer;
}

json::object delete_item_answer(const json::value& result, const json::value& parameters) {
  json::object answer;
  if (return_values(parameters) == "ALL_OLD") set_attributes(answer, object_in(result, "previous"));
  return answer;
}

}  // namespace settled::aws
