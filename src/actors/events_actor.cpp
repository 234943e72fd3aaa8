#include "actors/events_actor.hpp"

#include "domain/identity/start_scopes.hpp"

#include "actors/events/event_put.hpp"
#include "actors/events/events_state.hpp"
#include "actors/events/execution_start.hpp"
#include "actors/events/rule_starts.hpp"
#include "actors/events/task_answer.hpp"
#include "actors/messages.hpp"
#include "adapters/ops/log.hpp"
#include "adapters/ops/metrics.hpp"
#include "domain/events/event.hpp"
#include "domain/json_limits.hpp"
#include "domain/records/event_waiter_row.hpp"
#include "domain/records/task_token_row.hpp"
#include "domain/resources/start_execution.hpp"
#include "domain/resources/task_answer.hpp"

#include <boost/json.hpp>

#include <caf/all.hpp>

#include <algorithm>
#include <deque>
#include <map>
#include <optional>
#include <set>

namespace settled::actors {

namespace json = boost::json;

namespace events_detail {

void commit(Self* self, WriteBatch batch, std::function<void(bool)> then) {
  self->request(self->state.engine->store, caf::infinite, commit_atom::value, std::move(batch))
      .then([then](StoreReply& reply) { then(reply.ok); }, [then](caf::error&) { then(false); });
}

std::string waiter_row(const Waiter& w) {
  return records::encode(records::EventWaiterRow{w.token, w.execution_id});
}

// The stored row of a posted event's id: its expiry and the content digest post() took.
std::string id_row(const EventsState& st, const events::Event& event) {
  const auto pending = st.pending_ids.find(event.id);
  return events::event_id_row(event.expires_at, pending != st.pending_ids.end()
                                                    ? pending->second
                                                    : events::content_digest(event));
}

void deliver_or_keep(Self* self, const Key& key, events::Event event, AnswerCallback reply,
                     std::uint64_t stored = 0, bool capped = false);

// Hands `event` to the first free waiter of its key; false if there is none. `stored`: the
// sequence of the event's own row when it had been kept (erased with the taking transition).
bool deliver(Self* self, const Key& key, events::Event& event, AnswerCallback& reply,
             std::uint64_t stored) {
  auto& st = self->state;
  auto it = st.waiters.find(key);
  if (it == st.waiters.end()) return false;
  for (auto& waiter : it->second) {
    if (waiter.busy) continue;
    waiter.busy = true;
    TaskCallback cb;
    cb.kind = TaskCallback::Kind::kSuccess;
    cb.token = waiter.token;
    cb.output = event.task_result();
    // Taken exactly once: these commit with the waiting execution's transition.
    cb.writes.erase(Table::kEventWaiters,
                    events::event_key(key.first, key.second, waiter.sequence));
    if (stored) {
      cb.writes.erase(Table::kEvents, events::event_key(key.first, key.second, stored));
    } else if (!event.id.empty()) {
      cb.writes.put(Table::kEventIds, event.id, id_row(self->state, event));
    }
    auto handle = caf::actor_cast<EventsActor>(self);
    auto delivery = std::make_shared<Delivery>(
        Delivery{key, waiter.sequence, waiter.execution_id, event, std::move(reply), {}, stored});
    cb.reply = [handle, delivery](Answer answer) {
      delivery->taken = answer.ok();
      caf::anon_send(handle, delivered_atom::value, std::move(*delivery));
    };
    self->send(st.executions, task_callback_atom::value, std::move(cb));
    return true;
  }
  return false;
}

// The kept event's row, read back when a waiter takes it. A row that is gone or cannot be
// decoded is logged and dropped: it must not stop the events actor or the waiter's turn.
std::optional<events::Event> read_kept(Self* self, const Key& key, const Kept& kept) {
  const std::string row_key = events::event_key(key.first, key.second, kept.sequence);
  auto row = self->state.engine->db->get(Table::kEvents, row_key);
  if (row) {
    boost::system::error_code ec;
    auto doc = parse_stored_json(*row, ec);
    auto event = ec ? Result<events::Event>(ErrorCode::kInternal, ec.message())
                    : events::Event::from_json(doc);
    if (event) return std::move(*event);
    adapters::log(
        adapters::LogLevel::kError, "event.unreadable",
        {{"type", key.first}, {"correlationKey", key.second}, {"cause", event.error().message}});
  }
  WriteBatch drop;
  drop.erase(Table::kEvents, row_key);
  commit(self, std::move(drop), [](bool) {});
  return std::nullopt;
}

// Takes the first unexpired kept event of `key` that can still be read, if any.
std::optional<std::pair<Kept, events::Event>> take_kept(Self* self, const Key& key) {
  auto& st = self->state;
  auto it = st.kept.find(key);
  if (it == st.kept.end()) return std::nullopt;
  auto& queue = it->second;
  const EpochMillis now = st.engine->now();
  std::optional<std::pair<Kept, events::Event>> taken;
  while (!taken && !queue.empty()) {
    // Kept rows commit in order: one not yet durable is taken once it is (see keep()).
    if (!queue.front().durable) break;
    const Kept front = queue.front();
    queue.pop_front();
    --st.kept_count;
    if (front.expires_at <= now) continue;  // its row goes with the next sweep
    if (auto event = read_kept(self, key, front)) taken.emplace(front, std::move(*event));
  }
  if (queue.empty()) st.kept.erase(it);
  return taken;
}

// Hands the first kept event of `key` to a free waiter, if there is one.
void offer_kept(Self* self, const Key& key) {
  auto& st = self->state;
  auto it = st.waiters.find(key);
  if (it == st.waiters.end()) return;
  bool any_free = false;
  for (const auto& w : it->second) any_free = any_free || !w.busy;
  if (!any_free) return;
  if (auto taken = take_kept(self, key))
    deliver_or_keep(self, key, std::move(taken->second), nullptr, taken->first.sequence);
}

// A kept event's row committed (it may be taken now) or failed (it is forgotten, so that the
// sender's retry is not taken for a duplicate).
void kept_committed(Self* self, const Key& key, std::uint64_t sequence, bool ok) {
  auto& st = self->state;
  auto it = st.kept.find(key);
  if (it == st.kept.end()) return;
  auto& queue = it->second;
  for (auto k = queue.begin(); k != queue.end(); ++k) {
    if (k->sequence != sequence) continue;
    if (ok) {
      k->durable = true;
    } else {
      queue.erase(k);
      --st.kept_count;
    }
    break;
  }
  if (queue.empty()) st.kept.erase(it);
  // A waiter may have become free while the row was being written.
  if (ok) offer_kept(self, key);
}

// `capped`: an API post, refused (Overloaded, nothing stored) past events-max-kept. Only an
// event no execution took comes here, after its duplicate check, redirect and rule starts.
void keep(Self* self, const Key& key, events::Event event, AnswerCallback reply, bool capped) {
  auto& st = self->state;
  if (capped && st.kept_count >= st.options.max_kept) {
    adapters::Metrics::instance().http_refused("kept_events");
    st.pending_ids.erase(event.id);  // nothing recorded: a retry is not a duplicate
    if (reply)
      reply(Error{ErrorCode::kOverloaded,
                  std::to_string(st.kept_count) +
                      " events are kept for executions not yet waiting (events-max-kept); this "
                      "one would be kept too: nothing was stored, try again after Retry-After"});
    return;
  }
  const std::uint64_t sequence = st.next_sequence++;
  WriteBatch batch;
  batch.put(Table::kEvents, events::event_key(key.first, key.second, sequence),
            json::serialize(event.to_json()));
  if (!event.id.empty()) batch.put(Table::kEventIds, event.id, id_row(st, event));
  const EpochMillis expires = event.expires_at;
  st.kept[key].push_back(Kept{sequence, expires, false});
  ++st.kept_count;
  commit(self, std::move(batch), [self, key, sequence, id = event.id, reply, expires](bool ok) {
    self->state.pending_ids.erase(id);
    kept_committed(self, key, sequence, ok);
    if (!reply) return;
    if (!ok) return reply(Error{ErrorCode::kStoreUnavailable, "the event could not be stored"});
    reply(Answered{Outcome::kKept,
                   json::object{{"stored", true}, {"expiresAt", format_timestamp(expires)}}});
  });
}

void deliver_or_keep(Self* self, const Key& key, events::Event event, AnswerCallback reply,
                     std::uint64_t stored, bool capped) {
  if (deliver(self, key, event, reply, stored)) return;
  if (stored) {
    // Its row is still there: back to the front of the line, nothing to write.
    self->state.kept[key].push_front(Kept{stored, event.expires_at});
    ++self->state.kept_count;
    return;
  }
  keep(self, key, std::move(event), std::move(reply), capped);
}

// Whether an id was seen before (on its way, or stored and not yet expired), and if so whether
// with the same content: ids are one namespace for every key, and a later post of an id with
// other content is not the same event (until session 34 it was answered "duplicate" and
// dropped, so whoever posted an id first decided what a rule started for it).
enum class Seen { kNew, kSame, kOther };

Seen seen_before(Self* self, const std::string& id, const std::string& digest) {
  auto& st = self->state;
  if (auto pending = st.pending_ids.find(id); pending != st.pending_ids.end())
    return pending->second == digest ? Seen::kSame : Seen::kOther;
  auto stored = st.engine->db->get(Table::kEventIds, id);
  if (!stored) return Seen::kNew;
  auto row = events::parse_event_id_row(*stored);
  // An unreadable row goes with the next sweep.
  if (!row || row->expires_at <= st.engine->now()) return Seen::kNew;
  // A row from before digests were kept says nothing of the content: the same event.
  return row->digest.empty() || row->digest == digest ? Seen::kSame : Seen::kOther;
}

void rule_started(Self* self, RuleStarts& rs);

void post(Self* self, EventPost& post) {
  auto& st = self->state;
  auto& event = post.event;
  auto match = events::match_rules(st.options.rules, event.type, event.source);
  if (post.poster) {
    // Every start's scope too, before any starts: a later rule's refusal would otherwise come
    // after an earlier rule's execution had started for an event then not recorded.
    auto refused = events::refuse_poster(match, event.type, *post.poster);
    for (const auto& rule : match.starts) {
      if (refused) break;
      refused = identity::check_start(st.engine->start_scopes, rule.state_machine, *post.poster);
    }
    if (refused) {
      if (post.reply) post.reply(std::move(*refused));
      return;
    }
  }
  if (!match.starts.empty() && event.id.empty()) {
    if (post.reply)
      post.reply(Error{ErrorCode::kInvalidRequest,
                       "an event of type " + event.type + " starts an execution (rule " +
                           match.starts.front().name +
                           "): it needs an id, which names the execution"});
    return;
  }
  if (match.deliver && match.redirect) {
    // Rule starts still see the event as posted: its envelope is kept before it is redirected.
    if (post.envelope.is_null()) post.envelope = rule_envelope(post);
    auto redirected = events::redirected_event(*match.redirect, event, post.envelope);
    if (!redirected) {
      if (post.reply) post.reply(redirected.error());
      return;
    }
    event = std::move(*redirected);
  }
  if (!event.id.empty()) {
    std::string digest = events::content_digest(event);
    Seen seen = seen_before(self, event.id, digest);
    // A workflow's own put names its event by its attempt's key, and a retry of it may carry
    // another task token: the same event to the daemon, which chose the id.
    if (seen == Seen::kOther && !post.poster) seen = Seen::kSame;
    if (seen == Seen::kOther) {
      if (post.reply)
        post.reply(Error{ErrorCode::kIdempotencyConflict,
                         "event id " + event.id +
                             " was posted before with other content (type, correlationKey, "
                             "source or detail): nothing was done; give this event its own id"});
      return;
    }
    if (seen == Seen::kSame) {
      if (post.reply)
        post.reply(
            Answered{Outcome::kExisting, json::object{{"duplicate", true}, {"id", event.id}}});
      return;
    }
    st.pending_ids.emplace(event.id, std::move(digest));  // also while it is on its way
  }
  if (!match.starts.empty()) {
    RuleStarts rs;
    rs.post = std::move(post);
    rs.starts = std::move(match.starts);
    rs.deliver = match.deliver;
    rule_started(self, rs);
    return;
  }
  const Key key{event.type, event.correlation_key};
  deliver_or_keep(self, key, std::move(event), std::move(post.reply), 0, post.poster.has_value());
}

// The next of an event's rule starts (actors/events/rule_starts.hpp), or, once all were
// answered, the event's own end: delivered or kept if a rule says so, else its id recorded;
// then acknowledged. A refused start ends it at once, with nothing recorded.
void rule_started(Self* self, RuleStarts& rs) {
  auto& st = self->state;
  if (start_next_rule(caf::actor_cast<EventsActor>(self), st.executions, rs)) return;
  events::Event& event = rs.post.event;
  AnswerCallback reply = std::move(rs.post.reply);
  if (rs.refused) {
    st.pending_ids.erase(event.id);  // nothing recorded: the sender's retry is not a duplicate
    if (reply) reply(std::move(*rs.refused));
    return;
  }
  AnswerCallback answered = [reply, started = std::move(rs.started)](Answer answer) {
    if (answer) answer->body["started"] = started;
    if (reply) reply(std::move(answer));
  };
  if (rs.deliver) {
    const Key key{event.type, event.correlation_key};
    deliver_or_keep(self, key, std::move(event), std::move(answered));
    return;
  }
  WriteBatch batch;
  batch.put(Table::kEventIds, event.id, id_row(st, event));
  commit(self, std::move(batch), [self, id = event.id, answered](bool ok) {
    self->state.pending_ids.erase(id);
    if (!ok) return answered(Error{ErrorCode::kStoreUnavailable, "the event could not be stored"});
    answered(Answered{Outcome::kApplied, json::object{{"id", id}}});
  });
}

void delivered(Self* self, Delivery& d) {
  auto& st = self->state;
  auto& queue = st.waiters[d.key];
  for (auto it = queue.begin(); it != queue.end(); ++it) {
    if (it->sequence == d.waiter) {
      queue.erase(it);
      break;
    }
  }
  if (queue.empty()) st.waiters.erase(d.key);
  if (d.taken) {
    // Its id was written with the taking execution's transition.
    st.pending_ids.erase(d.event.id);
    adapters::log(adapters::LogLevel::kInfo, "event.delivered",
                  {{"type", d.event.type},
                   {"correlationKey", d.event.correlation_key},
                   {"executionId", d.execution_id}});
    if (d.reply)
      d.reply(Answered{Outcome::kApplied,
                       json::object{{"delivered", true}, {"executionId", d.execution_id}}});
    return;
  }
  // That execution no longer waits (it timed out, was stopped, or the token is unknown): its
  // waiter goes, and the event tries the next one or is kept.
  WriteBatch stale;
  stale.erase(Table::kEventWaiters, events::event_key(d.key.first, d.key.second, d.waiter));
  commit(self, std::move(stale), [](bool) {});
  deliver_or_keep(self, d.key, std::move(d.event), std::move(d.reply), d.stored);
}

// settled:events.waitFor: a kept event is taken at once; otherwise the execution waits.
void wait_for(Self* self, const TaskAttempt& attempt, caf::typed_response_promise<TaskOutcome> rp) {
  auto& st = self->state;
  auto request = events::parse_wait_for(attempt.parameters);
  if (!request) {
    rp.deliver(TaskOutcome::failure("Events.InvalidParameters", request.error().message));
    return;
  }
  const Key key{request->type, request->correlation_key};
  if (auto taken = take_kept(self, key)) {
    WriteBatch writes;
    writes.erase(Table::kEvents, events::event_key(key.first, key.second, taken->first.sequence));
    rp.deliver(TaskOutcome::success(taken->second.task_result(), std::move(writes)));
    return;
  }
  if (attempt.task_token.empty()) {
    rp.deliver(TaskOutcome::failure("States.Runtime", "events.waitFor ran without a task token"));
    return;
  }
  Waiter waiter{st.next_sequence++, attempt.task_token, attempt.execution_id, true};
  WriteBatch batch;
  batch.put(Table::kEventWaiters, events::event_key(key.first, key.second, waiter.sequence),
            waiter_row(waiter));
  // The token is live from here: an event may reach the execution before its own commit.
  batch.put(Table::kTaskTokens, waiter.token,
            records::encode(
                records::TaskTokenRow{attempt.execution_id, records::TokenState::kWaiting, ""}));
  st.waiters[key].push_back(waiter);
  const std::uint64_t sequence = waiter.sequence;
  const std::int64_t timeout = request->timeout_seconds;
  commit(self, std::move(batch), [self, rp, key, sequence, timeout](bool ok) mutable {
    if (!ok) {
      self->send(self, registered_atom::value, key.first, key.second, sequence, false);
      rp.deliver(TaskOutcome::failure("States.TaskFailed", "the wait could not be stored"));
      return;
    }
    TaskOutcome waiting = TaskOutcome::success(json::object{{"waiting", true}});
    waiting.awaits_callback = true;
    waiting.callback_timeout_seconds = timeout;
    rp.deliver(std::move(waiting));
    self->send(self, registered_atom::value, key.first, key.second, sequence, true);
  });
}

// A waiter's row is durable: it may now take events, including any kept meanwhile.
void registered(Self* self, const Key& key, std::uint64_t sequence, bool ok) {
  auto& st = self->state;
  auto it = st.waiters.find(key);
  if (it == st.waiters.end()) return;
  for (auto w = it->second.begin(); w != it->second.end(); ++w) {
    if (w->sequence != sequence) continue;
    if (!ok) {
      it->second.erase(w);
      return;
    }
    w->busy = false;
    break;
  }
  offer_kept(self, key);
}

// Expired kept events (from the index in memory) and expired ids (a scan of their table: ids
// are not held in memory) are erased.
void sweep(Self* self) {
  auto& st = self->state;
  const EpochMillis now = st.engine->now();
  WriteBatch batch;
  for (auto it = st.kept.begin(); it != st.kept.end();) {
    auto& queue = it->second;
    while (!queue.empty() && queue.front().expires_at <= now) {
      batch.erase(Table::kEvents,
                  events::event_key(it->first.first, it->first.second, queue.front().sequence));
      queue.pop_front();
      --st.kept_count;
    }
    it = queue.empty() ? st.kept.erase(it) : std::next(it);
  }
  st.engine->db->scan(Table::kEventIds, "", [&](std::string_view id, std::string_view stored) {
    const auto row = events::parse_event_id_row(stored);
    const EpochMillis due = row ? row->expires_at : 0;
    if (due <= now && !st.pending_ids.count(std::string(id)))
      batch.erase(Table::kEventIds, std::string(id));
    return true;
  });
  if (!batch.empty()) commit(self, std::move(batch), [](bool) {});
}

// Rebuilds the index of kept events and the waiters from LMDB, then matches any pair. Rows
// that cannot be read are logged and skipped (the sweep or a taker erases them).
void load(Self* self) {
  auto& st = self->state;
  auto& db = *st.engine->db;
  std::uint64_t highest = 0;
  db.scan(Table::kEvents, "", [&](std::string_view key, std::string_view value) {
    auto parsed_key = events::parse_event_key(key);
    boost::system::error_code ec;
    auto doc = parse_stored_json(value, ec);
    auto event = ec ? Result<events::Event>(ErrorCode::kInternal, ec.message())
                    : events::Event::from_json(doc);
    if (parsed_key && event) {
      highest = std::max(highest, parsed_key->sequence);
      st.kept[{parsed_key->type, parsed_key->correlation_key}].push_back(
          Kept{parsed_key->sequence, event->expires_at});
      ++st.kept_count;
    } else {
      adapters::log(adapters::LogLevel::kError, "event.unreadable",
                    {{"cause", event ? "bad key" : event.error().message}});
    }
    return true;
  });
  db.scan(Table::kEventWaiters, "", [&](std::string_view key, std::string_view value) {
    auto parsed_key = events::parse_event_key(key);
    auto row = records::decode_event_waiter_row(value);
    if (parsed_key && row) {
      highest = std::max(highest, parsed_key->sequence);
      st.waiters[{parsed_key->type, parsed_key->correlation_key}].push_back(
          Waiter{parsed_key->sequence, std::move(row->token), std::move(row->execution_id), false});
    } else {
      // Skipped, not fatal: the execution's own wait times out as it would have anyway.
      adapters::log(adapters::LogLevel::kError, "events.corrupt_waiter",
                    {{"cause", row ? "bad key" : row.error().message}});
    }
    return true;
  });
  st.next_sequence = highest + 1;
  std::vector<Key> both;
  for (const auto& [key, queue] : st.kept)
    if (st.waiters.count(key)) both.push_back(key);
  for (const auto& key : both) {
    for (;;) {
      bool any_free = false;
      for (const auto& w : st.waiters[key]) any_free = any_free || !w.busy;
      if (!any_free) break;
      auto taken = take_kept(self, key);
      if (!taken) break;
      AnswerCallback none;
      deliver(self, key, taken->second, none, taken->first.sequence);
    }
  }
}

EventsActor::behavior_type events_behavior(Self* self, EnginePtr engine, ExecutionsActor executions,
                                           EventsOptions options) {
  self->state.engine = std::move(engine);
  self->set_exception_handler(crash_handler("events"));
  self->state.executions = std::move(executions);
  self->state.options = options;
  // A row that cannot be read is skipped inside load(); anything else fails the load, not
  // the actor: the events are still in LMDB, and a restart reads them again.
  adapters::survive(
      "events", "load", adapters::no_subject, [&] { load(self); }, [](const std::string&) {});
  self->delayed_send(self, options.sweep_every, sweep_atom::value);
  const auto subject = [](const std::string& type, const std::string& correlation_key) {
    return json::object{{"type", type}, {"correlationKey", correlation_key}};
  };
  // Each handler fails its one message on an exception and answers whoever waits for it.
  const auto internal = [](const std::string& cause) {
    return Error{ErrorCode::kInternal, "the events actor failed: " + cause};
  };
  return {
      [self](events_atom, const TaskAttempt& attempt) {
        auto rp = self->make_response_promise<TaskOutcome>();
        adapters::survive(
            "events", "wait_for",
            [&] {
              return json::object{{"executionId", attempt.execution_id}};
            },
            [&] {
              if (attempt.resource == "settled:webhooks.ingest") {
                ingest(self, attempt, rp);
              } else if (attempt.resource == "settled:events.put") {
                const auto retention = std::chrono::duration_cast<std::chrono::milliseconds>(
                    self->state.options.retention);
                for (auto& put : event_puts(attempt, retention.count(),
                                            self->state.engine->child_name_salt, rp))
                  post(self, put);
              } else if (is_task_answer(attempt.resource)) {
                if (auto cb = task_answer(attempt, rp))
                  self->send(self->state.executions, task_callback_atom::value, std::move(*cb));
              } else if (attempt.resource == kStatesStartExecution) {
                if (auto start = execution_start(attempt, self->state.engine->aws_arns,
                                                 self->state.engine->child_name_salt, rp))
                  self->send(self->state.executions, start_atom::value, std::move(*start));
              } else
                wait_for(self, attempt, rp);
            },
            [&](const std::string& cause) {
              if (rp.pending()) rp.deliver(TaskOutcome::failure("States.Runtime", cause));
            });
        return rp;
      },
      [self, subject, internal](events_atom, EventPost& event) {
        auto reply = event.reply;
        adapters::survive(
            "events", "post",
            [&] { return subject(event.event.type, event.event.correlation_key); },
            [&] { post(self, event); },
            [&](const std::string& cause) {
              if (reply) reply(internal(cause));
            });
      },
      [self, internal](events_atom, StripeEventPost& post) {
        auto reply = post.reply;
        const std::string id = post.event.id;
        adapters::survive(
            "events", "stripe_event",
            [&] {
              return json::object{{"stripeEventId", id}};
            },
            [&] { post_stripe(self, post); },
            [&](const std::string& cause) {
              if (reply) reply(internal(cause));
            });
      },
      [self, internal](events_atom, SignedEventPost& post) {
        auto reply = post.reply;
        const std::string id = post.id;
        adapters::survive(
            "events", "signed_event",
            [&] {
              return json::object{{"id", id}};
            },
            [&] { post_signed(self, post); },
            [&](const std::string& cause) {
              if (reply) reply(internal(cause));
            });
      },
      [self, subject](delivered_atom, Delivery& d) {
        adapters::survive(
            "events", "delivered", [&] { return subject(d.key.first, d.key.second); },
            [&] { delivered(self, d); }, [](const std::string&) {});
      },
      [self, subject](started_atom, RuleStarts& rs) {
        auto reply = rs.post.reply;
        adapters::survive(
            "events", "rule_started",
            [&] { return subject(rs.post.event.type, rs.post.event.correlation_key); },
            [&] { rule_started(self, rs); },
            [&](const std::string& cause) {
              if (reply) reply(Error{ErrorCode::kInternal, "the events actor failed: " + cause});
            });
      },
      [self, subject](registered_atom, const std::string& type, const std::string& correlation_key,
                      std::uint64_t sequence, bool ok) {
        adapters::survive(
            "events", "registered", [&] { return subject(type, correlation_key); },
            [&] {
              registered(self, {type, correlation_key}, sequence, ok);
            },
            [](const std::string&) {});
      },
      [self](sweep_atom) {
        // The next sweep is due whatever happens to this one.
        self->delayed_send(self, self->state.options.sweep_every, sweep_atom::value);
        adapters::survive(
            "events", "sweep", adapters::no_subject, [&] { sweep(self); },
            [](const std::string&) {});
      },
      [](ping_atom) { return true; },
  };
}

}  // namespace events_detail

EventsActor spawn_events(caf::actor_system& system, EnginePtr engine, ExecutionsActor executions,
                         EventsOptions options) {
  return system.spawn(events_detail::events_behavior, std::move(engine), std::move(executions),
                      options);
}

}  // namespace settled::actors
