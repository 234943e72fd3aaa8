#include "domain/ledger/json_read.hpp"

namespace settled::ledger::detail {

namespace json = boost::json;

namespace {

Error corrupt(std::string_view what, std::string_view key, std::string_view why) {
  return Error(ErrorCode::kInternal,
               "stored " + std::string(what) + ": " + std::string(key) + " " + std::string(why));
}

}  // namespace

Result<const json::object*> read_object(const json::value& value, std::string_view what) {
  if (!value.is_object())
    return Error(ErrorCode::kInternal, "stored " + std::string(what) + " is not a JSON object");
  return &value.get_object();
}

Result<std::string> read_string(const json::object& obj, std::string_view key,
                                std::string_view what) {
  const json::value* v = obj.if_contains(key);
  if (v == nullptr) return corrupt(what, key, "is missing");
  if (!v->is_string()) return corrupt(what, key, "is not a string");
  return std::string(v->get_string());
}

Result<std::optional<std::string>> read_optional_string(const json::object& obj,
                                                        std::string_view key,
                                                        std::string_view what) {
  const json::value* v = obj.if_contains(key);
  if (v == nullptr) return std::optional<std::string>();
  if (!v->is_string()) return corrupt(what, key, "is not a string");
  return std::optional<std::string>(std::string(v->get_string()));
}

Result<std::int64_t> read_int(const json::object& obj, std::string_view key,
                              std::string_view what) {
  const json::value* v = obj.if_contains(key);
  if (v == nullptr) return corrupt(what, key, "is missing");
  // Stored amounts are always written as int64; anything else was not written by us.
  if (!v->is_int64()) return corrupt(what, key, "is not an int64");
  return v->get_int64();
}

}  // namespace settled::ledger::detail
