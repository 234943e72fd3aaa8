#pragma once
// settled:records.update and settled:records.delete: a read-modify-write and a delete of a keyed
// record (what dynamodb:updateItem / deleteItem run as, docs/aws-resources.md). The engine reads
// the stored record after the scheduling transition committed (ResourceKind::kRead) and passes
// it here; the write (or erase) these return commits with the transition that records the
// task's success, as records.put's does, so a retried or recovered attempt reads and writes
// again from what is committed, and a succeeded one is never run twice.
//
//   records.update {collection, key, initial?, set?, remove?, add?}
//     -> {collection, key, record, previous?, updated, updatedAt}
//   A missing record is created from `initial` (an object: the item's key attributes). `set`:
//   [{path, value}] sets the value at the path (its parent must be an object); `remove`:
//   [path] removes it (nothing when absent); `add`: [{path, value}] adds a number to the
//   number there (or sets it when absent). A path is an array of 1-32 names. `updated` lists
//   every path given; `previous` is the record before, when there was one.
//   records.delete {collection, key} -> {collection, key, previous?}

#include "domain/resources/task_outcome.hpp"
#include "domain/result.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <string>

namespace settled {

// An update's path (an array of attribute names) as DynamoDB writes it: "a.b.c".
std::string update_path_text(const boost::json::array& path);

// Applies an update ({set?, remove?, add?} as above) to a record; the refusal names the path.
Result<boost::json::object> apply_record_update(boost::json::object record,
                                                const boost::json::object& update);

// `stored` is the stored {collection, key, record, updatedAt} or nullptr when there is none.
TaskOutcome run_records_update(const TaskAttempt& attempt, const boost::json::value* stored);
TaskOutcome run_records_delete(const TaskAttempt& attempt, const boost::json::value* stored);

}  // namespace settled
