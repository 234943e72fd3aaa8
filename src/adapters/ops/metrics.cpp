#include "adapters/ops/metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace settled::adapters {

namespace prom = prometheus;

namespace {

prom::Histogram::BucketBoundaries latency_buckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

prom::Histogram::BucketBoundaries duration_buckets() {
  return {0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 60, 300, 3600, 86400, 604800};
}

prom::Histogram::BucketBoundaries batch_buckets() {
  return {1, 10, 50, 100, 500, 1000, 5000, 10000, 50000};
}

// Family::Add builds a label map and locks the family on every call. The hot paths (every
// transition, task attempt, commit and ledger operation) find their series in a per-thread
// cache instead: series are never removed, so a cached reference stays valid.
template <class Metric>
using SeriesCache = std::unordered_map<std::string, Metric*>;

template <class Metric>
SeriesCache<Metric>& cache_of(const prom::Family<Metric>& family) {
  thread_local std::unordered_map<const void*, SeriesCache<Metric>> caches;
  return caches[&family];
}

template <class Metric, class... Extra>
Metric& series(prom::Family<Metric>& family, const char* name, const std::string& value,
               const Extra&... extra) {
  auto& cache = cache_of(family);
  const auto found = cache.find(value);
  if (found != cache.end()) return *found->second;
  Metric& added = family.Add({{name, value}}, extra...);
  cache.emplace(value, &added);
  return added;
}

template <class Metric>
Metric& series(prom::Family<Metric>& family, const char* name, const std::string& value,
               const char* second_name, const std::string& second_value) {
  thread_local std::string key;
  key.assign(value).append(1, '\x1f').append(second_value);
  auto& cache = cache_of(family);
  const auto found = cache.find(key);
  if (found != cache.end()) return *found->second;
  Metric& added = family.Add({{name, value}, {second_name, second_value}});
  cache.emplace(key, &added);
  return added;
}

}  // namespace

struct Metrics::Impl {
  std::shared_ptr<prom::Registry> registry = std::make_shared<prom::Registry>();
  prom::Family<prom::Counter>& started = prom::BuildCounter()
                                             .Name("settled_executions_started_total")
                                             .Help("Executions started, by state machine")
                                             .Register(*registry);
  prom::Family<prom::Counter>& finished = prom::BuildCounter()
                                              .Name("settled_executions_finished_total")
                                              .Help("Executions that reached a final status")
                                              .Register(*registry);
  prom::Family<prom::Histogram>& duration = prom::BuildHistogram()
                                                .Name("settled_execution_duration_seconds")
                                                .Help("Time from start to final status")
                                                .Register(*registry);
  prom::Family<prom::Counter>& transitions = prom::BuildCounter()
                                                 .Name("settled_state_transitions_total")
                                                 .Help("States entered, by state machine")
                                                 .Register(*registry);
  prom::Family<prom::Counter>& attempts = prom::BuildCounter()
                                              .Name("settled_task_attempts_total")
                                              .Help("Task attempts by resource and outcome")
                                              .Register(*registry);
  prom::Family<prom::Counter>& retries = prom::BuildCounter()
                                             .Name("settled_task_retries_total")
                                             .Help("Task retries scheduled, by resource")
                                             .Register(*registry);
  prom::Family<prom::Histogram>& ack =
      prom::BuildHistogram()
          .Name("settled_ingestion_ack_seconds")
          .Help("POST /v1/executions: request to durable acknowledgement")
          .Register(*registry);
  prom::Family<prom::Counter>& commits = prom::BuildCounter()
                                             .Name("settled_store_commits_total")
                                             .Help("LMDB write transactions, by result")
                                             .Register(*registry);
  prom::Family<prom::Counter>& conflicts =
      prom::BuildCounter()
          .Name("settled_store_write_conflicts_total")
          .Help(
              "Batches refused because an item they read had changed since (their execution "
              "runs the task again)")
          .Register(*registry);
  prom::Family<prom::Histogram>& commit_seconds =
      prom::BuildHistogram()
          .Name("settled_store_commit_seconds")
          .Help("Time of one group commit, fsync included")
          .Register(*registry);
  prom::Family<prom::Histogram>& batch = prom::BuildHistogram()
                                             .Name("settled_store_commit_operations")
                                             .Help("Puts and deletes per group commit")
                                             .Register(*registry);
  prom::Family<prom::Gauge>& store = prom::BuildGauge()
                                         .Name("settled_store_bytes")
                                         .Help("LMDB map size and bytes in use")
                                         .Register(*registry);
  prom::Family<prom::Gauge>& open = prom::BuildGauge()
                                        .Name("settled_open_executions")
                                        .Help("Executions not in a final status")
                                        .Register(*registry);
  prom::Family<prom::Counter>& alerts = prom::BuildCounter()
                                            .Name("settled_alerts_total")
                                            .Help("Alerts raised, by source")
                                            .Register(*registry);
  prom::Family<prom::Counter>& notification_deliveries =
      prom::BuildCounter()
          .Name("settled_notification_deliveries_total")
          .Help("Notification webhook attempts by outcome (delivered, retried, dead_lettered)")
          .Register(*registry);
  prom::Gauge& notifications_pending =
      prom::BuildGauge()
          .Name("settled_notifications_pending")
          .Help("Notifications waiting for the notification webhook (the outbox)")
          .Register(*registry)
          .Add({});
  prom::Gauge& ledger_rows_waiting =
      prom::BuildGauge()
          .Name("settled_ledger_rows_waiting")
          .Help("Ledger account rows written behind, not yet folded into their B-tree")
          .Register(*registry)
          .Add({});
  prom::Gauge& ledger_rows_waiting_bytes =
      prom::BuildGauge()
          .Name("settled_ledger_rows_waiting_bytes")
          .Help("Bytes of the ledger account rows written behind, not yet folded")
          .Register(*registry)
          .Add({});
  prom::Counter& ledger_fold_rounds =
      prom::BuildCounter()
          .Name("settled_ledger_fold_rounds_total")
          .Help("Rounds that folded the ledger account rows written behind into their B-tree")
          .Register(*registry)
          .Add({});
  prom::Family<prom::Counter>& stripe_webhooks =
      prom::BuildCounter()
          .Name("settled_stripe_webhooks_total")
          .Help("Stripe webhooks answered, by outcome (stored, duplicate, refused, failed)")
          .Register(*registry);
  prom::Family<prom::Counter>& ledger_ops =
      prom::BuildCounter()
          .Name("settled_ledger_operations_total")
          .Help("Ledger operations answered, by op and outcome")
          .Register(*registry);
  prom::Family<prom::Gauge>& discrepancies =
      prom::BuildGauge()
          .Name("settled_ledger_discrepancies")
          .Help("Discrepancies the last reconcile named (-1: none run since start)")
          .Register(*registry);
  prom::Family<prom::Counter>& reconciles = prom::BuildCounter()
                                                .Name("settled_ledger_reconcile_runs_total")
                                                .Help("Reconcile runs since start")
                                                .Register(*registry);
  // Seed 000's ReconciliationErrors (docs/ledger-reconciliation.md): every run by outcome, and
  // the discrepancies the runs found.
  prom::Family<prom::Counter>& reconciliation_runs =
      prom::BuildCounter()
          .Name("settled_reconciliation_runs_total")
          .Help("Ledger reconciliations by outcome (match, discrepancy, failed)")
          .Register(*registry);
  prom::Family<prom::Counter>& reconciliation_errors =
      prom::BuildCounter()
          .Name("settled_reconciliation_errors_total")
          .Help("Discrepancies found by ledger reconciliations (each run adds its count)")
          .Register(*registry);
  // Present at 0 from the start, so increase() sees the first run.
  prom::Counter& reconciliation_errors_counter = reconciliation_errors.Add({});
  prom::Counter& reconciliation_match = reconciliation_runs.Add({{"outcome", "match"}});
  prom::Counter& reconciliation_discrepancy = reconciliation_runs.Add({{"outcome", "discrepancy"}});
  prom::Counter& reconciliation_failed = reconciliation_runs.Add({{"outcome", "failed"}});
  prom::Family<prom::Counter>& expired = prom::BuildCounter()
                                             .Name("settled_executions_expired_total")
                                             .Help("Closed executions removed by retention")
                                             .Register(*registry);
  prom::Counter& expired_counter = expired.Add({});
  prom::Family<prom::Counter>& quarantined =
      prom::BuildCounter()
          .Name("settled_executions_quarantined_total")
          .Help("Executions set aside (unreadable record or crashed actor), by reason")
          .Register(*registry);
  prom::Family<prom::Counter>& unreadable_rows =
      prom::BuildCounter()
          .Name("settled_store_unreadable_rows_total")
          .Help("Stored rows a reader could not decode and left out of its answer, by table")
          .Register(*registry);
  prom::Family<prom::Counter>& schedule_fires =
      prom::BuildCounter()
          .Name("settled_schedule_fires_total")
          .Help("Schedule fires by schedule and outcome (started, existing, refused)")
          .Register(*registry);
  prom::Family<prom::Counter>& schedule_missed =
      prom::BuildCounter()
          .Name("settled_schedule_missed_fires_total")
          .Help("Fires a schedule missed while the daemon was down and did not run")
          .Register(*registry);
  prom::Family<prom::Counter>& handler_failures =
      prom::BuildCounter()
          .Name("settled_handler_failures_total")
          .Help("Exceptions caught in actor handlers, by actor (the actor kept running)")
          .Register(*registry);
  prom::Family<prom::Gauge>& writable =
      prom::BuildGauge()
          .Name("settled_store_writable")
          .Help("1 while store commits succeed, 0 after a failed one")
          .Register(*registry);
  prom::Gauge& writable_gauge = writable.Add({});
  prom::Gauge& discrepancies_gauge = discrepancies.Add({});
  prom::Counter& reconcile_counter = reconciles.Add({});
  prom::Histogram& ack_histogram = ack.Add({}, latency_buckets());
  prom::Histogram& commit_histogram = commit_seconds.Add({}, latency_buckets());
  prom::Histogram& batch_histogram = batch.Add({}, batch_buckets());
  prom::Counter& commits_ok = commits.Add({{"result", "ok"}});
  prom::Counter& commits_failed = commits.Add({{"result", "error"}});
  prom::Counter& write_conflicts = conflicts.Add({});
  prom::Gauge& map_bytes = store.Add({{"kind", "map"}});
  prom::Gauge& used_bytes = store.Add({{"kind", "used"}});
  prom::Gauge& open_gauge = open.Add({});
  // Admission control (docs/overload.md).
  prom::Family<prom::Gauge>& in_flight = prom::BuildGauge()
                                             .Name("settled_http_in_flight")
                                             .Help("Write requests admitted and not yet answered")
                                             .Register(*registry);
  prom::Family<prom::Counter>& refused = prom::BuildCounter()
                                             .Name("settled_http_refused_total")
                                             .Help("Requests and connections shed, by reason")
                                             .Register(*registry);
  prom::Gauge& in_flight_gauge = in_flight.Add({});
  prom::Family<prom::Gauge>& limit = prom::BuildGauge()
                                         .Name("settled_http_in_flight_limit")
                                         .Help(
                                             "The admission bound in force (adapts below "
                                             "max-in-flight while admitted requests are slow)")
                                         .Register(*registry);
  prom::Gauge& limit_gauge = limit.Add({});
  prom::Gauge& loop_lag_gauge = prom::BuildGauge()
                                    .Name("settled_http_loop_lag_seconds")
                                    .Help(
                                        "How late the HTTP io threads last ran a due timer: the "
                                        "wait of a request that arrives now before it is read")
                                    .Register(*registry)
                                    .Add({});
  // Counted for every refused request under overload: looked up once, not per refusal.
  prom::Counter& refused_in_flight = refused.Add({{"reason", "in_flight"}});
  prom::Counter& refused_client_share = refused.Add({{"reason", "client_share"}});
  // Limited downstreams (docs/stripe-client.md).
  prom::Family<prom::Gauge>& downstream_queue =
      prom::BuildGauge()
          .Name("settled_downstream_queue_depth")
          .Help("Calls waiting for a rate token or a connection to the downstream")
          .Register(*registry);
  prom::Family<prom::Gauge>& downstream_in_flight =
      prom::BuildGauge()
          .Name("settled_downstream_in_flight")
          .Help("Calls sent to the downstream and not yet answered")
          .Register(*registry);
  prom::Family<prom::Gauge>& downstream_limit =
      prom::BuildGauge()
          .Name("settled_downstream_limit")
          .Help(
              "The downstream's limits in force, by kind (requests_per_second, concurrent, "
              "queue)")
          .Register(*registry);
  prom::Family<prom::Counter>& downstream_throttled =
      prom::BuildCounter()
          .Name("settled_downstream_throttled_total")
          .Help(
              "Calls that could not be sent at once, by the limit that held them (rate, "
              "paused after a 429, concurrency)")
          .Register(*registry);
  prom::Family<prom::Counter>& downstream_rate_limited =
      prom::BuildCounter()
          .Name("settled_downstream_rate_limited_total")
          .Help("HTTP 429 answers from the downstream")
          .Register(*registry);
  prom::Family<prom::Counter>& downstream_retries =
      prom::BuildCounter()
          .Name("settled_downstream_retries_total")
          .Help("Calls answered 429 that the client queued again with the same request")
          .Register(*registry);
  prom::Family<prom::Counter>& downstream_dropped =
      prom::BuildCounter()
          .Name("settled_downstream_dropped_total")
          .Help("Calls answered without being sent, by reason (deadline, queue_full)")
          .Register(*registry);
  mutable std::mutex downstreams_mutex;
  std::map<std::string, DownstreamMetrics::Series*> downstreams;  // never freed, like Impl
};

struct DownstreamMetrics::Series {
  prom::Gauge& queue_depth;
  prom::Gauge& in_flight;
  prom::Gauge& requests_per_second;
  prom::Gauge& concurrent;
  prom::Gauge& queue_limit;
  prom::Counter& throttled_rate;
  prom::Counter& throttled_paused;
  prom::Counter& throttled_concurrency;
  prom::Counter& rate_limited;
  prom::Counter& retried;
  prom::Counter& dropped_deadline;
  prom::Counter& dropped_queue_full;
};

void DownstreamMetrics::limits(std::uint32_t requests_per_second, std::size_t concurrent,
                               std::size_t queue) {
  series_->requests_per_second.Set(requests_per_second);
  series_->concurrent.Set(static_cast<double>(concurrent));
  series_->queue_limit.Set(static_cast<double>(queue));
}

void DownstreamMetrics::queue_depth(std::size_t depth) {
  series_->queue_depth.Set(static_cast<double>(depth));
}

void DownstreamMetrics::in_flight(std::size_t count) {
  series_->in_flight.Set(static_cast<double>(count));
}

void DownstreamMetrics::throttled(const std::string& limit) {
  if (limit == "rate") return series_->throttled_rate.Increment();
  if (limit == "paused") return series_->throttled_paused.Increment();
  series_->throttled_concurrency.Increment();
}

void DownstreamMetrics::rate_limited() {
  series_->rate_limited.Increment();
}

void DownstreamMetrics::retried() {
  series_->retried.Increment();
}

void DownstreamMetrics::dropped(const std::string& reason) {
  if (reason == "deadline") return series_->dropped_deadline.Increment();
  series_->dropped_queue_full.Increment();
}

Metrics::Metrics() : impl_(new Impl) {
  impl_->discrepancies_gauge.Set(-1);
  impl_->writable_gauge.Set(1);
}

Metrics& Metrics::instance() {
  static Metrics metrics;
  return metrics;
}

void Metrics::execution_started(const std::string& state_machine) {
  series(impl_->started, "state_machine", state_machine).Increment();
}

void Metrics::execution_finished(const std::string& state_machine, const std::string& status,
                                 double seconds) {
  series(impl_->finished, "state_machine", state_machine, "status", status).Increment();
  series(impl_->duration, "state_machine", state_machine, duration_buckets()).Observe(seconds);
}

namespace {

// The sum of a counter family's series whose labels include `label` = `value` (any series when
// `label` is empty).
std::uint64_t counter_total(const prom::Family<prom::Counter>& family, const std::string& label,
                            const std::string& value) {
  double total = 0;
  for (const auto& collected : family.Collect()) {
    for (const auto& metric : collected.metric) {
      const bool matches =
          label.empty() || std::any_of(metric.label.begin(), metric.label.end(),
                                       [&](const prom::ClientMetric::Label& l) {
                                         return l.name == label && l.value == value;
                                       });
      if (matches) total += metric.counter.value;
    }
  }
  return static_cast<std::uint64_t>(total);
}

}  // namespace

std::uint64_t Metrics::executions_started() const {
  return counter_total(impl_->started, "", "");
}

std::uint64_t Metrics::executions_finished(const std::string& status) const {
  return counter_total(impl_->finished, "status", status);
}

void Metrics::state_transition(const std::string& state_machine) {
  series(impl_->transitions, "state_machine", state_machine).Increment();
}

void Metrics::task_attempt(const std::string& resource, const std::string& outcome) {
  series(impl_->attempts, "resource", resource, "outcome", outcome).Increment();
}

void Metrics::task_retry(const std::string& resource) {
  series(impl_->retries, "resource", resource).Increment();
}

void Metrics::ingestion_acknowledged(double seconds, unsigned http_status) {
  if (http_status < 300) impl_->ack_histogram.Observe(seconds);
}

void Metrics::store_commit(std::size_t operations, double seconds, bool ok) {
  (ok ? impl_->commits_ok : impl_->commits_failed).Increment();
  if (!ok) return;
  impl_->commit_histogram.Observe(seconds);
  impl_->batch_histogram.Observe(static_cast<double>(operations));
}

void Metrics::store_write_conflicts(std::size_t batches) {
  if (batches > 0) impl_->write_conflicts.Increment(static_cast<double>(batches));
}

void Metrics::alert(const std::string& source) {
  impl_->alerts.Add({{"source", source}}).Increment();
}

void Metrics::notification_delivery(const std::string& outcome) {
  impl_->notification_deliveries.Add({{"outcome", outcome}}).Increment();
}

void Metrics::stripe_webhook(const std::string& outcome) {
  impl_->stripe_webhooks.Add({{"outcome", outcome}}).Increment();
}

void Metrics::ledger_operation(const std::string& op, const std::string& outcome) {
  series(impl_->ledger_ops, "op", op, "outcome", outcome).Increment();
}

void Metrics::ledger_reconciled(std::size_t discrepancies) {
  impl_->discrepancies_gauge.Set(static_cast<double>(discrepancies));
  impl_->reconcile_counter.Increment();
  (discrepancies == 0 ? impl_->reconciliation_match : impl_->reconciliation_discrepancy)
      .Increment();
  impl_->reconciliation_errors_counter.Increment(static_cast<double>(discrepancies));
}

void Metrics::ledger_reconcile_failed() {
  impl_->reconciliation_failed.Increment();
}

void Metrics::executions_expired(std::size_t count) {
  impl_->expired_counter.Increment(static_cast<double>(count));
}

void Metrics::schedule_fire(const std::string& schedule, const std::string& outcome) {
  impl_->schedule_fires.Add({{"schedule", schedule}, {"outcome", outcome}}).Increment();
}

void Metrics::forget_schedule(const std::string& schedule) {
  for (const char* outcome : {"started", "existing", "refused"}) {
    const prom::Labels labels{{"schedule", schedule}, {"outcome", outcome}};
    if (impl_->schedule_fires.Has(labels))
      impl_->schedule_fires.Remove(&impl_->schedule_fires.Add(labels));
  }
  const prom::Labels missed{{"schedule", schedule}};
  if (impl_->schedule_missed.Has(missed))
    impl_->schedule_missed.Remove(&impl_->schedule_missed.Add(missed));
}

void Metrics::schedule_missed(const std::string& schedule, std::uint64_t count) {
  impl_->schedule_missed.Add({{"schedule", schedule}}).Increment(static_cast<double>(count));
}

void Metrics::execution_quarantined(const std::string& reason) {
  impl_->quarantined.Add({{"reason", reason}}).Increment();
}

void Metrics::unreadable_row(const std::string& table) {
  impl_->unreadable_rows.Add({{"table", table}}).Increment();
}

void Metrics::handler_failed(const std::string& actor) {
  impl_->handler_failures.Add({{"actor", actor}}).Increment();
}

void Metrics::store_writable(bool writable) {
  impl_->writable_gauge.Set(writable ? 1 : 0);
}

std::string Metrics::render(const StoreGauges& gauges) {
  impl_->map_bytes.Set(static_cast<double>(gauges.map_bytes));
  impl_->used_bytes.Set(static_cast<double>(gauges.used_bytes));
  impl_->open_gauge.Set(static_cast<double>(gauges.open_executions));
  impl_->notifications_pending.Set(static_cast<double>(gauges.notifications_pending));
  impl_->ledger_rows_waiting.Set(static_cast<double>(gauges.ledger_rows_waiting));
  impl_->ledger_rows_waiting_bytes.Set(static_cast<double>(gauges.ledger_rows_waiting_bytes));
  // The store counts rounds; the counter catches up with it at each scrape.
  const double rounds = static_cast<double>(gauges.ledger_fold_rounds);
  if (rounds > impl_->ledger_fold_rounds.Value())
    impl_->ledger_fold_rounds.Increment(rounds - impl_->ledger_fold_rounds.Value());
  return prom::TextSerializer().Serialize(impl_->registry->Collect());
}

DownstreamMetrics Metrics::downstream(const std::string& name) {
  std::lock_guard<std::mutex> lock(impl_->downstreams_mutex);
  auto& series = impl_->downstreams[name];
  if (!series) {
    const std::map<std::string, std::string> labels{{"downstream", name}};
    auto with = [&](const char* key, const char* value) {
      auto more = labels;
      more.emplace(key, value);
      return more;
    };
    auto& i = *impl_;
    series =
        new DownstreamMetrics::Series{i.downstream_queue.Add(labels),
                                      i.downstream_in_flight.Add(labels),
                                      i.downstream_limit.Add(with("kind", "requests_per_second")),
                                      i.downstream_limit.Add(with("kind", "concurrent")),
                                      i.downstream_limit.Add(with("kind", "queue")),
                                      i.downstream_throttled.Add(with("limit", "rate")),
                                      i.downstream_throttled.Add(with("limit", "paused")),
                                      i.downstream_throttled.Add(with("limit", "concurrency")),
                                      i.downstream_rate_limited.Add(labels),
                                      i.downstream_retries.Add(labels),
                                      i.downstream_dropped.Add(with("reason", "deadline")),
                                      i.downstream_dropped.Add(with("reason", "queue_full"))};
  }
  return DownstreamMetrics(series);
}

std::vector<DownstreamCounts> Metrics::downstreams() const {
  std::lock_guard<std::mutex> lock(impl_->downstreams_mutex);
  std::vector<DownstreamCounts> all;
  auto count = [](const auto& metric) { return static_cast<std::uint64_t>(metric.Value()); };
  for (const auto& [name, s] : impl_->downstreams) {
    DownstreamCounts c;
    c.name = name;
    c.queue_depth = count(s->queue_depth);
    c.in_flight = count(s->in_flight);
    c.requests_per_second = count(s->requests_per_second);
    c.concurrent = count(s->concurrent);
    c.queue_limit = count(s->queue_limit);
    c.throttled =
        count(s->throttled_rate) + count(s->throttled_paused) + count(s->throttled_concurrency);
    c.rate_limited = count(s->rate_limited);
    c.retried = count(s->retried);
    c.dropped_deadline = count(s->dropped_deadline);
    c.dropped_queue_full = count(s->dropped_queue_full);
    all.push_back(std::move(c));
  }
  return all;
}

void Metrics::http_in_flight(int change) {
  impl_->in_flight_gauge.Increment(change);
}

void Metrics::http_in_flight_limit(std::size_t limit) {
  impl_->limit_gauge.Set(static_cast<double>(limit));
}

void Metrics::http_loop_lag(std::chrono::steady_clock::duration lag) {
  impl_->loop_lag_gauge.Set(std::chrono::duration<double>(lag).count());
}

void Metrics::http_refused(const std::string& reason) {
  if (reason == "in_flight") return impl_->refused_in_flight.Increment();
  if (reason == "client_share") return impl_->refused_client_share.Increment();
  impl_->refused.Add({{"reason", reason}}).Increment();
}

}  // namespace settled::adapters
