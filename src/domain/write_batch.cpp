#include "domain/write_batch.hpp"

namespace settled {

const char* table_name(Table table) {
  switch (table) {
    case Table::kExecutions:
      return "executions";
    case Table::kHistory:
      return "history";
    case Table::kRecords:
      return "records";
    case Table::kNotifications:
      return "notifications";
    case Table::kAlerts:
      return "alerts";
    case Table::kStripeIntents:
      return "stripe_intents";
    case Table::kStripeIdempotency:
      return "stripe_idempotency";
    case Table::kOpenExecutions:
      return "open_executions";
    case Table::kMeta:
      return "meta";
    case Table::kTimers:
      return "timers";
    case Table::kStateMachines:
      return "state_machines";
    case Table::kTaskTokens:
      return "task_tokens";
    case Table::kLedgerAccounts:
      return "ledger_accounts";
    case Table::kLedgerEscrows:
      return "ledger_escrows";
    case Table::kLedgerJournal:
      return "ledger_journal";
    case Table::kLedgerJournalIndex:
      return "ledger_journal_index";
    case Table::kLedgerJournalHeads:
      return "ledger_journal_heads";
    case Table::kLedgerExpiry:
      return "ledger_expiry";
    case Table::kEvents:
      return "events";
    case Table::kEventWaiters:
      return "event_waiters";
    case Table::kEventIds:
      return "event_ids";
    case Table::kClosedExecutions:
      return "closed_executions";
    case Table::kStripeRequests:
      return "stripe_requests";
    case Table::kStripeEvents:
      return "stripe_events";
    case Table::kStripeObjects:
      return "stripe_objects";
    case Table::kStripeSimEvents:
      return "stripe_sim_events";
    case Table::kSchedules:
      return "schedules";
    case Table::kVeriffDecisions:
      return "veriff_decisions";
    case Table::kVeriffSim:
      return "veriff_sim";
    case Table::kNotificationInbox:
      return "notification_inbox";
    case Table::kNotificationOutbox:
      return "notification_outbox";
    case Table::kNotificationDeadLetters:
      return "notification_dead_letters";
    case Table::kRunnableExecutions:
      return "runnable_executions";
    case Table::kExecutionsByStart:
      return "executions_by_start";
    case Table::kChildExecutions:
      return "child_executions";
  }
  return "meta";
}

}  // namespace settled
