#include "actors/store_actor.hpp"

#include "actors/messages.hpp"
#include "adapters/ops/log.hpp"
#include "adapters/ops/metrics.hpp"

#include <chrono>
#include <utility>
#include <vector>

namespace settled::actors {

namespace {

struct PendingCommit {
  WriteBatch batch;
  caf::typed_response_promise<StoreReply> promise;
};

struct StoreState {
  std::shared_ptr<adapters::LmdbStore> store;
  StoreOptions options;
  std::shared_ptr<StoreStats> stats;
  std::vector<PendingCommit> pending;
  std::size_t pending_operations = 0;
  bool flush_queued = false;
  StoreActor::pointer self = nullptr;
  bool alerted = false;
  std::chrono::steady_clock::time_point last_alert;

  // Commits fail or succeed again: one log line, one gauge change and (on failure) one alert
  // per episode. Reads never stop; writes are refused (StoreUnavailable) until the store writes
  // again.
  void note_outcome(const Status& status) {
    const bool writable = status.ok() || !adapters::LmdbStore::is_store_fault(status.error());
    if (writable == stats->writable.load()) return;
    stats->writable = writable;
    adapters::Metrics::instance().store_writable(writable);
    if (writable) {
      adapters::log(adapters::LogLevel::kWarn, "store.recovered",
                    {{"message", "commits succeed again"}});
      return;
    }
    const Error& error = status.error();
    adapters::log(adapters::LogLevel::kError, "store.unwritable",
                  {{"error", std::string(error_name(error.code))}, {"cause", error.message}});
    // A nearly full disk can flap (a small commit reuses freed pages): one alert per quarter
    // hour at most, however often it flaps.
    const auto now = std::chrono::steady_clock::now();
    if (!options.alerts || (alerted && now - last_alert < std::chrono::minutes(15))) return;
    alerted = true;
    last_alert = now;
    self->send(options.alerts, alert_atom::value,
               Alert{error.code == ErrorCode::kStoreFull ? "store_full" : "store_unavailable",
                     boost::json::object{{"severity", "critical"},
                                         {"subject", "settled cannot write its store"},
                                         {"error", error_name(error.code)},
                                         {"message", error.message}}});
  }

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
    // A batch whose condition failed (two writers of one item) is contention, not a failing
    // store: it alone is left out and refused, the group commits, the store's health is unchanged.
    std::vector<adapters::LmdbStore::Conflict> conflicts;
    Status status = commit(batches, &conflicts);
    if (!batches.empty() && operations > 0) note_outcome(status);
    adapters::Metrics::instance().store_commit(
        operations,
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(),
        status.ok());
    if (status.ok()) {
      adapters::Metrics::instance().store_write_conflicts(conflicts.size());
      std::vector<bool> refused(group.size(), false);
      for (auto& conflict : conflicts) {
        refused[conflict.batch] = true;
        group[conflict.batch].promise.deliver(StoreReply{false, std::move(conflict.error)});
      }
      stats->commits += 1;
      stats->conflicts += conflicts.size();
      for (std::size_t i = 0; i < group.size(); ++i) {
        if (refused[i]) continue;
        stats->batches += 1;
        stats->operations += group[i].batch.size();
        group[i].promise.deliver(StoreReply{});
      }
      return;
    }
    if (group.size() == 1 || adapters::LmdbStore::is_store_fault(status.error())) {
      // A full map or disk, or a failing device, fails every batch alike; a lone batch has no
      // one else to blame.
      stats->failures += group.size();
      for (auto& p : group) p.promise.deliver(StoreReply{false, status.error()});
      return;
    }
    // One bad batch must not fail its neighbours: commit each on its own.
    for (auto& p : group) {
      Status single = commit({&p.batch});
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

  // LmdbStore::commit reports LMDB's failures; anything else it throws (bad_alloc) becomes a
  // failed commit too, so the one writer never unwinds.
  Status commit(const std::vector<const WriteBatch*>& batches,
                std::vector<adapters::LmdbStore::Conflict>* conflicts = nullptr) {
    try {
      return store->commit(batches, conflicts);
    } catch (const std::exception& e) {
      adapters::Metrics::instance().handler_failed("store");
      return Error{ErrorCode::kStoreUnavailable, std::string("store write failed: ") + e.what()};
    }
  }
};

StoreActor::behavior_type store_behavior(StoreActor::stateful_pointer<StoreState> self,
                                         std::shared_ptr<adapters::LmdbStore> store,
                                         StoreOptions options, std::shared_ptr<StoreStats> stats) {
  self->state.store = std::move(store);
  self->state.options = options;
  self->state.stats = std::move(stats);
  self->state.self = self;
  self->set_exception_handler(crash_handler("store"));
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
        auto promise = self->make_response_promise<StoreReply>();
        st.pending.push_back(PendingCommit{std::move(batch), promise});
        if (st.pending_operations >= st.options.max_operations_per_commit) {
          st.flush();
        } else if (!st.flush_queued) {
          st.flush_queued = true;
          self->send(self, flush_atom::value);
        }
        return promise;
      },
      [=](flush_atom) { self->state.flush(); },
  };
}

}  // namespace

StoreActor spawn_store(caf::actor_system& system, std::shared_ptr<adapters::LmdbStore> store,
                       StoreOptions options, std::shared_ptr<StoreStats> stats) {
  if (!options.detached)
    return system.spawn(store_behavior, std::move(store), std::move(options), std::move(stats));
  return system.spawn<caf::detached>(store_behavior, std::move(store), std::move(options),
                                     std::move(stats));
}

}  // namespace settled::actors
