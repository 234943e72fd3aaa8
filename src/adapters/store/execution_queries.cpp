#include "adapters/store/execution_queries.hpp"

#include "adapters/store/history_reader.hpp"
#include "adapters/store/started_executions.hpp"
#include "domain/execution_record.hpp"
#include "domain/json_limits.hpp"
#include "domain/storage_keys.hpp"

#include <boost/json.hpp>

namespace settled::adapters {

namespace json = boost::json;

namespace {

// The marks the executions supervisor writes (storage_keys.hpp), in id order, as list rows:
// {executionId, status: "QUARANTINED", reason, cause, quarantinedAt}.
Result<json::object> list_quarantined(const LmdbStore& db, const ExecutionFilter& filter) {
  json::array executions;
  std::string last;
  bool more = false;
  const std::string prefix = std::string(kQuarantinePrefix) +
                             (filter.state_machine.empty() ? "" : filter.state_machine + ":");
  db.scan(
      Table::kMeta, prefix,
      [&](std::string_view key, std::string_view value) {
        if (executions.size() == filter.limit) {
          more = true;
          return false;
        }
        last = std::string(key);
        json::object row;
        row["executionId"] = std::string(key.substr(kQuarantinePrefix.size()));
        row["status"] = "QUARANTINED";
        auto mark = parse_stored_json(value, "quarantine mark");
        if (mark && mark->is_object()) {
          for (const char* field : {"reason", "cause"})
            if (const auto* v = mark->as_object().if_contains(field)) row[field] = *v;
          if (const auto* at = mark->as_object().if_contains("at")) row["quarantinedAt"] = *at;
        }
        executions.push_back(std::move(row));
        return true;
      },
      filter.cursor.empty() ? std::string() : std::string(kQuarantinePrefix) + filter.cursor);
  json::object out;
  out["executions"] = std::move(executions);
  if (more) out["nextCursor"] = last.substr(kQuarantinePrefix.size());
  return out;
}

}  // namespace

Result<json::object> list_executions(const LmdbStore& db, const ExecutionFilter& filter,
                                     std::size_t max_scanned) {
  if (!filter.status.empty() && filter.status != kQuarantinedStatus && !parse_status(filter.status))
    return Error{ErrorCode::kInvalidRequest,
                 "unknown status \"" + filter.status +
                     "\" (RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, QUARANTINED)"};
  if (filter.limit == 0 || filter.limit > 1000)
    return Error{ErrorCode::kInvalidRequest, "limit must be between 1 and 1000"};
  if (filter.status == kQuarantinedStatus) return list_quarantined(db, filter);
  const std::string prefix = filter.state_machine.empty() ? "" : filter.state_machine + ":";
  json::array executions;
  std::string last;
  std::size_t scanned = 0;
  bool more = false;
  db.scan(
      Table::kExecutions, prefix,
      [&](std::string_view key, std::string_view value) {
        if (executions.size() == filter.limit || scanned == max_scanned) {
          more = true;
          return false;
        }
        ++scanned;
        last = std::string(key);
        // Parallel branches and Map iterations are part of their parent, as in Step Functions'
        // ListExecutions; they are read by id.
        if (key.find('~') != std::string_view::npos) return true;
        auto record = ExecutionRecord::parse(value, last);
        if (!record) {
          // One unreadable record must not hide all the others: listed as what it is.
          if (filter.status.empty())
            executions.push_back(json::object{{"executionId", last},
                                              {"status", kQuarantinedStatus},
                                              {"cause", record.error().message}});
          return true;
        }
        if (!filter.status.empty() && filter.status != status_name(record->status)) return true;
        json::object row;
        row["executionId"] = record->id;
        row["stateMachine"] = record->state_machine;
        row["name"] = record->name;
        row["status"] = status_name(record->status);
        row["startDate"] = format_timestamp(record->start);
        if (record->status != ExecutionStatus::kRunning)
          row["stopDate"] = format_timestamp(record->stop);
        if (record->redrive_count) {
          row["redriveCount"] = record->redrive_count;
          row["redriveDate"] = format_timestamp(record->redrive_date);
        }
        executions.push_back(std::move(row));
        return true;
      },
      filter.cursor);
  json::object out;
  out["executions"] = std::move(executions);
  if (more) out["nextCursor"] = last;
  return out;
}

Result<json::object> describe_execution(const LmdbStore& db, const std::string& id) {
  auto stored = db.get(Table::kExecutions, id);
  if (!stored) return execution_does_not_exist(id);
  auto record = ExecutionRecord::parse(*stored, id);
  if (!record) return record.error();
  return record->describe();
}

Result<json::object> execution_history(const LmdbStore& db, const std::string& id,
                                       const aws::ArnScope& scope) {
  if (!db.get(Table::kExecutions, id)) return execution_does_not_exist(id);
  auto events = read_history_with_branches(db, id, scope);
  if (!events) return events.error();
  return json::object{{"executionId", id}, {"events", std::move(*events)}};
}

}  // namespace settled::adapters
