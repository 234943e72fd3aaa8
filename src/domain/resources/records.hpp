#pragma once
// settled:records.put — a keyed record in a named collection (the seed's PaymentTransactions
// table keyed by paymentId). The write commits with the transition that records the task.
//   {collection, key, record, merge?} -> {collection, key, record, updatedAt}
// With `merge` (an object) the stored record is `record` with merge's fields set over it.
// settled:records.get reads committed state and is run by the engine; its parameters are
// checked here: {collection, key} -> the stored {collection, key, record, updatedAt},
// or Records.NotFound.

#include "domain/resources/task_outcome.hpp"
#include "domain/result.hpp"

namespace settled {

inline constexpr const char* kRecordsNotFound = "Records.NotFound";
inline constexpr const char* kRecordsInvalidParameters = "Records.InvalidParameters";
inline constexpr const char* kRecordsCorrupt = "Records.Corrupt";  // stored, but unreadable

TaskOutcome run_records_put(const TaskAttempt& attempt);

struct RecordAddress {
  std::string collection;
  std::string key;
};
Result<RecordAddress> records_address(const boost::json::value& parameters);

}  // namespace settled
