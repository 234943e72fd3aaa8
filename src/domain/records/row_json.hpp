#pragma once
// What every versioned JSON row codec in src/domain/records does first: parse the stored text
// without throwing, check it is an object, and check its "v" (a row without one is version 1,
// written before the field existed). Errors are RecordCorrupt, prefixed with the row's name.

#include "domain/json_limits.hpp"
#include "domain/result.hpp"

#include <boost/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace settled::records {

inline Error corrupt_row(std::string_view row, const std::string& why) {
  return Error{ErrorCode::kRecordCorrupt, std::string(row) + ": " + why};
}

inline Result<boost::json::object> read_row_object(std::string_view text, std::string_view row,
                                                   std::int64_t version) {
  auto parsed = parse_stored_json(text, row);
  if (!parsed) return parsed.error();
  boost::json::object* object = parsed->if_object();
  if (!object) return corrupt_row(row, "not a JSON object");
  if (const boost::json::value* v = object->if_contains("v");
      v && !(v->is_int64() && v->as_int64() == version))
    return corrupt_row(row, "unknown version " + boost::json::serialize(*v));
  return std::move(*object);
}

}  // namespace settled::records
