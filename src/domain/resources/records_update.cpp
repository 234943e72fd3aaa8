#include "domain/resources/records_update.hpp"

#include "domain/asl/interpreter.hpp"
#include "domain/json_size.hpp"
#include "domain/resources/records.hpp"
#include "domain/storage_keys.hpp"

#include <boost/json.hpp>

#include <cstdint>

#include <limits>

namespace settled {

namespace json = boost::json;

namespace {

constexpr std::size_t kMaxPathElements = 32;
constexpr std::size_t kMaxActions = 100;

Error refused(const std::string& why) {
  return Error{ErrorCode::kInvalidRequest, why};
}

// A path: an array of 1-32 non-empty strings.
Result<const json::array*> path_of(const json::value& v, const std::string& where) {
  if (!v.is_array() || v.as_array().empty() || v.as_array().size() > kMaxPathElements)
    return refused(where + " must be an array of 1-" + std::to_string(kMaxPathElements) +
                   " attribute names");
  for (const auto& e : v.as_array())
    if (!e.is_string() || e.as_string().empty())
      return refused(where + " must be an array of non-empty strings");
  return &v.as_array();
}

// The object that holds the path's last element; nullptr when a parent is missing or not an
// object (DynamoDB: the document path is invalid for update).
json::object* parent_of(json::object& record, const json::array& path) {
  json::object* at = &record;
  for (std::size_t i = 0; i + 1 < path.size(); ++i) {
    json::value* next = at->if_contains(path[i].as_string());
    if (!next || !next->is_object()) return nullptr;
    at = &next->as_object();
  }
  return at;
}

Error invalid_path(const json::array& path) {
  return refused("The document path provided in the update expression is invalid for update: " +
                 update_path_text(path));
}

Result<json::value> add_numbers(const json::value& a, const json::value& b,
                                const json::array& path) {
  if (!a.is_number() || !b.is_number())
    return refused("ADD " + update_path_text(path) +
                   ": the attribute and the value must be numbers");
  // An integer that fits int64 (a uint64 above it does not: found by the fuzzer).
  const auto as_int64 = [](const json::value& v, std::int64_t& out) {
    if (v.is_int64()) {
      out = v.get_int64();
      return true;
    }
    if (v.is_uint64() && v.get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
      out = static_cast<std::int64_t>(v.get_uint64());
      return true;
    }
    return false;
  };
  if (!a.is_double() && !b.is_double()) {
    // Exact: money in minor units stays int64; an overflow is refused, never rounded.
    std::int64_t x = 0, y = 0, sum = 0;
    if (!as_int64(a, x) || !as_int64(b, y) || __builtin_add_overflow(x, y, &sum))
      return refused("ADD " + update_path_text(path) +
                     ": the sum is outside the 64-bit integer range");
    return json::value(sum);
  }
  const auto as_double = [](const json::value& v) {
    if (v.is_double()) return v.get_double();
    if (v.is_int64()) return static_cast<double>(v.get_int64());
    return static_cast<double>(v.get_uint64());
  };
  return json::value(as_double(a) + as_double(b));
}

const json::array* list_field(const json::object& update, const char* name, Error& error) {
  const json::value* v = update.if_contains(name);
  if (!v) return nullptr;
  if (!v->is_array() || v->as_array().size() > kMaxActions) {
    error = refused(std::string("parameters.") + name + " must be an array of at most " +
                    std::to_string(kMaxActions) + " actions");
    return nullptr;
  }
  return &v->as_array();
}

}  // namespace

std::string update_path_text(const json::array& path) {
  std::string out;
  for (const auto& e : path) {
    if (!out.empty()) out += '.';
    out += std::string(e.as_string());
  }
  return out;
}

Result<json::object> apply_record_update(json::object record, const json::object& update) {
  Error error{ErrorCode::kInvalidRequest, ""};
  const json::array* set = list_field(update, "set", error);
  const json::array* remove = list_field(update, "remove", error);
  const json::array* add = list_field(update, "add", error);
  if (!error.message.empty()) return error;
  if (set) {
    for (std::size_t i = 0; i < set->size(); ++i) {
      const std::string where = "parameters.set[" + std::to_string(i) + "]";
      const json::value& action = (*set)[i];
      if (!action.is_object() || !action.as_object().contains("path") ||
          !action.as_object().contains("value"))
        return refused(where + " must be an object {path, value}");
      auto path = path_of(action.as_object().at("path"), where + ".path");
      if (!path) return path.error();
      json::object* parent = parent_of(record, **path);
      if (!parent) return invalid_path(**path);
      (*parent)[(*path)->back().as_string()] = action.as_object().at("value");
    }
  }
  if (remove) {
    for (std::size_t i = 0; i < remove->size(); ++i) {
      auto path = path_of((*remove)[i], "parameters.remove[" + std::to_string(i) + "]");
      if (!path) return path.error();
      json::object* parent = parent_of(record, **path);
      if (!parent) return invalid_path(**path);
      parent->erase((*path)->back().as_string());
    }
  }
  if (add) {
    for (std::size_t i = 0; i < add->size(); ++i) {
      const std::string where = "parameters.add[" + std::to_string(i) + "]";
      const json::value& action = (*add)[i];
      if (!action.is_object() || !action.as_object().contains("path") ||
          !action.as_object().contains("value"))
        return refused(where + " must be an object {path, value}");
      auto path = path_of(action.as_object().at("path"), where + ".path");
      if (!path) return path.error();
      const json::value& amount = action.as_object().at("value");
      json::object* parent = parent_of(record, **path);
      if (!parent) return invalid_path(**path);
      const json::string_view name = (*path)->back().as_string();
      json::value* current = parent->if_contains(name);
      if (!current) {
        if (!amount.is_number())
          return refused("ADD " + update_path_text(**path) + ": not a number");
        (*parent)[name] = amount;
        continue;
      }
      auto sum = add_numbers(*current, amount, **path);
      if (!sum) return sum.error();
      *current = std::move(*sum);
    }
  }
  return record;
}

TaskOutcome run_records_update(const TaskAttempt& attempt, const json::value* stored) {
  auto address = records_address(attempt.parameters);
  if (!address) return TaskOutcome::failure(kRecordsInvalidParameters, address.error().message);
  const auto& o = attempt.parameters.as_object();
  json::array updated;
  for (const auto& field : o) {
    const json::string_view k = field.key();
    if (k != "collection" && k != "key" && k != "initial" && k != "set" && k != "remove" &&
        k != "add")
      return TaskOutcome::failure(
          kRecordsInvalidParameters,
          "parameters." + std::string(k) +
              " is unknown (allowed: collection, key, initial, set, remove, add)");
  }
  json::object record;
  const json::value* previous = nullptr;
  if (stored) {
    const json::value* r =
        stored->is_object() ? stored->as_object().if_contains("record") : nullptr;
    if (!r || !r->is_object())
      return TaskOutcome::failure(kRecordsCorrupt, "record '" + address->key + "' in collection '" +
                                                       address->collection + "' has no record");
    previous = r;
    record = r->as_object();
  } else if (const json::value* initial = o.if_contains("initial")) {
    if (!initial->is_object())
      return TaskOutcome::failure(kRecordsInvalidParameters,
                                  "parameters.initial must be an object");
    record = initial->as_object();
  }
  auto applied = apply_record_update(std::move(record), o);
  if (!applied) return TaskOutcome::failure(kRecordsInvalidParameters, applied.error().message);
  for (const char* list : {"set", "add"})
    if (const json::value* v = o.if_contains(list))
      for (const auto& action : v->as_array()) updated.push_back(action.as_object().at("path"));
  if (const json::value* v = o.if_contains("remove"))
    for (const auto& path : v->as_array()) updated.push_back(path);
  const json::value as_value(*applied);
  if (serialized_size(as_value, asl::kPayloadLimitBytes) > asl::kPayloadLimitBytes)
    return TaskOutcome::failure(kRecordsInvalidParameters,
                                "the updated record exceeds the limit of " +
                                    std::to_string(asl::kPayloadLimitBytes) +
                                    " bytes of JSON text");
  json::object written{{"collection", address->collection},
                       {"key", address->key},
                       {"record", as_value},
                       {"updatedAt", format_timestamp(attempt.now)}};
  WriteBatch writes;
  writes.put(Table::kRecords, record_key(address->collection, address->key),
             json::serialize(written));
  json::object result = written;
  if (previous) result["previous"] = *previous;
  result["updated"] = std::move(updated);
  return TaskOutcome::success(std::move(result), std::move(writes));
}

TaskOutcome run_records_delete(const TaskAttempt& attempt, const json::value* stored) {
  auto address = records_address(attempt.parameters);
  if (!address) return TaskOutcome::failure(kRecordsInvalidParameters, address.error().message);
  for (const auto& field : attempt.parameters.as_object()) {
    if (field.key() != "collection" && field.key() != "key")
      return TaskOutcome::failure(
          kRecordsInvalidParameters,
          "parameters." + std::string(field.key()) + " is unknown (allowed: collection, key)");
  }
  json::object result{{"collection", address->collection}, {"key", address->key}};
  WriteBatch writes;
  if (stored) {
    if (const json::value* r =
            stored->is_object() ? stored->as_object().if_contains("record") : nullptr)
      result["previous"] = *r;
    writes.erase(Table::kRecords, record_key(address->collection, address->key));
  }
  return TaskOutcome::success(std::move(result), std::move(writes));
}

}  // namespace settled
