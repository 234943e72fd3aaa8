#pragma once
// Read-only views of stored executions for operators (list with filters and a cursor, describe,
// history), served from LMDB read transactions on the caller's thread.

#include "adapters/store/lmdb_store.hpp"
#include "domain/aws/arns.hpp"
#include "domain/result.hpp"

#include <boost/json/object.hpp>

#include <cstddef>
#include <string>

namespace settled::adapters {

// Not an execution status: executions set aside by the supervisor (unreadable record, crashed
// actor). Listing with it reads the supervisor's marks; an unreadable record shows as it anyway.
inline constexpr const char* kQuarantinedStatus = "QUARANTINED";

struct ExecutionFilter {
  std::string state_machine;  // empty: all
  std::string status;  // RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, QUARANTINED; empty: all
  std::size_t limit = 100;
  std::string cursor;  // "nextCursor" of the previous page
};

// Scans at most `max_scanned` records per call, so a filter that matches little still answers
// quickly; "nextCursor" then continues where the scan stopped. Executions come in id order.
// {"executions": [{executionId, stateMachine, name, status, startDate, stopDate?}],
//  "nextCursor": "..." (absent on the last page)}
Result<boost::json::object> list_executions(const LmdbStore& db, const ExecutionFilter& filter,
                                            std::size_t max_scanned = 10000);

Result<boost::json::object> describe_execution(const LmdbStore& db, const std::string& id);

// {"executionId", "events": [...]}: read_history_with_branches (history_reader.hpp) in `scope`.
Result<boost::json::object> execution_history(const LmdbStore& db, const std::string& id,
                                              const aws::ArnScope& scope);

}  // namespace settled::adapters
