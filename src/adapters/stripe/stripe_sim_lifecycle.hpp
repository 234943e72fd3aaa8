#pragma once
// What the Stripe simulator does later or on its own, not in answer to a call
// (docs/stripe-simulator.md): payouts settling when their delay is over, onboarding completed
// through its link, its events' webhook bookkeeping, and the Stripe-shaped lists of what it did.

#include "adapters/store/lmdb_store.hpp"
#include "adapters/stripe/stripe_simulator.hpp"
#include "domain/result.hpp"
#include "domain/time.hpp"

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace settled::adapters {

// Documented test bank account numbers (Stripe's Connect testing guide) and the failure_code a
// payout to them fails with; nullptr for any other destination (the payout is paid).
const char* payout_failure_code(const std::string& destination);

// Key of a pending payout's due time in stripe_objects: "payout_due:<ms, 16 digits>:<po_id>",
// so a prefix scan meets them earliest first.
std::string payout_due_key(EpochMillis due, const std::string& payout_id);
// The due time in a key made by payout_due_key; nullopt for any other key.
std::optional<EpochMillis> payout_due_of(std::string_view key);
// The earliest pending payout's due time.
std::optional<EpochMillis> next_payout_due(const LmdbStore& db);

// Every payout due by `now`: `paid`, or `failed` with its failure_code (the amount goes back to
// the account's balance); payout.paid / payout.failed (and payout.updated) events. Empty when
// nothing is due.
WriteBatch settle_due_payouts(const LmdbStore& db, EpochMillis now, const SimulatorIds& ids,
                              const SimulatorOptions& options);

struct OnboardingCompleted {
  boost::json::object account;  // as it is now
  WriteBatch writes;
};
// The onboarding of the account link `link_id` is done (the simulator's stand-in for the user
// finishing Stripe's form): details_submitted, charges_enabled, payouts_enabled, capabilities
// active, nothing currently due; an account.updated event. NotFound for an unknown link;
// InvalidRequest for a link that expired or was used.
Result<OnboardingCompleted> complete_onboarding(const LmdbStore& db, const std::string& link_id,
                                                EpochMillis now, const SimulatorIds& ids,
                                                const SimulatorOptions& options);

// (id, JSON) of each event put by `writes`, in order.
std::vector<std::pair<std::string, std::string>> events_in(const WriteBatch& writes);
// (id, JSON) of each stored event not yet taken by the webhook endpoint, oldest first.
std::vector<std::pair<std::string, std::string>> undelivered_events(const LmdbStore& db);
// The stored event's JSON if the endpoint has not taken it yet.
std::optional<std::string> undelivered_event(const LmdbStore& db, const std::string& event_id);
// The event, as stored, with pending_webhooks 0; empty if it is gone or already delivered.
WriteBatch mark_delivered(const LmdbStore& db, const std::string& event_id);

// GET /v1/simulator/stripe/<what>: the objects whose ids start with `prefix` ("po_", "acct_",
// "tr_", "re_", "ch_"; events from stripe_sim_events), oldest first, in Stripe's list shape.
// limit 0 = all.
boost::json::object list_objects(const LmdbStore& db, Table table, const std::string& prefix,
                                 const char* url, std::size_t limit,
                                 const std::string& starting_after);

// A connected account's balance, Stripe's shape ({"object":"balance","available":[...]}).
// NotFound for an unknown account.
Result<boost::json::object> account_balance(const LmdbStore& db, const std::string& account_id);

}  // namespace settled::adapters
