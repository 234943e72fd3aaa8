// Ledger: durable hold -> release pairs per second, in process, through the accounts router and
// the account actors with the real store actor and LMDB (fsync on), as the daemon runs them.
//   BM_LedgerHoldRelease/100000/...: payer and payee drawn from 100,000 funded accounts;
//   BM_LedgerHoldRelease/1/...:      one hot payer, payees drawn from 100,000 accounts.
// `inflight` chains run at once; each chain holds, waits for the durable answer, releases,
// waits again, and starts its next pair. bench/run-peers.sh compares both with PostgreSQL 15
// (docs/benchmarks.md; issue 14's targets: >= 40x over 100k accounts, >= 70x on one hot payer).

#include "actors/accounts_router.hpp"
#include "actors/messages.hpp"
#include "actors/store_actor.hpp"
#include "bench_support.hpp"

#include <benchmark/benchmark.h>

#include <boost/json.hpp>

#include <atomic>
#include <future>
#include <thread>

namespace settled::bench {
namespace {

namespace json = boost::json;

constexpr int kAccounts = 100'000;

// SETTLED_LEDGER_PAIRS overrides the pairs per run (a quick look, or a profile).
int pairs_from_env(int fallback) {
  const char* v = std::getenv("SETTLED_LEDGER_PAIRS");
  return v ? std::atoi(v) : fallback;
}

struct Ledger {
  TempDir dir;
  caf::actor_system_config config;
  std::unique_ptr<caf::actor_system> system;
  std::shared_ptr<adapters::LmdbStore> db;
  std::shared_ptr<actors::StoreStats> stats = std::make_shared<actors::StoreStats>();
  actors::StoreActor store;
  actors::LedgerActor router;

  Ledger() {
    // As the daemon: the sharing scheduler (SETTLED_SCHEDULER=stealing to compare).
    const char* policy = std::getenv("SETTLED_SCHEDULER");
    config.set("scheduler.policy", caf::atom_from_string(policy ? policy : "sharing"));
    // As the daemon: one worker per core.
    caf::put(
        config.content, "scheduler.max-threads",
        static_cast<caf::config_value::integer>(std::max(2u, std::thread::hardware_concurrency())));
    system = std::make_unique<caf::actor_system>(config);
    auto opened = adapters::LmdbStore::open({dir.path(), std::size_t{16} << 30, true});
    if (!opened) throw std::runtime_error(opened.error().message);
    db = *opened;
    store = actors::spawn_store(*system, db, {}, stats);
    actors::AccountsOptions options;
    // SETTLED_LEDGER_PASSIVATE_MS: how long an idle account actor lives (default 30 s).
    if (const char* v = std::getenv("SETTLED_LEDGER_PASSIVATE_MS"))
      options.passivate_after = std::chrono::milliseconds(std::atoll(v));
    router = actors::spawn_accounts(*system, {db, store, actors::system_now, options, nullptr});
  }
  ~Ledger() {
    caf::anon_send_exit(router, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(store, caf::exit_reason::user_shutdown);
    router = nullptr;
    store = nullptr;
    system.reset();
  }

  void send(const char* op, std::string key, json::object parameters,
            actors::LedgerCallback reply) {
    actors::LedgerCall call;
    call.attempt.resource = std::string("settled:ledger.") + op;
    call.attempt.parameters = std::move(parameters);
    call.attempt.idempotency_key = std::move(key);
    call.reply = std::move(reply);
    caf::anon_send(router, actors::ledger_atom::value, std::move(call));
  }
};

std::string account(int i) {
  return "acct-" + std::to_string(i);
}

// Funds accounts [0, n) with `window` deposits in flight; returns deposits per second.
double fund(Ledger& ledger, int n, int window) {
  std::atomic<int> next{0}, done{0}, failed{0};
  std::promise<void> all;
  const auto started = std::chrono::steady_clock::now();
  std::function<void()> one = [&] {
    const int i = next++;
    if (i >= n) return;
    ledger.send("deposit", "fund-" + std::to_string(i),
                {{"account", account(i)}, {"amount", 1'000'000'000}, {"currency", "USD"}},
                [&](actors::LedgerReply r) {
                  if (!r.ok) ++failed;
                  one();  // before counting: nothing may touch this frame once all are done
                  if (++done == n) all.set_value();
                });
  };
  for (int w = 0; w < window; ++w) one();
  all.get_future().wait();
  if (failed) throw std::runtime_error("funding failed");
  return n / std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

void BM_LedgerHoldRelease(benchmark::State& state) {
  const int payers = static_cast<int>(state.range(0));  // 1: one hot payer
  const int inflight = static_cast<int>(state.range(1));
  const int pairs = pairs_from_env(static_cast<int>(state.range(2)));
  Ledger ledger;
  const double deposits_per_s = fund(ledger, kAccounts, 1024);
  std::atomic<std::uint64_t> escrow_seq{0};
  for (auto _ : state) {
    std::atomic<int> started{0}, done{0}, failed{0};
    std::promise<void> all;
    const std::uint64_t commits_before = ledger.stats->commits.load();
    std::function<void(std::uint64_t)> chain = [&](std::uint64_t seed) {
      if (started++ >= pairs) return;
      // splitmix64: a fresh generator per pair (seeding a mt19937_64 each time cost the
      // harness ~2 % of the run's CPU, which the daemon's figure paid for).
      std::uint64_t mixed = seed;
      const auto rng = [&mixed] {
        std::uint64_t z = (mixed += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
      };
      const int payer = payers == 1 ? 0 : static_cast<int>(rng() % kAccounts);
      int payee = 1 + static_cast<int>(rng() % (kAccounts - 1));
      if (payee == payer) payee = (payee + 1) % kAccounts;
      const std::string id = "e" + std::to_string(escrow_seq++);
      ledger.send("hold", "h/" + id,
                  {{"escrowId", id},
                   {"payer", account(payer)},
                   {"payee", account(payee)},
                   {"amount", 100},
                   {"currency", "USD"}},
                  [&, id, next = rng()](actors::LedgerReply held) {
                    if (!held.ok) ++failed;
                    ledger.send("release", "r/" + id, {{"escrowId", id}},
                                [&, next](actors::LedgerReply released) {
                                  if (!released.ok) ++failed;
                                  chain(next);  // before counting, as in fund()
                                  if (++done == pairs) all.set_value();
                                });
                  });
    };
    for (int c = 0; c < inflight; ++c) chain(static_cast<std::uint64_t>(c) * 7919 + 1);
    all.get_future().wait();
    if (failed) state.SkipWithError("an operation failed");
    state.counters["commits"] = static_cast<double>(ledger.stats->commits.load() - commits_before);
  }
  state.counters["pairs_per_s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * pairs, benchmark::Counter::kIsRate);
  state.counters["setup_deposits_per_s"] = deposits_per_s;
}
BENCHMARK(BM_LedgerHoldRelease)
    ->ArgNames({"payers", "inflight", "pairs"})
    ->Args({kAccounts, 1024, 100'000})
    ->Args({1, 1024, 100'000})
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace settled::bench

BENCHMARK_MAIN();
