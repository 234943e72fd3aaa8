#pragma once
// Message types shared by settled's actors. Their atoms, type IDs and the typed interfaces that
// carry them are in actors/interfaces.hpp.

#include "actors/interfaces.hpp"
#include "adapters/ops/crash_log.hpp"
#include "domain/caller.hpp"
#include "domain/error.hpp"
#include "domain/events/event.hpp"
#include "domain/ledger/ledger_job.hpp"
#include "domain/outcome.hpp"
#include "domain/resources/task_outcome.hpp"
#include "domain/result.hpp"
#include "domain/stripe/webhook_event.hpp"
#include "domain/write_batch.hpp"

#include <caf/all.hpp>

#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace settled::actors {

// The store's answer to a commit: after the fsync, or why it could not write.
struct StoreReply {
  bool ok = true;
  Error error;
};

// What a request from outside the actors (a start, a task callback, an event) is answered
// with: how it ended and what it says ({executionId, status, startDate} for a start), or the
// Error that refused it. The API layer turns either into a status or an admin reply.
struct Answered {
  Outcome outcome = Outcome::kCreated;
  boost::json::object body;
  EpochMillis start = 0;  // a start's: the execution's start (body's startDate) as a number
};
using Answer = Result<Answered>;
using AnswerCallback = std::function<void(Answer)>;

struct StartRequest {
  std::string state_machine;
  std::string test_case;  // test mode (mock-config): from "<machine>#<case>"; empty otherwise
  std::string name;
  boost::json::value input;
  AnswerCallback reply;
  // Who asked through the API (POST /v1/executions, StartExecution), checked against the
  // engine's start_scopes; none for the daemon's own starts (routes, schedules, rules, tasks).
  // A rule's start carries its event's poster (rule_starts.cpp).
  std::optional<Caller> caller;
  // An event rule's start: the one start that may take a "<rule>-" name of the rule's machine.
  bool from_rule = false;
};

// Asks the executions supervisor to call `changed` once execution `id` may have closed: at its
// actor's next stop (it ended, passivated or crashed; its record is durable at what it last
// committed), or at once when no actor runs it and its record is not RUNNING (or is gone). A
// passivated execution's watch waits for its next run. One call per watch; a watch not called by
// `until` is dropped. StartSyncExecution answers through it instead of polling the record.
struct ExecutionWatch {
  std::string id;
  std::function<void()> changed;
  std::chrono::steady_clock::time_point until;
};

// A callback for the execution waiting on `token`. `reply` is answered once the execution's
// transition is durable (or with the reason it was refused).
struct TaskCallback {
  enum class Kind { kSuccess, kFailure, kHeartbeat };
  Kind kind = Kind::kSuccess;
  std::string token;
  boost::json::value output;  // success
  std::string error, cause;   // failure
  WriteBatch writes;          // committed with the execution's transition
  AnswerCallback reply;
  // Who answers (docs/identities.md): checked against the token's requiredScope; its identity
  // becomes the output's "answeredBy" when the token has one.
  Caller caller{};
  std::string required_scope{};  // the token row's, set by the supervisor before delivery
  int attempts = 0;  // deliveries tried (an execution may passivate while one is on its way)
};

// An event posted from outside; `reply` gets kApplied (delivered to a waiting execution,
// durably), kKept (kept for a later waiter) or kExisting (its id was seen before).
struct EventPost {
  events::Event event;
  AnswerCallback reply;
  // The EventBridge envelope as posted (null for settled's form): a rule's start input.
  boost::json::value envelope;
  // Who posted it through the API (POST /v1/events); none for the daemon's own (a workflow's
  // events.putEvents). An API post is kept only while events-max-kept allows, and a rule's
  // start for it is checked against start-scopes as the poster's own start would be: a rule
  // is not a way around them.
  std::optional<Caller> poster;
};

// A Stripe event whose webhook signature was verified (`events_atom, StripeEventPost`): stored
// by its id and posted under each of its correlation keys in one commit; `reply` gets kApplied
// once that commit is durable, or kExisting (nothing written) if its id was stored before.
struct StripeEventPost {
  stripe::StripeEvent event;
  AnswerCallback reply;
};

// A verified signed webhook of any provider (`events_atom, SignedEventPost`; Stripe's and
// Veriff's): its row (`table`, key `id`) and one kept event of `type` per correlation key commit
// together; `reply` gets kApplied with `acknowledged` once that commit is durable, or kExisting
// ({"received","duplicate","id"}, nothing written) if the row was stored before.
struct SignedEventPost {
  Table table = Table::kStripeEvents;
  std::string id;   // the row's key: what makes a redelivery a duplicate
  std::string row;  // the row
  std::string type;
  boost::json::value detail;  // the body as received, the waiting task's `detail`
  EpochMillis received_at = 0;
  std::vector<std::string> correlation_keys;
  boost::json::object acknowledged;  // the first delivery's answer
  std::string log_name;              // "stripe_event", "veriff_decision"
  AnswerCallback reply;
};

// POST /v1/simulator/stripe/account_links/{id}/complete: answered with the account once its
// change is durable, or the refusal (stripe_simulator_actor.hpp).
struct OnboardingCompletion {
  std::string link_id;
  AnswerCallback reply;
};

// An alert for the alerts actor: where it comes from and what it says.
struct Alert {
  std::string source;  // "workflow", "retries_exhausted", "store_near_full"
  boost::json::object body;
};

// From an execution actor to its supervisor once its first transition is durable (or refused).
struct StartResult {
  bool ok = true;
  Error error;
  boost::json::object body;  // {executionId, status, startDate}
  EpochMillis start = 0;     // startDate as a number, for answers that need one
};

// A ledger operation's answer in both vocabularies: the ASL error name a workflow catches
// ("Ledger.InsufficientFunds"; "States.TaskFailed" when the store could not commit) and the
// Error a caller outside the workflows gets (`refusal`). `replayed`: the idempotency key had
// committed before; the stored result.
struct LedgerReply {
  bool ok = true;
  boost::json::value result;
  bool replayed = false;
  std::string error;
  std::string cause;
  Error refusal;
};
using LedgerCallback = std::function<void(LedgerReply)>;

// An operation asked from outside the actor system; `reply` runs on an actor thread.
struct LedgerCall {
  TaskAttempt attempt;
  LedgerCallback reply;
};

// The router's bookkeeping, for tests and status.
struct LedgerStats {
  std::uint64_t accounts_alive = 0;  // account actors not passivated
  std::uint64_t running = 0;         // operations admitted, not yet answered
  std::uint64_t waiting = 0;         // operations queued behind a key
  std::uint64_t passivated = 0;      // account actors passivated since start
  std::uint64_t expiries_pending = 0;
};

// The exception handler every long-lived actor installs: CAF ends the actor whatever it returns,
// so it makes sure the log says which one died of what (adapters/ops/crash_log.hpp).
inline auto crash_handler(std::string actor) {
  return [actor = std::move(actor)](caf::scheduled_actor*, std::exception_ptr& eptr) -> caf::error {
    return caf::make_error(caf::sec::runtime_error, adapters::log_crash(actor, eptr));
  };
}

}  // namespace settled::actors
