#pragma once
// Reads of the stored Veriff decision webhooks (Table::kVeriffDecisions) for
// GET /v1/webhooks/veriff/decisions: one LMDB read transaction, no actor.

#include "adapters/store/lmdb_store.hpp"

#include <boost/json/object.hpp>

#include <cstddef>
#include <string>

namespace settled::adapters::veriff {

inline constexpr std::size_t kDefaultDecisionsPage = 50;
inline constexpr std::size_t kMaxDecisionsPage = 500;

// {"decisions":[{key, sessionId, attemptId, code, status, vendorData?, receivedAt,
// correlationKeys, decision}...], "nextAfter": key} in key order after `after` (exclusive), at
// most `limit`, only those of `session_id` if it is not empty; "nextAfter" only when there may
// be more. A row that cannot be decoded is listed as {"key", "corrupt": why}.
boost::json::object list_veriff_decisions(const LmdbStore& db, const std::string& session_id,
                                          const std::string& after, std::size_t limit);

}  // namespace settled::adapters::veriff
