#include "actors/accounts_router.hpp"

#include "actors/account_actor.hpp"
#include "actors/messages.hpp"
#include "adapters/ops/log.hpp"
#include "adapters/ops/metrics.hpp"
#include "adapters/store/ledger_reader.hpp"
#include "domain/json_limits.hpp"
#include "domain/ledger/escrow.hpp"
#include "domain/ledger/keys.hpp"
#include "domain/ledger/lock_table.hpp"
#include "domain/ledger/operations.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <variant>

namespace settled::actors {

namespace json = boost::json;
using ledger::LedgerErrc;
using ledger::LedgerError;
using ledger::LedgerOp;
using ledger::LedgerRequest;

namespace {

constexpr std::size_t kMaxKeyLength = 255;

// Who gets the answer: a task (promise), a call from the API layer (callback), or the router itself
// (expiry).
using Replier =
    std::variant<std::monostate, caf::typed_response_promise<TaskOutcome>, LedgerCallback>;

struct Pending {
  ledger::LedgerJob job;
  std::string home;
  Replier replier;
  bool expiry = false;  // started by the expiry timer
  // The account actor it was sent to: after that actor died, its home may be a new actor whose
  // count of operations in flight this one was never part of.
  caf::actor_addr sent_to;
};

struct Home {
  AccountActor actor;
  std::size_t in_flight = 0;
  std::chrono::steady_clock::time_point last_used;
};

struct RouterState {
  AccountsDeps deps;
  ledger::LockTable locks;
  std::uint64_t next_id = 1;
  std::unordered_map<std::uint64_t, Pending> pending;
  std::unordered_map<std::string, Home> homes;
  std::map<caf::actor_addr, std::string> home_of;
  std::uint64_t passivated = 0;
  // Accounts whose actor died with a commit possibly still in the store's mailbox: their next
  // operations wait here until a barrier commit has passed it.
  std::unordered_map<std::string, std::vector<std::uint64_t>> quarantined;
  // escrow id -> (payer, payee) of each hold of it in flight
  std::unordered_map<std::string, std::vector<std::pair<std::string, std::string>>> holds;
  // Expiry: due time per escrow, ordered; escrows whose expire is running.
  std::set<std::pair<EpochMillis, std::string>> due;
  std::unordered_map<std::string, EpochMillis> due_of;
  std::unordered_set<std::string> expiring;
  EpochMillis timer_at = std::numeric_limits<EpochMillis>::max();
};

using Self = caf::stateful_actor<RouterState, LedgerActor::base>;

LedgerReply refusal_reply(const LedgerError& error) {
  LedgerReply r;
  r.ok = false;
  r.error = std::string(ledger::asl_error_name(error.code));
  r.cause = error.message;
  r.refusal = ledger::to_error(error);
  return r;
}

LedgerReply reply_of(const ledger::LedgerJobDone& done) {
  if (done.refusal) return refusal_reply(*done.refusal);
  LedgerReply r;
  if (done.store_error) {
    // Transient: a workflow can Retry on this name alone (StoreUnavailable). Nothing changed.
    r.ok = false;
    r.error = "Ledger.StoreUnavailable";
    r.cause = "ledger commit failed: " + done.store_error->message;
    r.refusal = *done.store_error;
    return r;
  }
  r.result = done.result;
  r.replayed = done.replayed;
  return r;
}

TaskOutcome to_outcome(const LedgerReply& r) {
  if (r.ok) return TaskOutcome::success(r.result);
  return TaskOutcome::failure(r.error, r.cause);
}

void deliver(Replier& replier, LedgerReply reply) {
  if (auto* promise = std::get_if<caf::typed_response_promise<TaskOutcome>>(&replier)) {
    promise->deliver(to_outcome(reply));
  } else if (auto* callback = std::get_if<LedgerCallback>(&replier)) {
    (*callback)(std::move(reply));
  }
}

std::string outcome_label(const LedgerReply& r) {
  if (r.ok) return r.replayed ? "replayed" : "ok";
  return r.error;
}

std::string account_key(const std::string& account) {
  return std::string("a") + '\0' + account;
}

void arm_expiry(Self* self);

Home& home_actor(Self* self, const std::string& account) {
  auto& st = self->state;
  auto it = st.homes.find(account);
  if (it == st.homes.end()) {
    AccountDeps deps{account, st.deps.db, st.deps.store, caf::actor_cast<LedgerActor>(self),
                     st.deps.options.max_batch};
    Home home;
    home.actor = spawn_account(self, std::move(deps));
    st.home_of[home.actor.address()] = account;
    it = st.homes.emplace(account, std::move(home)).first;
  }
  return it->second;
}

void dispatch(Self* self, std::uint64_t id) {
  auto& p = self->state.pending.at(id);
  if (auto q = self->state.quarantined.find(p.home); q != self->state.quarantined.end()) {
    q->second.push_back(id);
    return;
  }
  Home& home = home_actor(self, p.home);
  home.in_flight += 1;
  home.last_used = std::chrono::steady_clock::now();
  p.sent_to = home.actor.address();
  self->send(home.actor, job_atom::value, p.job);
}

// Keys and home of an admitted-to-be operation (see accounts_router.hpp).
void route(RouterState& st, const LedgerRequest& r, const std::string& key,
           std::vector<std::string>& keys, std::string& home) {
  std::vector<std::string> accounts;
  switch (r.op) {
    case LedgerOp::kDeposit:
    case LedgerOp::kWithdraw:
      accounts.push_back(r.account);
      break;
    case LedgerOp::kTransfer:
      if (r.from) accounts.push_back(*r.from);
      accounts.push_back(r.to);
      break;
    case LedgerOp::kHold:
      accounts.push_back(r.payer);
      break;
    default: {
      if (auto row = st.deps.db->get(Table::kLedgerEscrows, ledger::escrow_key(r.escrow_id))) {
        boost::system::error_code ec;
        auto value = parse_stored_json(*row, ec);
        if (!ec) {
          if (auto escrow = ledger::escrow_from_json(value)) {
            accounts.push_back(escrow->payer);
            accounts.push_back(escrow->payee);
          }
        }
      }
      if (auto it = st.holds.find(r.escrow_id); it != st.holds.end()) {
        for (const auto& [payer, payee] : it->second) {
          accounts.push_back(payer);
          accounts.push_back(payee);
        }
      }
      break;
    }
  }
  home = accounts.empty() ? std::string() : accounts.front();
  for (const std::string& a : accounts) keys.push_back(account_key(a));
  if (!r.escrow_id.empty()) keys.push_back(std::string("e") + '\0' + r.escrow_id);
  keys.push_back(std::string("k") + '\0' + key);
}

void submit(Self* self, LedgerRequest request, std::string key, EpochMillis now, Replier replier,
            bool expiry = false) {
  auto& st = self->state;
  const std::uint64_t id = st.next_id++;
  std::vector<std::string> keys;
  std::string home;
  route(st, request, key, keys, home);
  if (request.op == LedgerOp::kHold)
    st.holds[request.escrow_id].emplace_back(request.payer, request.payee);
  Pending p;
  p.job = ledger::LedgerJob{id, std::move(request), std::move(key), now};
  p.home = home;
  p.replier = std::move(replier);
  p.expiry = expiry;
  st.pending.emplace(id, std::move(p));
  if (st.locks.acquire(id, std::move(keys), std::move(home))) dispatch(self, id);
}

// Keeps the in-memory expiry schedule in step with one escrow as it now stands.
void track_escrow(RouterState& st, const ledger::Escrow& e) {
  if (!e.expires_at) return;
  const bool open = e.status == ledger::EscrowStatus::kHeld;
  auto known = st.due_of.find(e.id);
  if (open && known == st.due_of.end()) {
    st.due.emplace(*e.expires_at, e.id);
    st.due_of[e.id] = *e.expires_at;
  } else if (!open && known != st.due_of.end()) {
    st.due.erase({known->second, e.id});
    st.due_of.erase(known);
  }
}

// Keeps the in-memory expiry schedule in step with what an operation did to escrows.
void track_expiry(Self* self, const ledger::LedgerJobDone& done) {
  for (const ledger::Escrow& e : done.escrows) track_escrow(self->state, e);
}

// An operation whose outcome is unknown (its commit failed, which a failing fsync can report
// after the pages landed, or its account actor died) may have committed: a hold no one saw
// succeed must still expire, and its retry only replays. The escrow's lock is still this
// operation's and its commit has come back, so the store holds its final state.
void track_stored_escrow(Self* self, const std::string& escrow_id) {
  auto& st = self->state;
  auto stored = adapters::read_escrow(*st.deps.db, escrow_id);
  if (!stored) return;  // not committed (or never existed): nothing to schedule
  auto escrow = ledger::escrow_from_json(*stored);
  if (!escrow) {
    adapters::log(adapters::LogLevel::kError, "ledger.escrow_unreadable",
                  {{"escrowId", escrow_id}, {"cause", escrow.error().message}});
    return;
  }
  track_escrow(st, *escrow);
}

void expiry_done(Self* self, const Pending& p, const ledger::LedgerJobDone& done) {
  auto& st = self->state;
  const std::string& id = p.job.request.escrow_id;
  st.expiring.erase(id);
  if (done.store_error) {
    // Try again a little later; the index line is still there for a restart too.
    self->delayed_send(self, std::chrono::seconds(1), wake_atom::value);
    return;
  }
  if (done.refusal) {
    // Resolved, frozen, or gone: nothing to expire now (unfreeze puts it back).
    adapters::log(adapters::LogLevel::kInfo, "ledger.expiry_skipped",
                  {{"escrowId", id}, {"cause", done.refusal->message}});
    if (auto it = st.due_of.find(id); it != st.due_of.end()) {
      st.due.erase({it->second, id});
      st.due_of.erase(it);
    }
  } else if (!done.replayed) {
    adapters::log(adapters::LogLevel::kInfo, "ledger.escrow_expired",
                  {{"escrowId", id}, {"journalEntry", p.job.key}});
  }
}

void job_done(Self* self, std::vector<ledger::LedgerJobDone>& batch) {
  auto& st = self->state;
  for (ledger::LedgerJobDone& done : batch) {
    auto it = st.pending.find(done.id);
    if (it == st.pending.end()) continue;
    Pending p = std::move(it->second);
    st.pending.erase(it);
    const LedgerRequest& r = p.job.request;
    if (r.op == LedgerOp::kHold) {
      auto& list = st.holds[r.escrow_id];
      auto at = std::find(list.begin(), list.end(), std::make_pair(r.payer, r.payee));
      if (at != list.end()) list.erase(at);
      if (list.empty()) st.holds.erase(r.escrow_id);
    }
    if (done.ok && !done.replayed) track_expiry(self, done);
    if (done.store_error && !r.escrow_id.empty()) track_stored_escrow(self, r.escrow_id);
    if (p.expiry) expiry_done(self, p, done);
    LedgerReply reply = reply_of(done);
    adapters::Metrics::instance().ledger_operation(std::string(ledger::ledger_op_name(r.op)),
                                                   outcome_label(reply));
    if (!reply.ok && !done.refusal) {
      adapters::log(adapters::LogLevel::kWarn, "ledger.operation_failed",
                    {{"journalEntry", p.job.key}, {"cause", reply.cause}});
    }
    deliver(p.replier, std::move(reply));
    if (auto h = st.homes.find(p.home);
        h != st.homes.end() && h->second.actor.address() == p.sent_to) {
      h->second.in_flight -= 1;
      h->second.last_used = std::chrono::steady_clock::now();
    }
    for (std::uint64_t next : st.locks.release(done.id)) dispatch(self, next);
  }
  arm_expiry(self);
}

void arm_expiry(Self* self) {
  auto& st = self->state;
  for (const auto& [due, id] : st.due) {
    if (st.expiring.count(id)) continue;
    if (due >= st.timer_at) return;  // an earlier timer is set already
    st.timer_at = due;
    const EpochMillis now = st.deps.now();
    if (st.deps.clock && st.deps.clock->is_simulated()) {
      wake_at(self, st.deps.clock, now, due, wake_atom::value);
      return;
    }
    // Capped so a step of the wall clock cannot leave a deadline unseen for long.
    const auto delay = std::chrono::milliseconds(std::min<EpochMillis>(due - now, 60'000));
    wake_at(self, st.deps.clock, now, now + delay.count(), wake_atom::value);
    return;
  }
}

void wake(Self* self) {
  auto& st = self->state;
  st.timer_at = std::numeric_limits<EpochMillis>::max();
  const EpochMillis now = st.deps.now();
  std::vector<std::string> ripe;
  for (const auto& [due, id] : st.due) {
    if (due > now) break;
    if (!st.expiring.count(id)) ripe.push_back(id);
  }
  for (const std::string& id : ripe) {
    st.expiring.insert(id);
    LedgerRequest request;
    request.op = LedgerOp::kExpire;
    request.escrow_id = id;
    submit(self, std::move(request), "expire/" + id, now, std::monostate{}, true);
  }
  arm_expiry(self);
}

void sweep(Self* self) {
  auto& st = self->state;
  self->delayed_send(self, st.deps.options.sweep_every, sweep_atom::value);
  const auto now = std::chrono::steady_clock::now();
  for (auto it = st.homes.begin(); it != st.homes.end();) {
    Home& h = it->second;
    if (h.in_flight == 0 && now - h.last_used >= st.deps.options.passivate_after) {
      st.home_of.erase(h.actor.address());
      self->demonitor(h.actor.address());
      self->send_exit(h.actor, caf::exit_reason::user_shutdown);
      ++st.passivated;
      it = st.homes.erase(it);
    } else {
      ++it;
    }
  }
}

// An account actor died with operations in flight: whether their commit happened is unknown.
// A barrier commit behind whatever it sent settles that; then they are failed (a retry with the
// same key replays a commit that happened) and their keys freed.
void account_crashed(Self* self, const std::string& account, const caf::error& reason) {
  auto& st = self->state;
  adapters::log(adapters::LogLevel::kError, "ledger.account_actor_died",
                {{"account", account}, {"cause", caf::to_string(reason)}});
  st.homes.erase(account);
  // Admitted ones were sent to it; the others will go to a fresh actor when admitted.
  std::vector<std::uint64_t> lost;
  for (const auto& [id, p] : st.pending)
    if (p.home == account && st.locks.admitted(id)) lost.push_back(id);
  st.quarantined[account];
  self->request(st.deps.store, caf::infinite, commit_atom::value, WriteBatch{})
      .then(
          [self, lost, account](StoreReply&) {
            auto& s = self->state;
            std::vector<std::uint64_t> deferred = std::move(s.quarantined[account]);
            s.quarantined.erase(account);
            // Admitted before anything the failures below may admit: first to the new actor.
            for (std::uint64_t id : deferred)
              if (s.pending.count(id)) dispatch(self, id);
            std::vector<ledger::LedgerJobDone> failed;
            for (std::uint64_t id : lost) {
              ledger::LedgerJobDone d;
              d.id = id;
              d.store_error = Error(ErrorCode::kInternal,
                                    "the account actor failed; the outcome is unknown: retry with "
                                    "the same idempotency key (it replays what committed)");
              failed.push_back(std::move(d));
            }
            job_done(self, failed);
          },
          [](caf::error&) {});
}

LedgerActor::behavior_type router_behavior(Self* self, AccountsDeps deps) {
  self->set_exception_handler(crash_handler("ledger"));
  auto& st = self->state;
  st.deps = std::move(deps);
  for (auto& [due, id] : adapters::read_expiries(*st.deps.db)) {
    st.due.emplace(due, id);
    st.due_of[id] = due;
  }
  if (!st.due.empty())
    adapters::log(adapters::LogLevel::kInfo, "ledger.expiries_loaded", {{"holds", st.due.size()}});
  arm_expiry(self);
  self->send(self, sweep_atom::value);
  self->set_down_handler([self](caf::down_msg& msg) {
    auto& s = self->state;
    auto it = s.home_of.find(msg.source);
    if (it == s.home_of.end()) return;  // passivated
    const std::string account = it->second;
    s.home_of.erase(it);
    account_crashed(self, account, msg.reason);
  });
  // Our own shutdown: the account actors go with us (they are monitored, not linked).
  self->set_exit_handler([self](caf::exit_msg& msg) {
    for (auto& [account, home] : self->state.homes) self->send_exit(home.actor, msg.reason);
    self->quit(msg.reason);
  });
  const auto start = [self](TaskAttempt& attempt, Replier replier) {
    auto& s = self->state;
    const EpochMillis now = attempt.now != 0 ? attempt.now : s.deps.now();
    if (attempt.resource == "settled:ledger.balance") {
      auto query = ledger::parse_balance_query(attempt.parameters);
      if (!query) return deliver(replier, refusal_reply(query.error()));
      auto balances = adapters::read_balances(*s.deps.db, query->account);
      if (!balances)
        return deliver(replier,
                       refusal_reply(LedgerError(LedgerErrc::kInternal, balances.error().message)));
      LedgerReply r;
      r.result = ledger::balance_result(*query, *balances);
      return deliver(replier, std::move(r));
    }
    auto op = ledger::ledger_op_from_resource(attempt.resource);
    if (!op)
      return deliver(replier,
                     refusal_reply(LedgerError(LedgerErrc::kInvalidParameters,
                                               "unknown ledger resource " + attempt.resource)));
    const std::string& key = attempt.idempotency_key;
    if (key.empty() || key.size() > kMaxKeyLength || key.find('\0') != std::string::npos)
      return deliver(replier, refusal_reply(LedgerError(
                                  LedgerErrc::kInvalidParameters,
                                  "idempotencyKey: must be 1-255 characters without NUL")));
    auto request = ledger::parse_ledger_request(*op, attempt.parameters);
    if (!request) return deliver(replier, refusal_reply(request.error()));
    submit(self, std::move(*request), key, now, std::move(replier));
  };
  // Each handler fails its one message on an exception (answering its caller); the router
  // and every other account go on.
  const auto guarded_start = [start](TaskAttempt& attempt, Replier replier) {
    auto shared = std::make_shared<Replier>(std::move(replier));
    adapters::survive(
        "ledger", "operation",
        [&] {
          return boost::json::object{{"executionId", attempt.execution_id},
                                     {"idempotencyKey", attempt.idempotency_key}};
        },
        [&] { start(attempt, *shared); },
        [&](const std::string& cause) {
          deliver(*shared,
                  refusal_reply(LedgerError(LedgerErrc::kInternal, "the ledger failed: " + cause)));
        });
  };
  const auto ignore = [](const std::string&) {};
  return {
      [self, guarded_start](ledger_atom, TaskAttempt& attempt) {
        auto promise = self->make_response_promise<TaskOutcome>();
        guarded_start(attempt, Replier(promise));
        return promise;
      },
      [guarded_start](ledger_atom, LedgerCall& call) {
        guarded_start(call.attempt, Replier(std::move(call.reply)));
      },
      [self, ignore](job_done_atom, std::vector<ledger::LedgerJobDone>& batch) {
        adapters::survive(
            "ledger", "job_done", adapters::no_subject, [&] { job_done(self, batch); }, ignore);
      },
      [self](wake_atom) {
        // Expiries must not stop: a failed wake is tried again in a second.
        adapters::survive(
            "ledger", "wake", adapters::no_subject, [&] { wake(self); },
            [self](const std::string&) {
              self->delayed_send(self, std::chrono::seconds(1), wake_atom::value);
            });
      },
      [self, ignore](sweep_atom) {
        adapters::survive(
            "ledger", "sweep", adapters::no_subject, [&] { sweep(self); }, ignore);
      },
      [self](ledger_stats_atom) {
        auto& s = self->state;
        return LedgerStats{s.homes.size(), s.locks.running(), s.locks.waiting(), s.passivated,
                           s.due.size()};
      },
  };
}

}  // namespace

LedgerActor spawn_accounts(caf::actor_system& system, AccountsDeps deps) {
  return system.spawn(router_behavior, std::move(deps));
}

}  // namespace settled::actors
