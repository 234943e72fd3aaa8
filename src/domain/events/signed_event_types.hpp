#pragma once
// Event types only a signed webhook delivers (docs/webhooks.md, docs/veriff.md): Stripe's
// (every Stripe event type starts with the name of the Stripe object it is about:
// "payout.paid", "payment_intent.succeeded", "account.updated") and Veriff's decisions
// ("veriff.decision"). A workflow that waits for one (settled:events.waitFor) trusts it as
// Stripe's or Veriff's word: a payout paid, an identity approved. POST /v1/events takes any
// key's word, so it refuses these types; until session 33 a key with no scope approved a
// declined KYC and released an escrow with events it made up.

#include "domain/error.hpp"

#include <optional>
#include <string_view>

namespace settled::events {

// Who delivers `type` when only a signed webhook may ("Stripe", "Veriff"), or none.
std::optional<std::string_view> signed_source_of(std::string_view type);

// Forbidden, naming the type and the webhook that delivers it, for a type POST /v1/events may
// not post; none otherwise.
std::optional<Error> refuse_unsigned(std::string_view type);

}  // namespace settled::events
