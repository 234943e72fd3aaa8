// libFuzzer target: dynamodb:updateItem's UpdateExpression and records.update's applier.
// Input: the expression on the first line, then a JSON object {"names": {...}, "values": {...},
// "record": {...}} (any part missing is empty). A refusal must be an InvalidRequest, never a
// crash; an expression that parses is applied to the record.

#include "domain/resources/records_update.hpp"
#include "domain/resources/update_expression.hpp"
#include "fuzz_input.hpp"

#include <string>

namespace {

const boost::json::object& object_at(const boost::json::value& v, const char* name) {
  static const boost::json::object empty;
  if (!v.is_object()) return empty;
  const boost::json::value* field = v.as_object().if_contains(name);
  return field && field->is_object() ? field->as_object() : empty;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace settled;
  const auto split = fuzz::split_line(fuzz::as_text(data, size));
  auto input = fuzz::parse_json(split.second, 64);
  if (!input) input = boost::json::object{};
  auto update = aws::parse_update_expression(split.first, object_at(*input, "names"),
                                             object_at(*input, "values"));
  if (!update) {
    if (update.error().code != ErrorCode::kInvalidRequest) __builtin_trap();
    return 0;
  }
  auto applied = apply_record_update(object_at(*input, "record"), *update);
  if (!applied && applied.error().code != ErrorCode::kInvalidRequest) __builtin_trap();
  return 0;
}
