#pragma once
// Reads an execution's history from the store. The engine writes the events of one transition
// as one value (a JSON array under the key of its first event), which keeps a payment to a
// couple of puts; a value holding a single event object is read as well.

#include "adapters/store/lmdb_store.hpp"
#include "domain/aws/arns.hpp"
#include "domain/result.hpp"

#include <boost/json/array.hpp>

#include <cstddef>
#include <string_view>

namespace settled::adapters {

// What one read of a history may hold in memory: its payloads are stored once each, but every
// event that shows one holds its own copy (25,000 events of a 250 KB state input would be
// gigabytes). A history whose events' payloads add up to more is refused (kPayloadTooLarge).
inline constexpr std::size_t kMaxHistoryReadBytes = std::size_t{64} << 20;

Result<boost::json::array> read_history(const LmdbStore& store, std::string_view execution_id,
                                        std::size_t max_bytes = kMaxHistoryReadBytes);

// The history as Step Functions shows it: the events of each Parallel branch and Map
// iteration (stored with their own branch executions) follow the ParallelStateStarted /
// MapIterationStarted event that began them, without their own Execution* events, and every
// event is numbered again in that order. Child workflows (states.startExecution.sync) keep
// histories of their own, as in Step Functions. ExecutionStarted's roleArn is the role every
// execution runs as in `scope` (aws::role_arn): settled keeps no IAM role and stores "" there,
// so it is filled in here, for histories stored by every version alike.
// Refused (kPayloadTooLarge) past `max_bytes` of payloads, branches' included.
Result<boost::json::array> read_history_with_branches(const LmdbStore& store,
                                                      std::string_view execution_id,
                                                      const aws::ArnScope& scope,
                                                      std::size_t max_bytes = kMaxHistoryReadBytes);

}  // namespace settled::adapters
