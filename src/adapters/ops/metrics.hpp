#pragma once
// settled's Prometheus metrics (prometheus-cpp's registry and text format). One registry per
// process, like a Prometheus client's default registry: the store, the executions and the HTTP
// layer record into it without being handed a handle, and GET /metrics renders it.

#include <chrono>
#include <cstddef>
#include <string>

namespace settled::adapters {

// What only the store knows at scrape time.
struct StoreGauges {
  std::size_t map_bytes = 0;
  std::size_t used_bytes = 0;
  std::size_t open_executions = 0;
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
  void alert(const std::string& source);
  // op: "deposit", "hold", ...; outcome: "ok", "replayed" or the ASL error name
  void ledger_operation(const std::string& op, const std::string& outcome);
  // After each reconcile: how many discrepancies it named (0 when the ledger is sound).
  void ledger_reconciled(std::size_t discrepancies);
  // An execution set aside because its record cannot be read or its actor crashed.
  void execution_quarantined(const std::string& reason);
  // An exception caught in an actor's handler (the actor lives on; the message was failed).
  void handler_failed(const std::string& actor);
  // 1 while the store commits, 0 from a failed commit until the next one succeeds.
  void store_writable(bool writable);

  // POST /v1/webhooks/stripe answered; outcome: "stored", "duplicate", "refused" (a bad
  // signature or body: 4xx) or "failed" (not stored: 5xx, Stripe retries).
  void stripe_webhook(const std::string& outcome);

  // Closed executions that retention removed.
  void executions_expired(std::size_t count);

  // Admission control: +1 when a write request is admitted, -1 when it is answered.
  void http_in_flight(int change);
  void http_in_flight_limit(std::size_t limit);
  void http_loop_lag(std::chrono::steady_clock::duration lag);
  // reason: "in_flight", "client_share", "connections" or "deadline"
  void http_refused(const std::string& reason);

  // Prometheus text exposition format (version 0.0.4).
  std::string render(const StoreGauges& gauges);

 private:
  Metrics();
  struct Impl;
  Impl* impl_;  // lives as long as the process
};

}  // namespace settled::adapters
