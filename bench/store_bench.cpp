// Store: durable puts per second through the store actor's group commit. Many writers send
// small batches at once (as execution actors do); the store folds them into few fsyncs.

#include "actors/messages.hpp"
#include "actors/store_actor.hpp"
#include "bench_support.hpp"

#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdio>

namespace settled::bench {
namespace {

// One iteration: `batches` batches of `ops` puts each, all in flight at once, all acknowledged.
void BM_StoreGroupCommit(benchmark::State& state) {
  const auto batches = static_cast<int>(state.range(0));
  const auto ops = static_cast<int>(state.range(1));
  TempDir dir;
  auto db = adapters::LmdbStore::open({dir.path(), std::size_t{16} << 30, true});
  if (!db) {
    state.SkipWithError("cannot open LMDB");
    return;
  }
  caf::actor_system_config cfg;
  caf::actor_system system{cfg};
  auto stats = std::make_shared<actors::StoreStats>();
  auto store = actors::spawn_store(system, *db, {}, stats);
  std::uint64_t key = 0;
  std::string value(100, 'v');
  for (auto _ : state) {
    caf::scoped_actor self{system};
    for (int b = 0; b < batches; ++b) {
      WriteBatch batch;
      for (int i = 0; i < ops; ++i) {
        char k[24];
        std::snprintf(k, sizeof k, "%016llx", static_cast<unsigned long long>(key++));
        batch.put(Table::kRecords, k, value);
      }
      self->send(store, actors::commit_atom::value, std::move(batch));
    }
    int answered = 0;
    self->receive_for(answered, batches)([&](actors::StoreReply& reply) {
      if (!reply.ok) state.SkipWithError(reply.error.message.c_str());
    });
  }
  state.SetItemsProcessed(state.iterations() * batches * ops);
  state.counters["puts_per_s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * batches * ops), benchmark::Counter::kIsRate);
  state.counters["ops_per_commit"] =
      static_cast<double>(stats->operations.load()) /
      static_cast<double>(std::max<std::uint64_t>(1, stats->commits));
  caf::anon_send_exit(store, caf::exit_reason::user_shutdown);
}
BENCHMARK(BM_StoreGroupCommit)
    ->Args({1000, 10})
    ->Args({10000, 10})
    ->Args({100, 100})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace settled::bench

BENCHMARK_MAIN();
