#pragma once
// Every actor's interface in one place: the atoms, the message types (one CAF type-ID block), and
// one typed_actor per component, so the compiler checks every send and request against what the
// receiver handles and what it answers.
//
// Adding a message: add its atom below (CAF_ADD_ATOM) if it needs a new one, its payload type to
// the block (SETTLED_ADD_MESSAGE_TYPE, after a declaration above), then the signature to the
// receiver's typed_actor and a handler to its behavior.
// Only declarations here: the payloads are defined next to the component that takes them.

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/replies_to.hpp>
#include <caf/type_id.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace settled {
struct ReadinessReport;
struct TaskAttempt;
struct TaskOutcome;
struct WriteBatch;
namespace ledger {
struct LedgerJob;
struct LedgerJobDone;
}  // namespace ledger
}  // namespace settled

namespace settled::actors {
// actors/messages.hpp
struct Alert;
struct EventPost;
struct LedgerCall;
struct LedgerReply;
struct LedgerStats;
struct StartRequest;
struct StartResult;
struct StoreReply;
struct StripeEventPost;
struct SignedEventPost;
struct OnboardingCompletion;
struct TaskCallback;
struct ExecutionWatch;
// executions_actor.hpp
struct ControlReply;
struct SupervisorStatus;
// admin_actor.hpp
struct StatusAsk;
struct ControlAsk;
struct IngestionAsk;
// state_machines_actor.hpp
struct RegisterRequest;
struct ReloadRequest;
struct RetireRequest;
// mock_tasks_actor.hpp
struct MockCall;
// clock_actor.hpp
struct ClockAdvance;
// schedules_actor.hpp
struct SchedulePut;
struct ScheduleDelete;
struct ScheduleQuery;
// notifications_actor.hpp
struct NotificationRead;
struct NotificationRedeliver;
// readiness_actor.hpp
using ReadinessCallback = std::function<void(ReadinessReport)>;
// Private to their actor's .cpp (messages it sends itself).
struct Delivery;           // events_actor.cpp
struct RuleStarts;         // events/rule_starts.hpp
struct StripeClientReply;  // stripe_client_actor.cpp
}  // namespace settled::actors

// A message type: its type ID, and CAF's leave to carry it without an inspect(). No message
// leaves the process, so CAF never serialises one.
#define SETTLED_ADD_MESSAGE_TYPE(...)     \
  CAF_ADD_TYPE_ID(settled, (__VA_ARGS__)) \
  CAF_ALLOW_UNSAFE_MESSAGE_TYPE(__VA_ARGS__)

// The atoms are numbered by nothing in CAF 0.17 (an atom is its own type); they sit in the block
// so that it lists every message part, and so that the CAF 0.18 upgrade finds them in place.
CAF_BEGIN_TYPE_ID_BLOCK(settled, caf::first_custom_type_id)

// Store and readiness.
CAF_ADD_ATOM(settled, settled::actors, commit_atom, "commit")
CAF_ADD_ATOM(settled, settled::actors, flush_atom, "flush")
// A long-lived actor answers: it is alive and its mailbox moves.
CAF_ADD_ATOM(settled, settled::actors, ping_atom, "ping")
CAF_ADD_ATOM(settled, settled::actors, ready_atom, "ready")
CAF_ADD_ATOM(settled, settled::actors, probe_atom, "probe")
// Executions supervisor and execution actors.
CAF_ADD_ATOM(settled, settled::actors, start_atom, "start")
CAF_ADD_ATOM(settled, settled::actors, started_atom, "started")
CAF_ADD_ATOM(settled, settled::actors, admission_check_atom, "admitcheck")
CAF_ADD_ATOM(settled, settled::actors, recover_atom, "recover")
CAF_ADD_ATOM(settled, settled::actors, resume_atom, "resume")
CAF_ADD_ATOM(settled, settled::actors, wake_atom, "wake")
CAF_ADD_ATOM(settled, settled::actors, count_atom, "count")
CAF_ADD_ATOM(settled, settled::actors, ingest_atom, "ingest")
CAF_ADD_ATOM(settled, settled::actors, abort_atom, "abort")
CAF_ADD_ATOM(settled, settled::actors, redrive_atom, "redrive")
CAF_ADD_ATOM(settled, settled::actors, drain_atom, "drain")
CAF_ADD_ATOM(settled, settled::actors, sup_status_atom, "supstatus")
// StartSyncExecution: tell me when this execution's actor stops (messages.hpp ExecutionWatch).
CAF_ADD_ATOM(settled, settled::actors, watch_atom, "watch")
// Parallel/Map branches: a parent asks the supervisor to run branch executions it has
// committed; a finished branch tells its parent (through the supervisor); a parent whose
// branch failed has the others aborted.
CAF_ADD_ATOM(settled, settled::actors, spawn_branch_atom, "spawnbr")
CAF_ADD_ATOM(settled, settled::actors, branch_done_atom, "branchdone")
CAF_ADD_ATOM(settled, settled::actors, abort_branch_atom, "abortbr")
// Durable timers: an execution tells the timer actor of a timer it committed; the timer actor
// tells the supervisor when one is due.
CAF_ADD_ATOM(settled, settled::actors, timer_atom, "timer")
CAF_ADD_ATOM(settled, settled::actors, timer_fired_atom, "timerfired")
CAF_ADD_ATOM(settled, settled::actors, scan_atom, "scan")
CAF_ADD_ATOM(settled, settled::actors, tick_atom, "tick")
// Tasks: Stripe charges, mocked responses (test mode), .waitForTaskToken callbacks.
CAF_ADD_ATOM(settled, settled::actors, charge_atom, "charge")
CAF_ADD_ATOM(settled, settled::actors, stripe_done_atom, "stripedone")
CAF_ADD_ATOM(settled, settled::actors, mock_atom, "mock")
CAF_ADD_ATOM(settled, settled::actors, task_callback_atom, "taskcb")
// A task call's deadline passed (task_deadlines.hpp): the sweeper tells its execution.
CAF_ADD_ATOM(settled, settled::actors, task_deadline_atom, "taskdue")
// Events: waitFor, posted events, and the events actor's own bookkeeping.
CAF_ADD_ATOM(settled, settled::actors, events_atom, "events")
CAF_ADD_ATOM(settled, settled::actors, delivered_atom, "delivered")
CAF_ADD_ATOM(settled, settled::actors, registered_atom, "registerd")
// Periodic work: expiring events, passivating accounts, closed executions.
CAF_ADD_ATOM(settled, settled::actors, sweep_atom, "sweep")
CAF_ADD_ATOM(settled, settled::actors, expire_atom, "expire")
// Ledger: the accounts router and its account actors.
CAF_ADD_ATOM(settled, settled::actors, ledger_atom, "ledger")
CAF_ADD_ATOM(settled, settled::actors, ledger_stats_atom, "lstats")
CAF_ADD_ATOM(settled, settled::actors, job_atom, "job")
CAF_ADD_ATOM(settled, settled::actors, job_done_atom, "jobdone")
// Alerts.
CAF_ADD_ATOM(settled, settled::actors, alert_atom, "alert")
CAF_ADD_ATOM(settled, settled::actors, retry_atom, "retry")
CAF_ADD_ATOM(settled, settled::actors, check_atom, "check")
// State machines and the admin socket.
CAF_ADD_ATOM(settled, settled::actors, register_atom, "register")
CAF_ADD_ATOM(settled, settled::actors, retire_atom, "retire")
CAF_ADD_ATOM(settled, settled::actors, reload_atom, "reload")
CAF_ADD_ATOM(settled, settled::actors, admin_atom, "admin")
CAF_ADD_ATOM(settled, settled::actors, sample_atom, "sample")
// The simulated clock (clock_actor.hpp).
CAF_ADD_ATOM(settled, settled::actors, advance_atom, "advance")
// Schedules (schedules_actor.hpp): puts, deletes and queries; its own fires and their starts.
CAF_ADD_ATOM(settled, settled::actors, schedule_atom, "schedule")
CAF_ADD_ATOM(settled, settled::actors, fire_atom, "fire")
CAF_ADD_ATOM(settled, settled::actors, fired_atom, "fired")
// The Stripe simulator's own doings (stripe_simulator_actor.hpp): onboarding completed, its
// events sent as webhooks.
CAF_ADD_ATOM(settled, settled::actors, onboard_atom, "onboard")
CAF_ADD_ATOM(settled, settled::actors, webhooks_atom, "webhooks")
CAF_ADD_ATOM(settled, settled::actors, deliver_atom, "deliver")
// Notifications (notifications_actor.hpp): a read mark, a dead letter sent again.
CAF_ADD_ATOM(settled, settled::actors, mark_read_atom, "markread")
CAF_ADD_ATOM(settled, settled::actors, redeliver_atom, "redeliver")

SETTLED_ADD_MESSAGE_TYPE(settled::TaskAttempt)
SETTLED_ADD_MESSAGE_TYPE(settled::TaskOutcome)
SETTLED_ADD_MESSAGE_TYPE(settled::WriteBatch)
SETTLED_ADD_MESSAGE_TYPE(settled::ledger::LedgerJob)
SETTLED_ADD_MESSAGE_TYPE(std::vector<settled::ledger::LedgerJobDone>)
SETTLED_ADD_MESSAGE_TYPE(settled::actors::Alert)
SETTLED_ADD_MESSAGE_TYPE(settled::actors::ClockAdvance)
SETTLED_ADD_MESSAGE_TYPE(settled::actors::ControlAsk)
SETTLED_ADD_MESSAGE_TYPE(settled::actors::ControlReply)
SETTLED_ADD_MESSAGE_TYPE(settled::actors::Delivery)
SETTLED_ADD_MESSAGE_TYPE(settled::actors::EventPost)
SETTLED_ADD_MESSAGE_TYPE(settled::actors::ExecutionWatch)
SETTLED_ADD_MESSAGE_TYPE(settled::actors::IngestionAsk)
SETTLED_ADD_MESSAGE_TYPE(settled::actors::LedgerCall)
SETTLED_ADD_MESSAGE_TYPE(settled::actors::LedgerReply)
SETTLED_ADD_MESSAGE_TYPE(settled::actors::LedgerStats)
SETTLED_ADD_MESSAGE_TYPE(settled::actors::MockCall)
SETTLED_ADD_MESSAGE_TYPE(settled::actors::NotificationRead)
SETTLED_ADD_MESSAGE_TYPE(settled::actors::NotificationRedeliver)
SETTLED_ADD_MESSAGE_TYPE(settled::actors::OnboardingCompletion)
SETTLED_ADD_MESSAGE_TYPE(settled::actors::ReadinessCallback)
SETTLED_ADD_MESSAGE_TYPE(settled::actors::RegisterRequest)
SETTLED_ADD_MESSAGE_TYPE(settled::actors::RuleStarts)
SETTLED_ADD_MESSAGE_TYPE(settled::actors::SchedulePut)
SETTLED_ADD_MESSAGE_TYPE(settled::actors::ScheduleDelete)
SETTLED_ADD_MESSAGE_TYPE(settled::actors::ScheduleQuery)
SETTLED_ADD_MESSAGE_TYPE(settled::actors::ReloadRequest)
SETTLED_ADD_MESSAGE_TYPE(settled::actors::RetireRequest)
SETTLED_ADD_MESSAGE_TYPE(settled::actors::StartRequest)
SETTLED_ADD_MESSAGE_TYPE(settled::actors::SignedEventPost)
SETTLED_ADD_MESSAGE_TYPE(settled::actors::StartResult)
SETTLED_ADD_MESSAGE_TYPE(settled::actors::StatusAsk)
SETTLED_ADD_MESSAGE_TYPE(settled::actors::StoreReply)
SETTLED_ADD_MESSAGE_TYPE(settled::actors::StripeClientReply)
SETTLED_ADD_MESSAGE_TYPE(settled::actors::StripeEventPost)
SETTLED_ADD_MESSAGE_TYPE(settled::actors::SupervisorStatus)
SETTLED_ADD_MESSAGE_TYPE(settled::actors::TaskCallback)

CAF_END_TYPE_ID_BLOCK(settled)

#undef SETTLED_ADD_MESSAGE_TYPE

namespace settled::actors {

// The store (store_actor.hpp): one writer, many operations per fsync'd commit; flush_atom is
// its own.
using StoreActor = caf::typed_actor<caf::replies_to<commit_atom, WriteBatch>::with<StoreReply>,
                                    caf::reacts_to<flush_atom>>;

// Stripe (stripe_client_actor.hpp, stripe_simulator_actor.hpp): a charge task's outcome. The
// live client and the simulator both implement it.
using StripeActor = caf::typed_actor<caf::replies_to<charge_atom, TaskAttempt>::with<TaskOutcome>>;

// The Stripe simulator (stripe_simulator_actor.hpp): a StripeActor, and the simulator routes'
// onboarding completion; `webhooks_atom, url` starts sending its events to the daemon's own
// webhook endpoint. Payouts falling due (wake_atom) and redeliveries (retry_atom, event id,
// attempt) are its own.
using StripeSimulatorActor =
    StripeActor::extend<caf::reacts_to<onboard_atom, OnboardingCompletion>,
                        caf::reacts_to<webhooks_atom, std::string>, caf::reacts_to<wake_atom>,
                        caf::reacts_to<retry_atom, std::string, int>>;

// The simulator's webhook sender (stripe_simulator_actor.cpp), on a thread of its own: POSTs
// one event's JSON, answers whether the endpoint took it.
using StripeWebhookActor = caf::typed_actor<caf::replies_to<deliver_atom, std::string>::with<bool>>;

// Veriff (docs/veriff.md): a task resource answered as Stripe's are; the simulator also takes
// the daemon's webhook URL, its decision wake-ups and its webhook retries. Its sender is a
// StripeWebhookActor (deliver_atom, body -> taken).
using VeriffActor = caf::typed_actor<caf::replies_to<charge_atom, TaskAttempt>::with<TaskOutcome>>;
// settled:http.invoke: Lambda functions mapped to URLs (adapters/lambda/http_invoke_client.hpp).
using HttpInvokeActor =
    caf::typed_actor<caf::replies_to<charge_atom, TaskAttempt>::with<TaskOutcome>>;
using VeriffSimulatorActor =
    VeriffActor::extend<caf::reacts_to<webhooks_atom, std::string>, caf::reacts_to<wake_atom>,
                        caf::reacts_to<retry_atom, std::string, int>>;

// Test mode's mocked task responses (mock_tasks_actor.hpp).
using MockTasksActor = caf::typed_actor<caf::replies_to<mock_atom, MockCall>::with<TaskOutcome>>;

// Alerts (alerts_actor.hpp): alert_atom from anyone; retries and store checks from itself.
using AlertsActor =
    caf::typed_actor<caf::reacts_to<alert_atom, Alert>,
                     caf::reacts_to<retry_atom, std::string, int>, caf::reacts_to<check_atom>>;

// Notifications (notifications_actor.hpp): wake_atom when new outbox rows committed (and its own
// retry wake-ups), a user's read mark, a dead letter's redelivery; tick_atom is its own poll.
using NotificationsActor = caf::typed_actor<caf::reacts_to<wake_atom>, caf::reacts_to<tick_atom>,
                                            caf::reacts_to<mark_read_atom, NotificationRead>,
                                            caf::reacts_to<redeliver_atom, NotificationRedeliver>>;

// One notification webhook sender (notifications_actor.cpp), on a thread of its own: POSTs one
// notification (id, body), answers "" when the webhook took it, else what went wrong.
using NotificationSenderActor =
    caf::typed_actor<caf::replies_to<deliver_atom, std::string, std::string>::with<std::string>>;

// Durable timers (timer_actor.hpp): `timer_atom, key` for a timer just committed; scan and tick
// are its own.
using TimersActor =
    caf::typed_actor<caf::reacts_to<timer_atom, std::string>, caf::reacts_to<scan_atom>,
                     caf::reacts_to<tick_atom>, caf::replies_to<ping_atom>::with<bool>>;

// Events (events_actor.hpp): settled:events.waitFor and events.put tasks, posted events (API,
// Stripe and Veriff webhooks); deliveries, rule starts' answers, registrations and sweeps are its
// own.
using EventsActor = caf::typed_actor<
    caf::replies_to<events_atom, TaskAttempt>::with<TaskOutcome>,
    caf::reacts_to<events_atom, EventPost>, caf::reacts_to<events_atom, StripeEventPost>,
    caf::reacts_to<events_atom, SignedEventPost>, caf::reacts_to<delivered_atom, Delivery>,
    caf::reacts_to<started_atom, RuleStarts>,
    caf::reacts_to<registered_atom, std::string, std::string, std::uint64_t, bool>,
    caf::reacts_to<sweep_atom>, caf::replies_to<ping_atom>::with<bool>>;

// One account's serial commits (account_actor.hpp), fed by the accounts router; flush_atom is
// its own (what its mailbox held is computed as one batch).
using AccountActor =
    caf::typed_actor<caf::reacts_to<job_atom, ledger::LedgerJob>, caf::reacts_to<flush_atom>>;

// The accounts router (accounts_router.hpp): settled:ledger.* tasks, calls from the API layer,
// its accounts' finished jobs; wake and sweep are its own.
using LedgerActor =
    caf::typed_actor<caf::replies_to<ledger_atom, TaskAttempt>::with<TaskOutcome>,
                     caf::reacts_to<ledger_atom, LedgerCall>,
                     caf::reacts_to<job_done_atom, std::vector<ledger::LedgerJobDone>>,
                     caf::reacts_to<wake_atom>, caf::reacts_to<sweep_atom>,
                     caf::replies_to<ledger_stats_atom>::with<LedgerStats>>;

// One running execution (execution_actor.hpp), a child of the supervisor, which alone holds its
// handle: its first resume (`true`: begin) and later ones, wake-ups, finished branches, and task
// callbacks (answered at once: taken).
using ExecutionActor =
    caf::typed_actor<caf::reacts_to<resume_atom, bool>, caf::reacts_to<resume_atom>,
                     caf::reacts_to<wake_atom, std::int64_t>,
                     caf::reacts_to<task_deadline_atom, std::uint64_t>,
                     caf::reacts_to<branch_done_atom, std::string>,
                     caf::replies_to<task_callback_atom, TaskCallback>::with<bool>>;

// The executions supervisor (executions_actor.hpp): starts, callbacks and controls from the API
// layer and the admin actor; admissions, branches and timers from its execution actors and the
// timer actor.
using ExecutionsActor = caf::typed_actor<
    caf::reacts_to<start_atom, StartRequest>,
    caf::reacts_to<started_atom, std::string, StartResult>,
    caf::reacts_to<admission_check_atom, std::string>,
    caf::replies_to<recover_atom>::with<std::uint64_t>,
    caf::replies_to<count_atom>::with<std::uint64_t>,
    caf::replies_to<ingest_atom, bool>::with<bool>,
    // Stop: the execution id, then the error and cause its ExecutionAborted event records.
    caf::replies_to<abort_atom, std::string, std::string, std::string>::with<ControlReply>,
    // A parent's failed branch: the others are aborted; no one waits for the answer.
    caf::reacts_to<abort_branch_atom, std::string>,
    caf::replies_to<redrive_atom, std::string>::with<ControlReply>,
    caf::reacts_to<spawn_branch_atom, std::string>,
    caf::reacts_to<branch_done_atom, std::string, std::string>,
    // CAF carries a char as std::int8_t.
    caf::reacts_to<timer_fired_atom, std::string, std::int8_t, std::int64_t>,
    caf::reacts_to<task_callback_atom, TaskCallback>, caf::replies_to<drain_atom>::with<bool>,
    caf::reacts_to<watch_atom, ExecutionWatch>,
    caf::replies_to<sup_status_atom>::with<SupervisorStatus>>;

// Registered state machines (state_machines_actor.hpp): PUT /v1/state-machines and reloads.
using StateMachinesActor = caf::typed_actor<caf::reacts_to<register_atom, RegisterRequest>,
                                            caf::reacts_to<reload_atom, ReloadRequest>,
                                            caf::reacts_to<retire_atom, RetireRequest>>;

// The admin socket's actor (admin_actor.hpp): status, stop/redrive, pause/resume ingestion.
using AdminActor =
    caf::typed_actor<caf::reacts_to<admin_atom, StatusAsk>, caf::reacts_to<admin_atom, ControlAsk>,
                     caf::reacts_to<admin_atom, IngestionAsk>, caf::reacts_to<sample_atom>>;

// The simulated clock's advances (clock_actor.hpp): POST /v1/clock/advance and the admin
// socket's clock.advance; check_atom is its own (is the daemon quiet yet?).
using ClockActor =
    caf::typed_actor<caf::reacts_to<advance_atom, ClockAdvance>, caf::reacts_to<check_atom>>;

// Durable schedules (schedules_actor.hpp): puts, deletes and queries from the API layer and the
// admin socket; fire (a fire time came: name, due) and fired (its start was answered: name, due,
// started) are its own.
using SchedulesActor =
    caf::typed_actor<caf::reacts_to<schedule_atom, SchedulePut>,
                     caf::reacts_to<schedule_atom, ScheduleDelete>,
                     caf::reacts_to<schedule_atom, ScheduleQuery>,
                     caf::reacts_to<fire_atom, std::string, std::int64_t>,
                     caf::reacts_to<fired_atom, std::string, std::int64_t, bool, std::string>,
                     caf::replies_to<ping_atom>::with<bool>>;

// GET /readyz (readiness_actor.hpp).
using ReadinessActor = caf::typed_actor<caf::reacts_to<ready_atom, ReadinessCallback>>;

// The systemd watchdog (watchdog_actor.hpp) and closed executions' retention
// (retention_actor.hpp) only talk to themselves.
using WatchdogActor = caf::typed_actor<caf::reacts_to<probe_atom>>;
using RetentionActor = caf::typed_actor<caf::reacts_to<expire_atom>>;

}  // namespace settled::actors
