#pragma once
// settled's Prometheus metrics (prometheus-cpp's registry and text format). One registry per
// process, like a Prometheus client's default registry: the store, the executions and the HTTP
// layer record into it without being handed a handle, and GET /metrics renders it.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace settled::adapters {

// What only the store knows at scrape time.
struct StoreGauges {
  std::size_t map_bytes = 0;
  std::size_t used_bytes = 0;
  std::size_t open_executions = 0;
  std::size_t notifications_pending = 0;  // rows in the notification outbox
  // The ledger's account rows written behind (docs/ledger.md "Storage").
  std::size_t ledger_rows_waiting = 0;
  std::size_t ledger_rows_waiting_bytes = 0;
  std::uint64_t ledger_fold_rounds = 0;  // since the store was opened
};

// One downstream's limits (docs/stripe-client.md): handles into the registry, looked up once
// when the client is made, so its dispatch does not hash labels. Thread-safe.
class DownstreamMetrics {
 public:
  void limits(std::uint32_t requests_per_second, std::size_t concurrent, std::size_t queue);
  void queue_depth(std::size_t depth);
  void in_flight(std::size_t count);
  // A call that could not be sent at once. limit: "rate", "paused" (after a 429) or
  // "concurrency".
  void throttled(const std::string& limit);
  // The downstream answered 429.
  void rate_limited();
  // A 429'd call queued again by the client (same request, same Idempotency-Key).
  void retried();
  // A call answered without being sent. reason: "deadline" or "queue_full".
  void dropped(const std::string& reason);

  struct Series;

 private:
  friend class Metrics;
  explicit DownstreamMetrics(Series* series) : series_(series) {}
  Series* series_;  // lives as long as the process
};

// What `settlectl status` shows of a downstream: the same series /metrics exposes.
struct DownstreamCounts {
  std::string name;
  std::uint64_t queue_depth = 0;
  std::uint64_t in_flight = 0;
  std::uint64_t requests_per_second = 0;  // the limits in force
  std::uint64_t concurrent = 0;
  std::uint64_t queue_limit = 0;
  std::uint64_t throttled = 0;  // every limit
  std::uint64_t rate_limited = 0;
  std::uint64_t retried = 0;
  std::uint64_t dropped_deadline = 0;
  std::uint64_t dropped_queue_full = 0;
};

class Metrics {
 public:
  static Metrics& instance();

  void execution_started(const std::string& state_machine);
  // status: "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"
  void execution_finished(const std::string& state_machine, const std::string& status,
                          double seconds);
  // Totals over every state machine since the process started (what `settlectl status` shows):
  // the same counters /metrics exposes.
  std::uint64_t executions_started() const;
  std::uint64_t executions_finished(const std::string& status) const;
  void state_transition(const std::string& state_machine);
  // outcome: "succeeded" or the ASL error name's family ("failed", "timed_out")
  void task_attempt(const std::string& resource, const std::string& outcome);
  void task_retry(const std::string& resource);
  void ingestion_acknowledged(double seconds, unsigned http_status);
  void store_commit(std::size_t operations, double seconds, bool ok);
  // Batches of a commit refused because an item they read had changed (records.update/delete).
  void store_write_conflicts(std::size_t batches);
  void alert(const std::string& source);
  // op: "deposit", "hold", ...; outcome: "ok", "replayed" or the ASL error name
  void ledger_operation(const std::string& op, const std::string& outcome);
  // After each reconcile (settlectl reconcile, settled:ledger.reconcile): how many
  // discrepancies it named (0 when the ledger is sound). Sets settled_ledger_discrepancies,
  // counts the run by outcome and adds the count to settled_reconciliation_errors_total.
  void ledger_reconciled(std::size_t discrepancies);
  // A reconcile that could not read the ledger (a row that does not decode).
  void ledger_reconcile_failed();
  // An execution set aside because its record cannot be read or its actor crashed.
  void execution_quarantined(const std::string& reason);
  // A stored row a reader could not decode and left out of what it answered (logged with its
  // key where it was skipped); `table` as table_name() names it.
  void unreadable_row(const std::string& table);
  // A schedule's fire: outcome "started", "existing" (a replay after a restart) or "refused";
  // and the fires it missed while the daemon was down that were not run (docs/schedules.md).
  void schedule_fire(const std::string& schedule, const std::string& outcome);
  void schedule_missed(const std::string& schedule, std::uint64_t count);
  // A deleted schedule's series go with it: names are the client's, and each deleted one's
  // series stayed in /metrics until a restart (red team, session 33, F15).
  void forget_schedule(const std::string& schedule);
  // An exception caught in an actor's handler (the actor lives on; the message was failed).
  void handler_failed(const std::string& actor);
  // 1 while the store commits, 0 from a failed commit until the next one succeeds.
  void store_writable(bool writable);

  // POST /v1/webhooks/stripe answered; outcome: "stored", "duplicate", "refused" (a bad
  // signature or body: 4xx) or "failed" (not stored: 5xx, Stripe retries).
  void stripe_webhook(const std::string& outcome);

  // A notification webhook attempt made durable: "delivered", "retried" or "dead_lettered".
  void notification_delivery(const std::string& outcome);

  // Closed executions that retention removed.
  void executions_expired(std::size_t count);

  // Admission control: +1 when a write request is admitted, -1 when it is answered.
  void http_in_flight(int change);
  void http_in_flight_limit(std::size_t limit);
  void http_loop_lag(std::chrono::steady_clock::duration lag);
  // reason: "in_flight", "client_share", "connections", "deadline", "response_bytes",
  // "running_executions", "kept_events", "headers" (refused before the body was read) or
  // "unverified_bodies"
  void http_refused(const std::string& reason);

  // A limited downstream's series (`downstream` label: "stripe"); the same each time for a name.
  DownstreamMetrics downstream(const std::string& name);
  // Every downstream registered so far, by name.
  std::vector<DownstreamCounts> downstreams() const;

  // Prometheus text exposition format (version 0.0.4).
  std::string render(const StoreGauges& gauges);

 private:
  Metrics();
  struct Impl;
  Impl* impl_;  // lives as long as the process
};

}  // namespace settled::adapters
