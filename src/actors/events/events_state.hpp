#pragma once
// The events actor's state and the functions its parts share (internal to src/actors/events*:
// events_actor.cpp holds the waits, deliveries, kept events and posts; events/signed_posts.cpp
// the signed webhooks' commit). One actor owns all of it; these files only split its code.

#include "actors/engine.hpp"
#include "actors/events_actor.hpp"
#include "actors/interfaces.hpp"
#include "actors/messages.hpp"
#include "domain/events/event.hpp"
#include "domain/write_batch.hpp"

#include <caf/all.hpp>

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace settled::actors {

namespace events_detail {

using Key = std::pair<std::string, std::string>;  // type, correlation key

struct Waiter {
  std::uint64_t sequence = 0;
  std::string token;
  std::string execution_id;
  bool busy = true;  // registering (not durable yet) or an event on its way to it
};

// A kept event as memory knows it: where its row is and when it expires. The event itself
// (its detail may be 256 KiB) stays in LMDB until a waiter takes it.
struct Kept {
  std::uint64_t sequence = 0;
  EpochMillis expires_at = 0;
  // Its row's commit is done. Until then it cannot be taken: a taker would read no row and
  // drop it, and the row written a moment later would be lost to memory (seen as a Parallel's
  // retried wait that never got its event).
  bool durable = true;
};

}  // namespace events_detail

// A delivery's answer, back on the events actor (declared in interfaces.hpp: it is a message).
struct Delivery {
  events_detail::Key key;
  std::uint64_t waiter = 0;
  std::string execution_id;
  events::Event event;
  AnswerCallback reply;
  bool taken = false;        // the waiting execution made it durable
  std::uint64_t stored = 0;  // the event's own row, if it had been kept
};

namespace events_detail {

struct EventsState {
  EnginePtr engine;
  ExecutionsActor executions;
  EventsOptions options;
  std::map<Key, std::deque<Waiter>> waiters;
  std::map<Key, std::deque<Kept>> kept;
  std::size_t kept_count = 0;  // entries of `kept`, all keys together
  // Ids of events on their way (not yet committed), with their content digests
  // (events::content_digest); committed ids are looked up in LMDB.
  std::map<std::string, std::string> pending_ids;
  // Signed webhook rows (table name + NUL + id) whose commit is on its way, with the replies of
  // redeliveries that came meanwhile: they get the first delivery's outcome, not a "duplicate"
  // that might be lost.
  std::map<std::string, std::vector<AnswerCallback>> pending_stripe;
  std::uint64_t next_sequence = 1;
};

using Self = caf::stateful_actor<EventsState, EventsActor::base>;

// Commits `batch` through the store actor; `then(ok)` runs on this actor.
void commit(Self* self, WriteBatch batch, std::function<void(bool)> then);

// A kept event's row is durable (or failed): it may now be taken, or is forgotten.
void kept_committed(Self* self, const Key& key, std::uint64_t sequence, bool ok);

// events/signed_posts.cpp: a verified signed webhook (Stripe's, Veriff's) stored with its kept
// events in one commit, then acknowledged; a Stripe event as such a post; settled:webhooks.ingest.
void post_signed(Self* self, SignedEventPost& post);
void post_stripe(Self* self, StripeEventPost& post);
void ingest(Self* self, const TaskAttempt& attempt, caf::typed_response_promise<TaskOutcome> rp);

}  // namespace events_detail

}  // namespace settled::actors
