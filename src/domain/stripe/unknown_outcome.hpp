#pragma once
// Unknown outcomes of Stripe calls, resolved by looking them up instead of guessing.
//
// A POST that timed out or lost its connection after it was sent may or may not have been
// executed by Stripe: its outcome is unknown (ASL error Stripe.Unknown). While Stripe still
// honours the attempt's Idempotency-Key (at least 24 hours from its first use), sending the
// same request again is safe: Stripe replays the first result. Past that window a resend
// could execute a second time, so the call is first looked up: every event Stripe makes for a
// request carries that request's Idempotency-Key (`request.idempotency_key`), so the events of
// the call's object type since the key's first use tell whether, and how, it was executed.
// The same lookup answers an engine that is about to give up on an unknown outcome
// (docs/stripe-client.md, "Unknown outcomes").

#include "domain/resources/task_outcome.hpp"
#include "domain/time.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace settled::stripe {

// ASL error of a call whose outcome is unknown.
inline constexpr const char* kUnknownOutcomeError = "Stripe.Unknown";

// Stripe keeps an Idempotency-Key for at least 24 hours after its first use.
inline constexpr EpochMillis kIdempotencyKeyWindowMs = 24LL * 3600 * 1000;
// A resend is started at most this long before the window ends: it must reach Stripe (and
// queue for a rate token) before then, and the two clocks may differ.
inline constexpr EpochMillis kIdempotencyKeyMarginMs = 15LL * 60 * 1000;
// Pages of events read at most for one lookup (100 events each).
inline constexpr int kLookupMaxPages = 10;

// True when a request with a key first used at `first_used` might reach Stripe after Stripe
// has forgotten the key. `first_used` 0 (not known) is never expired.
bool key_may_have_expired(EpochMillis first_used, EpochMillis now);

// How to find out whether a call was executed: the events it would have made, on which account.
struct OutcomeLookup {
  std::string resource;          // the call looked up
  std::string event_type;        // events.list `type` ("payment_intent.*", "refund.created", ...)
  std::string stripe_account;    // a connected account's events (payouts); "" for the platform
  std::int64_t created_gte = 0;  // epoch seconds: a minute before the key's first use
};

// nullopt for calls that are not looked up: reads (safe to repeat) and calls that move no money
// and leave nothing a duplicate would harm (accounts.create, accountLinks.create: a second
// onboarding account or link is visible and unused, never a payment).
std::optional<OutcomeLookup> outcome_lookup(const std::string& resource,
                                            const boost::json::value& parameters,
                                            EpochMillis first_used);

// The task parameters of settled:stripe.events.list for one page of the lookup (newest first,
// 100 at a time; `starting_after` "" for the first page).
boost::json::object lookup_page_parameters(const OutcomeLookup& lookup,
                                           const std::string& starting_after);

// What one page of events says about the call with `idempotency_key`.
struct LookupStep {
  enum class Kind {
    kExecuted,     // found: `outcome` is what Stripe answered (the object, or a card decline)
    kNextPage,     // not on this page; read the page after `next_after`
    kNotExecuted,  // no event of the key since its first use: Stripe never executed it
    kMalformed,    // the page is not an event list: nothing can be concluded
  };
  Kind kind = Kind::kMalformed;
  TaskOutcome outcome;
  std::string next_after;
};
LookupStep read_lookup_page(const boost::json::value& page, const std::string& idempotency_key);

// Stripe.Unknown with Stripe's error shape as the cause (type api_connection_error) and
// `message`; `outcome: "unknown"` in the cause tells it from a request that was never sent.
TaskOutcome unknown_outcome(const std::string& message);

// The answer to a call that was looked up and found never executed: it is safe to send anew
// (past the key's window, with the same key; Stripe has forgotten it).
TaskOutcome not_executed(const OutcomeLookup& lookup, const std::string& idempotency_key);

}  // namespace settled::stripe
