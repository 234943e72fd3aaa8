#pragma once
// One state machine's executions, newest first, a page at a time: the index
// Table::kExecutionsByStart (domain/storage_keys.hpp started_key) and the records it names (its
// top-level ones, and the children AWS startExecution.sync tasks started under it).
// ListExecutions reads a page without reading the state machine's other executions.

#include "adapters/store/lmdb_store.hpp"
#include "domain/aws/arns.hpp"
#include "domain/execution_record.hpp"
#include "domain/result.hpp"

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace settled::adapters {

struct StartedQuery {
  std::string state_machine;
  std::size_t limit = 100;  // executions on the page, at least 1
  // The index key of the last row the previous page read ("" for the first page). A key that
  // is not this state machine's starts nowhere: the page is empty.
  std::string after;
  // Which records the page holds (empty: all of them).
  std::function<bool(const ExecutionRecord&)> match;
  // Index rows read at most per page, so a filter that matches little still answers quickly:
  // the page then holds fewer than `limit` and `last_key` says where the next one goes on.
  std::size_t max_scanned = 10000;
};

struct StartedPage {
  std::vector<ExecutionRecord> executions;
  std::string last_key;  // the last index row read; empty when no row follows it
};

// The page, or kStoreUnavailable while the index is not complete yet (a store from before the
// index, during its first start: the executions supervisor writes it then).
Result<StartedPage> list_started_executions(const LmdbStore& db, const StartedQuery& query);

// The settled id of the execution Step Functions knows as "<state machine>:<name>": that id
// itself for a top-level execution, a child's own id for a child named as AWS names it
// (Table::kChildExecutions), or nothing.
std::optional<std::string> find_named_execution(const LmdbStore& db, const std::string& aws_id);

// The settled id of the execution a caller names, for everything that takes an execution id
// (the native routes, the admin socket): a stored settled id as it is; an execution ARN of
// this daemon's region and account (what $$.Execution.Id gives a workflow, aws::execution_arn_of)
// as the execution it names. An ARN of another region or account, or one naming no execution, is
// ExecutionDoesNotExist saying why. Any other text is given back as it is, for the caller's
// own "does not exist" (execution_does_not_exist).
Result<std::string> resolve_execution_id(const LmdbStore& db, const aws::ArnScope& scope,
                                         const std::string& reference);

// ExecutionDoesNotExist for the execution a caller named `reference` (`why`, if given, after
// it): the reference quoted whole, or cut short when longer than any execution's id or ARN.
Error execution_does_not_exist(std::string_view reference, std::string_view why = {});

}  // namespace settled::adapters
