#include "domain/resources/records.hpp"

#include "domain/asl/interpreter.hpp"
#include "domain/json_append.hpp"
#include "domain/json_size.hpp"
#include "domain/path_segment.hpp"
#include "domain/storage_keys.hpp"

#include <boost/json.hpp>

namespace settled {

namespace json = boost::json;

Result<RecordAddress> records_address(const json::value& parameters) {
  if (!parameters.is_object())
    return Error{ErrorCode::kInvalidRequest, "parameters must be an object"};
  const auto& o = parameters.as_object();
  RecordAddress a;
  for (const char* field : {"collection", "key"}) {
    const json::value* v = o.if_contains(field);
    if (!v || !v->is_string() || v->as_string().empty() || v->as_string().size() > 200)
      return Error{ErrorCode::kInvalidRequest,
                   std::string("parameters.") + field + " must be a string of 1-200 characters"};
    // Read back by GET /v1/records/{collection}/{key}: a record stored under text no path
    // segment can carry (a "/", a control character, "..") could never be read, and one holding
    // a NUL would be keyed inside another collection's (collection + NUL + key).
    if (const SegmentProblem problem = segment_problem(v->as_string());
        problem != SegmentProblem::kNone)
      return Error{
          ErrorCode::kInvalidRequest,
          std::string("parameters.") + field +
              " must be text a request path can name (GET /v1/records/{collection}/{key}); "
              "it has " +
              std::string(describe(problem))};
  }
  a.collection = std::string(o.at("collection").as_string());
  a.key = std::string(o.at("key").as_string());
  return a;
}

TaskOutcome run_records_put(const TaskAttempt& attempt) {
  auto address = records_address(attempt.parameters);
  if (!address) return TaskOutcome::failure(kRecordsInvalidParameters, address.error().message);
  const auto& o = attempt.parameters.as_object();
  for (const auto& [key, value] : o) {
    if (key != "collection" && key != "key" && key != "record" && key != "merge")
      return TaskOutcome::failure(kRecordsInvalidParameters,
                                  "parameters." + std::string(key) +
                                      " is unknown (allowed: collection, key, record, merge)");
  }
  const json::value* given = o.if_contains("record");
  if (!given || !given->is_object())
    return TaskOutcome::failure(kRecordsInvalidParameters, "parameters.record must be an object");
  json::value merged;
  const json::value* record = given;
  if (const json::value* merge = o.if_contains("merge")) {
    // Like DynamoDB's UpdateItem SET: the fields given replace or add to the record the workflow
    // carries (usually the result of its previous put), so a status change names only what moves.
    if (!merge->is_object())
      return TaskOutcome::failure(kRecordsInvalidParameters, "parameters.merge must be an object");
    merged = *given;
    for (const auto& field : merge->as_object()) merged.as_object()[field.key()] = field.value();
    record = &merged;
  }
  // A record is read back whole (GET /v1/records, records.get into a state): it must fit the
  // payload limit every state's data has.
  if (serialized_size(*record, asl::kPayloadLimitBytes) > asl::kPayloadLimitBytes)
    return TaskOutcome::failure(kRecordsInvalidParameters,
                                "parameters.record exceeds the limit of " +
                                    std::to_string(asl::kPayloadLimitBytes) +
                                    " bytes of JSON text");
  json::object stored(4);
  stored["collection"] = address->collection;
  stored["key"] = address->key;
  stored["record"] = *record;
  stored["updatedAt"] = format_timestamp(attempt.now);
  WriteBatch writes;
  writes.put(Table::kRecords, record_key(address->collection, address->key), json_text(stored));
  return TaskOutcome::success(std::move(stored), std::move(writes));
}

}  // namespace settled
