#include "adapters/store/started_executions.hpp"

#include "domain/storage_keys.hpp"
#include "domain/utf8.hpp"

namespace settled::adapters {

Result<StartedPage> list_started_executions(const LmdbStore& db, const StartedQuery& query) {
  if (!db.get(Table::kMeta, std::string(kStartedIndexKey)))
    return Error{ErrorCode::kStoreUnavailable,
                 "executions are being indexed (the first start of a store from before the "
                 "index); try again"};
  const std::string prefix = started_prefix(query.state_machine);
  const std::size_t limit = query.limit == 0 ? 1 : query.limit;
  StartedPage page;
  std::string after = query.after;
  if (!after.empty() && after.compare(0, prefix.size(), prefix) != 0) return page;
  std::size_t scanned = 0;
  // The rows are read in chunks, their records after each chunk (a record read is its own read
  // transaction, not one nested in the scan's).
  const std::size_t chunk = std::min<std::size_t>(limit + 1, 1000);
  while (true) {
    std::vector<std::string> keys;
    std::vector<std::string> ids;  // "" for "<state machine>:<name>"
    db.scan(
        Table::kExecutionsByStart, prefix,
        [&](std::string_view key, std::string_view value) {
          keys.emplace_back(key);
          ids.emplace_back(value);
          return keys.size() < chunk;
        },
        after);
    if (keys.empty()) {
      page.last_key.clear();  // nothing follows the last row read
      return page;
    }
    for (std::size_t i = 0; i < keys.size(); ++i) {
      const std::string& key = keys[i];
      if (page.executions.size() == limit || scanned == query.max_scanned) return page;
      ++scanned;
      page.last_key = key;
      StartedKey started;
      if (!parse_started_key(key, query.state_machine, started)) continue;
      const std::string id = ids[i].empty() ? query.state_machine + ":" + started.name : ids[i];
      auto stored = db.get(Table::kExecutions, id);
      if (!stored) continue;  // expired by retention since (or never committed)
      auto record = ExecutionRecord::parse(*stored, id);
      if (!record) continue;  // an unreadable record: the native listing shows it, not this one
      if (query.match && !query.match(*record)) continue;
      page.executions.push_back(std::move(*record));
    }
    after = keys.back();
    if (keys.size() < chunk) {
      page.last_key.clear();  // every row was read: no page follows
      return page;
    }
  }
}

std::optional<std::string> find_named_execution(const LmdbStore& db, const std::string& aws_id) {
  if (db.get(Table::kExecutions, aws_id)) return aws_id;
  if (auto child = db.get(Table::kChildExecutions, aws_id)) return std::string(*child);
  return std::nullopt;
}

Result<std::string> resolve_execution_id(const LmdbStore& db, const aws::ArnScope& scope,
                                         const std::string& reference) {
  if (!aws::looks_like_arn(reference)) return reference;
  // An ARN of this daemon names the execution it names first: a native id may be spelled the
  // same (a state machine "arn" started with the name "aws:states:<region>:...:payment:p-1"),
  // and taken first it stood in for the payment its ARN names (red team, session 32).
  auto key = aws::execution_arn_key(scope, reference);
  if (key)
    if (auto id = find_named_execution(db, *key)) return std::move(*id);
  // Then a native name that starts with "arn:" as it is.
  if (db.get(Table::kExecutions, reference)) return reference;
  if (!key) return execution_does_not_exist(reference, key.error().why);
  return execution_does_not_exist(reference);
}

Error execution_does_not_exist(std::string_view reference, std::string_view why) {
  std::string message =
      "execution \"" + quote_name(reference, aws::kMaxArnLength) + "\" does not exist";
  if (!why.empty()) message += ": " + std::string(why);
  return Error{ErrorCode::kExecutionDoesNotExist, std::move(message)};
}

}  // namespace settled::adapters
