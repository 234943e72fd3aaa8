#pragma once
// The commit of a Veriff decision webhook (docs/veriff.md "Webhooks in"): what the events actor
// stores and posts for a verified decision, through the same commit as Stripe's events
// (`events_atom, SignedEventPost`): the decision's row in veriff_decisions, keyed by session id,
// attempt id and code (a redelivery is a duplicate), and one kept `veriff.decision` event under
// the session id and one under the vendorData, for executions waiting in settled:events.waitFor.

#include "actors/messages.hpp"
#include "domain/veriff/decision.hpp"

namespace settled::actors {

SignedEventPost veriff_decision_post(const veriff::VeriffDecision& decision, AnswerCallback reply);

}  // namespace settled::actors
