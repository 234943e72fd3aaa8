#pragma once
// A group of puts and deletes that must commit together (one LMDB write transaction).
// Domain code builds them; the store actor commits them.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace settled {

// Logical tables; the LMDB adapter maps each to a named database.
enum class Table : std::uint8_t {
  kExecutions,         // execution id -> execution record (JSON)
  kHistory,            // execution id + '\0' + big-endian u32 event id -> history event (JSON)
  kRecords,            // collection + '\0' + key -> record (JSON)
  kNotifications,      // notification id (ntf_...) -> notification row (records/notification_row)
  kAlerts,             // alert id -> alert (JSON)
  kStripeIntents,      // simulator: payment intent id -> PaymentIntent (JSON)
  kStripeIdempotency,  // simulator: Idempotency-Key -> stored response (JSON)
  // execution id -> "" while not final (runnable_executions has those that run)
  kOpenExecutions,
  kMeta,           // schema version, counters
  kTimers,         // big-endian u64 due ms + kind + execution id -> "" (see timer_key)
  kStateMachines,  // name + '\0' + big-endian u64 version -> registered version (JSON)
  kTaskTokens,     // task token -> {executionId, state: waiting|succeeded|failed|timedOut}
  // The ledger (src/domain/ledger/keys.hpp has the key layouts).
  // account + '\0' [+ currency | + 0x01 + big-endian u64 sequence] -> an account's journal
  // head, balance rows (JSON) and journal index lines, side by side
  kLedgerAccounts,
  kLedgerEscrows,  // escrow id -> escrow (JSON)
  kLedgerJournal,  // idempotency key -> journal entry (JSON)
  // Before session 22 an account's index lines and head had tables of their own; they are
  // moved into kLedgerAccounts at start (adapters/store/ledger_layout_migration) and stay empty.
  kLedgerJournalIndex,  // legacy: account + '\0' + big-endian u64 sequence -> journal entry id
  kLedgerJournalHeads,  // legacy: account -> last sequence in its journal index (decimal)
  kLedgerExpiry,        // big-endian u64 due millis + escrow id -> "": holds that expire by time
  // Events (settled:events.waitFor, POST /v1/events); src/domain/events/event_keys.hpp.
  kEvents,        // type + '\0' + correlation key + '\0' + big-endian u64 seq -> event (JSON)
  kEventWaiters,  // same key layout -> waiter {token, executionId} (JSON)
  kEventIds,      // event id -> expiry millis: an event posted twice is taken once
  // big-endian u64 stop millis + execution id -> "": closed top-level executions in the order
  // they closed, so retention expires the oldest without reading every record.
  kClosedExecutions,
  // simulator: time-ordered request id -> every request received, refused ones included (JSON)
  kStripeRequests,
  // Stripe event id -> the signed webhook event as received (records/stripe_event_row.hpp)
  kStripeEvents,
  // simulator: object id -> charge, refund, transfer, payout, account, account link (JSON);
  // "balance:" + account id -> a connected account's balance (domain/stripe/connect_balance.hpp)
  kStripeObjects,
  // simulator: time-ordered event id -> every event it generated, for events.list (JSON)
  kStripeSimEvents,
  // schedule name -> schedule (domain/schedules/schedule.hpp)
  kSchedules,
  // Veriff decision key (session/attempt/code) -> the signed decision webhook as received
  // (records/veriff_decision_row.hpp)
  kVeriffDecisions,
  // Veriff simulator: its sessions, their Idempotency-Keys, due decisions and webhooks not yet
  // taken (adapters/veriff/veriff_simulator.hpp has the key layout)
  kVeriffSim,
  // Notifications (docs/notifications.md; domain/notifications/notification_keys.hpp):
  // user + '\0' + newest-first order + notification id -> "": a user's inbox, newest first
  kNotificationInbox,
  // big-endian u64 due millis (wall clock) + notification id -> delivery attempt state (JSON):
  // the webhook's durable outbox, in due order
  kNotificationOutbox,
  // notification id -> why its delivery gave up (JSON), until it is redelivered
  kNotificationDeadLetters,
  // execution id -> "": the open executions that run (not those that wait to be woken): what
  // recovery resumes at start without reading the waiting ones (meta kRunnableIndexKey says the
  // index is complete; a store written before it is indexed once at its first start)
  kRunnableExecutions,
  // state machine + '\0' + big-endian u64 (max - start ms) + execution name -> "" (or, for a
  // child named as AWS names it, its settled id): each state machine's executions, newest
  // first, so a ListExecutions page reads only its own executions (storage_keys.hpp
  // started_key; meta kStartedIndexKey says the index is complete: a store written before it is
  // indexed once at its first start)
  kExecutionsByStart,
  // "<state machine>:<name>" -> settled id: a child execution started by an AWS
  // states:startExecution.sync task, named as Step Functions names it (its record is a branch of
  // its parent, "<parent>~<event>.0"), so the Step Functions API finds it by its ARN
  kChildExecutions,
};
inline constexpr std::size_t kTableCount = 35;

const char* table_name(Table table);

struct WriteOp {
  Table table = Table::kMeta;
  std::string key;
  std::string value;
  bool erase = false;
  // A value its writer replaces with the transition that follows (an execution's record while
  // its task is in flight): the store may keep it as written, saving its compression, as its
  // space is reused as soon as the next one commits. Readers see no difference.
  bool short_lived = false;
};

// What a batch read and must still find when it commits: `key` holds exactly `value`, or is
// absent when there is none. A read-modify-write (settled:records.update) carries one, so two
// executions changing one item cannot both commit what they computed from the same old value.
struct WriteCondition {
  Table table = Table::kMeta;
  std::string key;
  std::optional<std::string> value;
};

struct WriteBatch {
  std::vector<WriteOp> ops;
  // Checked by the store inside the write transaction, after the batches before this one in the
  // same group commit: if one does not hold, this batch is refused (ErrorCode::kWriteConflict)
  // and nothing of it is written.
  std::vector<WriteCondition> conditions;

  void put(Table table, std::string key, std::string value) {
    ops.push_back(WriteOp{table, std::move(key), std::move(value), false, false});
  }
  void put_short_lived(Table table, std::string key, std::string value) {
    ops.push_back(WriteOp{table, std::move(key), std::move(value), false, true});
  }
  void erase(Table table, std::string key) {
    ops.push_back(WriteOp{table, std::move(key), {}, true, false});
  }
  void expect(Table table, std::string key, std::optional<std::string> value) {
    conditions.push_back(WriteCondition{table, std::move(key), std::move(value)});
  }
  void append(WriteBatch&& other) {
    for (auto& op : other.ops) ops.push_back(std::move(op));
    for (auto& condition : other.conditions) conditions.push_back(std::move(condition));
  }
  bool empty() const { return ops.empty(); }
  std::size_t size() const { return ops.size(); }
};

}  // namespace settled
