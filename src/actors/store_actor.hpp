#pragma once
// The store actor: the only LMDB writer. Callers send `commit_atom, WriteBatch` and get a
// StoreReply once the batch is durable. Batches that arrive together share one fsync'd
// transaction (group commit): a flush is queued behind whatever is already in the mailbox, so
// under load one commit carries thousands of operations and at rest a batch waits for nobody.

#include "actors/interfaces.hpp"
#include "adapters/store/lmdb_store.hpp"

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include <atomic>
#include <cstdint>
#include <memory>

namespace settled::actors {

struct StoreStats {
  std::atomic<std::uint64_t> commits{0};
  std::atomic<std::uint64_t> batches{0};
  std::atomic<std::uint64_t> operations{0};
  std::atomic<std::uint64_t> failures{0};
  std::atomic<std::uint64_t> conflicts{0};  // batches refused as kWriteConflict, others committed
  std::atomic<bool> writable{true};  // false from a failed commit until one succeeds again
};

struct StoreOptions {
  std::size_t max_operations_per_commit = 50000;
  // Told once when commits start failing (disk or map full, EIO) and once when they succeed
  // again: an alert per episode, not one per failed commit. Invalid handle: log only.
  AlertsActor alerts;
  // On its own thread (the daemon). False only for deterministic tests: CAF's testing scheduler
  // drives scheduled actors only, and a detached one would answer whenever its thread ran.
  bool detached = true;
};

// Runs on its own thread (detached) so fsyncs never stall the scheduler's workers
// (StoreOptions::detached).
StoreActor spawn_store(caf::actor_system& system, std::shared_ptr<adapters::LmdbStore> store,
                       StoreOptions options, std::shared_ptr<StoreStats> stats);

}  // namespace settled::actors
