#include "actors/store_actor.hpp"

#include "actors/messages.hpp"
#include "adapters/log.hpp"
#include "adapters/metrics.hpp"

#include <chrono>
#include <utility>
#include <vector>

namespace settled::actors {

namespace {

struct PendingCommit {
  WriteBatch batch;
  caf::response_promise promise;
};

struct StoreState {
  std::shared_ptr<adapters::LmdbStore> store;
  StoreOptions options;
  std::shared_ptr<StoreStats> stats;
  std::vector<PendingCommit> pending;
  std::size_t pending_operations = 0;
  bool flush_queued = false;

  void flush() {
    flush_queued = false;
    if (pending.empty()) return;
    std::vector<PendingCommit> group;
    group.swap(pending);
    pending_operations = 0;
    std::vector<const WriteBatch*> batches;
    batches.reserve(group.size());
    std::size_t operations = 0;
    for (auto& p : group) {
      batches.push_back(&p.batch);
      operations += p.batch.size();
    }
    const auto started = std::chrono::steady_clock::now();
    Status status = store->commit(batches);
    adapters::Metrics::instance().store_commit(
        operations,
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(),
        status.ok());
    stats->commit_micros +=
        static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                       std::chrono::steady_clock::now() - started)
                                       .count());
    if (status.ok()) {
      stats->commits += 1;
      stats->batches += group.size();
      stats->operations += operations;
      for (auto& p : group) p.promise.deliver(StoreReply{});
      return;
    }
    if (group.size() == 1 || status.error().code == ErrorCode::kStoreFull) {
      // A full map fails every batch alike; a lone batch has no one else to blame.
      stats->failures += group.size();
      for (auto& p : group) p.promise.deliver(StoreReply{false, status.error()});
      return;
    }
    // One bad batch must not fail its neighbours: commit each on its own.
    for (auto& p : group) {
      Status single = store->commit({&p.batch});
      if (single.ok()) {
        stats->commits += 1;
        stats->batches += 1;
        stats->operations += p.batch.size();
        p.promise.deliver(StoreReply{});
      } else {
        stats->failures += 1;
        p.promise.deliver(StoreReply{false, single.error()});
      }
    }
  }
};

caf::behavior store_behavior(caf::stateful_actor<StoreState>* self,
                             std::shared_ptr<adapters::LmdbStore> store, StoreOptions options,
                             std::shared_ptr<StoreStats> stats) {
  self->state.store = std::move(store);
  self->state.options = options;
  self->state.stats = std::move(stats);
  // The one writer must outlive a peer's mistake: CAF's default reaction to a stray error
  // message (e.g. an answer to a commit sent without request) is to quit.
  self->set_error_handler([](caf::error& err) {
    adapters::log(adapters::LogLevel::kError, "store.stray_error",
                  {{"cause", caf::to_string(err)}});
  });
  return {
      [=](commit_atom, WriteBatch& batch) {
        auto& st = self->state;
        st.pending_operations += batch.size();
        st.pending.push_back(PendingCommit{std::move(batch), self->make_response_promise()});
        if (st.pending_operations >= st.options.max_operations_per_commit) {
          st.flush();
        } else if (!st.flush_queued) {
          st.flush_queued = true;
          self->send(self, flush_atom::value);
        }
      },
      [=](flush_atom) { self->state.flush(); },
  };
}

}  // namespace

caf::actor spawn_store(caf::actor_system& system, std::shared_ptr<adapters::LmdbStore> store,
                       StoreOptions options, std::shared_ptr<StoreStats> stats) {
  return system.spawn<caf::detached>(store_behavior, std::move(store), options, std::move(stats));
}

}  // namespace settled::actors
