// Engine: payment.asl.json executions per second, in-process and durable: every execution is
// admitted after its first commit, charged once by the Stripe simulator (whose durable record
// commits in the same store, as in the daemon), and finished with its record and notification
// committed.
//   BM_PaymentExecutions/N:           the tasks run their resources, as in the daemon;
//   BM_PaymentExecutionsTasksMocked/N: the Stripe, record and notification tasks answered at
//     once by a Step Functions Local test case (the daemon's mock-config), as the peer's handlers
//     answer (bench/peers/interpreter.mjs): the engine's own work, every transition still durable
//     and each execution admitted after its first commit. Nothing is charged, recorded or
//     notified.

#include "actors/messages.hpp"
#include "actors/mock_tasks_actor.hpp"
#include "adapters/ops/metrics.hpp"
#include "bench_support.hpp"
#include "domain/asl/mock_config.hpp"

#include <benchmark/benchmark.h>

#include <boost/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

namespace settled::bench {
namespace {

// Executions that reached a final status, from the daemon's own counters (process-wide: every
// engine this process ran).
std::uint64_t finished() {
  const auto& metrics = adapters::Metrics::instance();
  return metrics.executions_finished("SUCCEEDED") + metrics.executions_finished("FAILED");
}

std::uint64_t failed() {
  return adapters::Metrics::instance().executions_finished("FAILED");
}

// What the peer's handlers answer (bench/peers/interpreter.mjs), as a test case of the payment
// machine: each state's first invocation returns at once. ValidatePayment is not mocked: the
// peer's handler passes its input on, and settled's own check (in process, no I/O) does that
// and checks it too.
constexpr const char* kInstantTasks = R"({
  "StateMachines": {"payment": {"TestCases": {"instant": {
    "ProcessPayment": "Charged",
    "StoreTransaction": "Stored", "NotifyCustomer": "Notified"}}}},
  "MockedResponses": {
    "Charged": {"0": {"Return": {"id": "pi_bench", "status": "succeeded", "amount_received": 1250}}},
    "Stored": {"0": {"Return": {}}},
    "Notified": {"0": {"Return": {"notificationId": "n_bench", "status": "SENT"}}}}})";

void run_payments(benchmark::State& state, bool tasks_mocked) {
  const auto count = static_cast<int>(state.range(0));
  InProcessEngine engine;
  if (tasks_mocked) {
    auto mock = asl::MockConfig::parse(boost::json::parse(kInstantTasks));
    if (!mock) throw std::runtime_error("the bench's mock config: " + mock.error().message);
    engine.engine->mock = std::make_shared<const asl::MockConfig>(std::move(*mock));
    engine.engine->mock_tasks = actors::spawn_mock_tasks(*engine.system, engine.engine->mock);
  }
  const std::uint64_t batches_before = engine.store_stats->batches.load();
  // All `count` are offered at once; the daemon's default bound on execution actors in memory
  // (10,000) is exactly the larger count, and the last actors of the previous round may not have
  // left yet: room for both, so that a round is never refused a start by its predecessor.
  engine.engine->max_running_executions = 2 * static_cast<std::size_t>(count);
  std::atomic<int> admitted{0}, refused{0};
  const auto failed_before = failed();
  int run = 0;
  for (auto _ : state) {
    const auto finished_before = finished();
    const int refused_before = refused.load();
    for (int i = 0; i < count; ++i) {
      const std::string id = "bench-" + std::to_string(run) + "-" + std::to_string(i);
      actors::StartRequest req;
      req.state_machine = "payment";
      if (tasks_mocked) req.test_case = "instant";
      req.name = id;
      req.input = boost::json::object{{"paymentId", id},
                                      {"customerId", "c-1"},
                                      {"amount", 1250},
                                      {"currency", "USD"},
                                      {"paymentMethod", "pm_card_visa"}};
      req.reply = [&](actors::Answer reply) {
        (reply.ok() && reply->outcome == settled::Outcome::kCreated ? admitted : refused) += 1;
      };
      caf::anon_send(engine.executions, actors::start_atom::value, std::move(req));
    }
    // Wait for every execution to reach a final state or be refused (benchmark only: polls a
    // counter; a refusal fails the run below instead of waiting for it forever). Every 2 ms: a
    // round takes ~1 s, so a round is timed at most 0.2 % long, and this thread does not take the
    // engine's two cores 5,000 times a second (polling every 200 us cost ~5 % of the engine's CPU
    // time, measured with perf stat; the peer's harness awaits its promises and polls nothing).
    while (finished() - finished_before + static_cast<std::uint64_t>(refused - refused_before) <
           static_cast<std::uint64_t>(count)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      if (std::getenv("SETTLED_BENCH_DEBUG")) {
        static int n = 0;
        if (++n % 500 == 0)  // about once a second
          std::fprintf(stderr,
                       "admitted=%d refused=%d started=%llu finished=%llu failed=%llu "
                       "commits=%llu\n",
                       admitted.load(), refused.load(),
                       (unsigned long long)adapters::Metrics::instance().executions_started(),
                       (unsigned long long)finished(), (unsigned long long)failed(),
                       (unsigned long long)engine.store_stats->commits.load());
      }
    }
    ++run;
  }
  if (refused > 0) state.SkipWithError("some executions were refused");
  if (failed() > failed_before) state.SkipWithError("some executions failed");
  state.counters["executions_per_s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * count), benchmark::Counter::kIsRate);
  state.counters["commits"] = static_cast<double>(engine.store_stats->commits.load());
  // Store requests (each a transition's or the simulator's batch) per execution.
  state.counters["batches_per_execution"] =
      static_cast<double>(engine.store_stats->batches.load() - batches_before) /
      static_cast<double>(std::max<std::int64_t>(1, state.iterations() * count));
  state.counters["ops_per_commit"] =
      static_cast<double>(engine.store_stats->operations.load()) /
      static_cast<double>(std::max<std::uint64_t>(1, engine.store_stats->commits));
}
void BM_PaymentExecutions(benchmark::State& state) {
  run_payments(state, false);
}
BENCHMARK(BM_PaymentExecutions)
    ->Arg(1000)
    ->Arg(10000)
    ->Iterations(3)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void BM_PaymentExecutionsTasksMocked(benchmark::State& state) {
  run_payments(state, true);
}
BENCHMARK(BM_PaymentExecutionsTasksMocked)
    ->Arg(10000)
    ->Iterations(3)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace settled::bench

BENCHMARK_MAIN();
