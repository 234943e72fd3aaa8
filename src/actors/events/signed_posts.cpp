#include "actors/events/events_state.hpp"

#include "adapters/ops/log.hpp"
#include "domain/records/stripe_event_row.hpp"
#include "domain/stripe/webhook_reconciliation.hpp"

#include <boost/json.hpp>

#include <chrono>

namespace settled::actors::events_detail {

namespace json = boost::json;

// A verified signed webhook (Stripe's, Veriff's): its row and one kept event per correlation key
// commit together, and only then is it acknowledged; waiters take their events from there
// (kept_committed), so every delivery follows the row that makes a redelivery a duplicate.
void post_signed(Self* self, SignedEventPost& post) {
  auto& st = self->state;
  const std::string id = post.id;
  const std::string pending_key = std::string(table_name(post.table)) + '\0' + id;
  const json::object duplicate{{"received", true}, {"duplicate", true}, {"id", id}};
  if (auto pending = st.pending_stripe.find(pending_key); pending != st.pending_stripe.end()) {
    pending->second.push_back(std::move(post.reply));
    return;
  }
  if (st.engine->db->get(post.table, id)) {
    if (post.reply) post.reply(Answered{Outcome::kExisting, duplicate});
    return;
  }
  WriteBatch batch;
  batch.put(post.table, id, std::move(post.row));
  events::Event event;
  event.id = id;
  event.type = post.type;
  event.detail = std::move(post.detail);
  event.received_at = post.received_at;
  event.expires_at =
      post.received_at +
      std::chrono::duration_cast<std::chrono::milliseconds>(st.options.retention).count();
  std::vector<std::pair<Key, std::uint64_t>> rows;
  for (const auto& correlation_key : post.correlation_keys) {
    event.correlation_key = correlation_key;
    const std::uint64_t sequence = st.next_sequence++;
    const Key key{event.type, correlation_key};
    batch.put(Table::kEvents, events::event_key(key.first, key.second, sequence),
              json::serialize(event.to_json()));
    st.kept[key].push_back(Kept{sequence, event.expires_at, false});
    ++st.kept_count;
    rows.emplace_back(key, sequence);
  }
  st.pending_stripe[pending_key].push_back(std::move(post.reply));
  commit(self, std::move(batch),
         [self, id, pending_key, rows, duplicate, acknowledged = std::move(post.acknowledged),
          log_name = post.log_name](bool ok) {
           auto& state = self->state;
           auto replies = std::move(state.pending_stripe[pending_key]);
           state.pending_stripe.erase(pending_key);
           for (const auto& [key, sequence] : rows) kept_committed(self, key, sequence, ok);
           adapters::log(ok ? adapters::LogLevel::kInfo : adapters::LogLevel::kError,
                         log_name + (ok ? ".stored" : ".not_stored"), {{"id", id}});
           for (std::size_t i = 0; i < replies.size(); ++i) {
             if (!replies[i]) continue;
             if (!ok)
               replies[i](Error{ErrorCode::kStoreUnavailable, "the event could not be stored"});
             else if (i == 0)
               replies[i](Answered{Outcome::kApplied, acknowledged});
             else
               replies[i](Answered{Outcome::kExisting, duplicate});
           }
         });
}

// A verified Stripe webhook event (docs/webhooks.md), stored by its event id.
void post_stripe(Self* self, StripeEventPost& post) {
  const stripe::StripeEvent& stripe_event = post.event;
  json::array keys;
  for (const auto& k : stripe_event.correlation_keys) keys.emplace_back(k);
  SignedEventPost signed_post;
  signed_post.table = Table::kStripeEvents;
  signed_post.id = stripe_event.id;
  signed_post.row = records::encode(stripe_event);
  signed_post.type = stripe_event.type;
  signed_post.detail = stripe_event.body;
  signed_post.received_at = stripe_event.received_at;
  signed_post.correlation_keys = stripe_event.correlation_keys;
  signed_post.acknowledged = json::object{{"received", true},
                                          {"id", stripe_event.id},
                                          {"type", stripe_event.type},
                                          {"correlationKeys", std::move(keys)}};
  signed_post.log_name = "stripe_event";
  signed_post.reply = std::move(post.reply);
  post_signed(self, signed_post);
}

// settled:webhooks.ingest (docs/webhook-reconciliation.md): a Stripe event reconciliation found
// missing goes the webhook's way from here (post_stripe): stored by id once, with its kept events.
// The retry of the attempt that stored it (its result was lost in a crash) answers "stored" again.
void ingest(Self* self, const TaskAttempt& attempt, caf::typed_response_promise<TaskOutcome> rp) {
  auto event = stripe::event_to_ingest(attempt.parameters, self->state.engine->now(),
                                       attempt.idempotency_key);
  if (!event) {
    rp.deliver(TaskOutcome::failure(stripe::kWebhooksInvalidParameters, event.error().message));
    return;
  }
  if (auto row = self->state.engine->db->get(Table::kStripeEvents, event->id)) {
    auto stored = records::decode_stripe_event_row(*row);
    const bool mine = stored && stored->ingested_by == attempt.idempotency_key;
    rp.deliver(TaskOutcome::success(stripe::ingest_result(*event, mine)));
    return;
  }
  StripeEventPost post;
  post.reply = [rp, result = stripe::ingest_result(*event, true),
                duplicate = stripe::ingest_result(*event, false)](Answer answer) mutable {
    if (!answer)
      rp.deliver(TaskOutcome::failure(stripe::kWebhooksStoreUnavailable, answer.error().message));
    else
      rp.deliver(TaskOutcome::success(answer->outcome == Outcome::kApplied ? result : duplicate));
  };
  post.event = std::move(*event);
  post_stripe(self, post);
}

}  // namespace settled::actors::events_detail
