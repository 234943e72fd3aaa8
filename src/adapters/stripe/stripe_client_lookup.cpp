// The live client's look-up of a call whose Idempotency-Key Stripe may have forgotten: the
// events of the call's object type since the key's first use, newest first, a page at a time,
// searched for the key (domain/stripe/unknown_outcome.hpp). Each page is an ordinary
// events.list call, so it waits for its rate token and connection like any other.

#include "adapters/ops/log.hpp"
#include "adapters/stripe/stripe_client.hpp"

#include <utility>

namespace settled::adapters {

void StripeClient::look_up(std::shared_ptr<const stripe::OutcomeLookup> lookup, std::string key,
                           std::shared_ptr<const Request> original, StripeCallback done,
                           std::string after, int page) {
  TaskAttempt list;
  list.resource = "settled:stripe.events.list";
  list.parameters = stripe::lookup_page_parameters(*lookup, after);
  auto request = build_request(list);
  if (!request) {
    done(stripe::unknown_outcome("the outcome is unknown and the look-up could not be made: " +
                                 request.error().cause));
    return;
  }
  send(std::move(*request), [this, lookup, key = std::move(key), original = std::move(original),
                             done = std::move(done), page](TaskOutcome listed) mutable {
    auto unresolved = [&](const std::string& why) {
      log(LogLevel::kWarn, "stripe.outcome_unresolved",
          {{"idempotencyKey", key}, {"resource", lookup->resource}, {"cause", why}});
      done(stripe::unknown_outcome(
          "The outcome is unknown and Stripe's events of this Idempotency-Key could not be read "
          "(" +
          why + "); nothing was sent again."));
    };
    if (!listed.ok) return unresolved(listed.error + " " + listed.cause);
    auto step = stripe::read_lookup_page(listed.result, key);
    switch (step.kind) {
      case stripe::LookupStep::Kind::kExecuted:
        log(LogLevel::kInfo, "stripe.outcome_resolved",
            {{"idempotencyKey", key}, {"resource", lookup->resource}, {"executed", true}});
        return done(std::move(step.outcome));
      case stripe::LookupStep::Kind::kNotExecuted:
        log(LogLevel::kInfo, "stripe.outcome_resolved",
            {{"idempotencyKey", key}, {"resource", lookup->resource}, {"executed", false}});
        // Only asked (resolve_only): say so. Otherwise sending it now cannot execute it twice.
        if (!original) return done(stripe::not_executed(*lookup, key));
        return send(std::move(original), std::move(done));
      case stripe::LookupStep::Kind::kNextPage:
        if (page + 1 >= stripe::kLookupMaxPages)
          return unresolved("not in the newest " + std::to_string(stripe::kLookupMaxPages * 100) +
                            " events since the key's first use");
        return look_up(std::move(lookup), std::move(key), std::move(original), std::move(done),
                       std::move(step.next_after), page + 1);
      case stripe::LookupStep::Kind::kMalformed:
        return unresolved("Stripe's event list could not be read");
    }
  });
}

}  // namespace settled::adapters
