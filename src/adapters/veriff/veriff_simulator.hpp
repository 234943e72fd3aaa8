#pragma once
// The Veriff simulator (docs/veriff.md "The simulator"): answers settled:veriff.* as Veriff's
// API would, from its own table (Table::kVeriffSim in the simulator's LMDB environment), and
// decides each session once its decision delay has passed on the business clock, the decision
// chosen by the test data (domain/veriff/decision.hpp: simulated_status). Pure functions over the
// store: they read, and return the writes; the actor commits them (veriff_simulator_actor).
//
// Key layout of kVeriffSim:
//   session/<session id>          -> {"id","attemptId","status","verification","createdAt",
//                                     "decideAt","url","sessionToken","decision"?}
//   key/<Idempotency-Key>         -> the first response of sessions.create with that key
//   due/<16 hex digits ms>/<id>   -> "": a session whose decision falls due then
//   webhook/<session id>          -> a decision webhook's body not yet taken by the endpoint

#include "adapters/store/lmdb_store.hpp"
#include "domain/resources/task_outcome.hpp"
#include "domain/time.hpp"
#include "domain/write_batch.hpp"

#include <boost/json/object.hpp>

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace settled::adapters::veriff {

struct VeriffSimOptions {
  EpochMillis decision_delay_ms = 60 * 1000;
  bool webhooks = false;  // decisions are kept for the webhook sender
};

// A new UUID (the actor's random source).
using NewUuid = std::function<std::string()>;

struct VeriffSimCall {
  TaskOutcome outcome;
  WriteBatch writes;               // committed before the outcome is answered
  std::optional<EpochMillis> due;  // a new session's decision time
};

// One settled:veriff.* attempt. sessions.create with an Idempotency-Key seen before answers the
// first response again and writes nothing (a retry after a lost answer creates no second session).
VeriffSimCall simulate_veriff_call(const LmdbStore& db, const TaskAttempt& attempt,
                                   const NewUuid& new_uuid, const VeriffSimOptions& options);

// The earliest due decision, if any.
std::optional<EpochMillis> next_decision_due(const LmdbStore& db);

using Webhooks = std::vector<std::pair<std::string, std::string>>;  // session id, body
struct Decided {
  WriteBatch writes;
  Webhooks webhooks;  // to send once `writes` are durable
};
// Decides every session due by `now`: its decision stored, its due row erased, and (with
// webhooks) its webhook kept until taken.
Decided decide_due_sessions(const LmdbStore& db, EpochMillis now, const NewUuid& new_uuid,
                            const VeriffSimOptions& options);

// Decision webhooks not yet taken (at start, after a restart), and one of them.
Webhooks undelivered_decisions(const LmdbStore& db);
std::optional<std::string> undelivered_decision(const LmdbStore& db, const std::string& session_id);
// Erases the pending webhook of `session_id` (the endpoint answered 2xx).
WriteBatch mark_decision_delivered(const std::string& session_id);

// GET /v1/simulator/veriff/sessions: a page of at most `limit` sessions in session-id order
// (their keys' order), after `starting_after` (a session id; none: from the first), as
// {"sessions":[...],"has_more":bool}. Paged like the Stripe simulator's lists, so a listing
// costs a page, not every session ever created. A stored session that does not decode is left
// out so the listing serves, logged (veriff.session_unreadable, with its id) and counted
// (settled_store_unreadable_rows_total{table="veriff_sim"}).
boost::json::object list_sessions(const LmdbStore& db, std::size_t limit,
                                  const std::string& starting_after);

}  // namespace settled::adapters::veriff
