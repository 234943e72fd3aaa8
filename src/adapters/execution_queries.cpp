#include "adapters/execution_queries.hpp"

#include "adapters/history_reader.hpp"
#include "domain/execution_record.hpp"
#include "domain/json_limits.hpp"

#include <boost/json.hpp>

namespace settled::adapters {

namespace json = boost::json;

Result<json::object> list_executions(const LmdbStore& db, const ExecutionFilter& filter,
                                     std::size_t max_scanned) {
  if (!filter.status.empty() && !parse_status(filter.status))
    return Error{ErrorCode::kInvalidRequest,
                 "unknown status \"" + filter.status +
                     "\" (RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED)"};
  if (filter.limit == 0 || filter.limit > 1000)
    return Error{ErrorCode::kInvalidRequest, "limit must be between 1 and 1000"};
  const std::string prefix = filter.state_machine.empty() ? "" : filter.state_machine + ":";
  json::array executions;
  std::string last;
  std::size_t scanned = 0;
  bool more = false;
  Error corrupt;
  bool failed = false;
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
        boost::system::error_code ec;
        auto parsed = parse_stored_json(value, ec);
        auto record = ec ? Result<ExecutionRecord>(ErrorCode::kInternal, ec.message())
                         : ExecutionRecord::from_json(parsed);
        if (!record) {
          corrupt =
              Error{ErrorCode::kInternal, "execution " + last + ": " + record.error().message};
          failed = true;
          return false;
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
        executions.push_back(std::move(row));
        return true;
      },
      filter.cursor);
  if (failed) return corrupt;
  json::object out;
  out["executions"] = std::move(executions);
  if (more) out["nextCursor"] = last;
  return out;
}

Result<json::object> describe_execution(const LmdbStore& db, const std::string& id) {
  auto stored = db.get(Table::kExecutions, id);
  if (!stored)
    return Error{ErrorCode::kExecutionDoesNotExist, "execution \"" + id + "\" does not exist"};
  auto record = ExecutionRecord::from_json(parse_stored_json(*stored));
  if (!record) return record.error();
  return record->describe();
}

Result<json::object> execution_history(const LmdbStore& db, const std::string& id) {
  if (!db.get(Table::kExecutions, id))
    return Error{ErrorCode::kExecutionDoesNotExist, "execution \"" + id + "\" does not exist"};
  return json::object{{"executionId", id}, {"events", read_history_with_branches(db, id)}};
}

}  // namespace settled::adapters
