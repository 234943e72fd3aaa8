#include "adapters/store/read_txn_pool.hpp"

#include <lmdb++.h>

namespace settled::adapters {

MDB_txn* ReadTxnPool::acquire(MDB_env* env) {
  MDB_txn* kept = nullptr;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!idle_.empty()) {
      kept = idle_.back();
      idle_.pop_back();
    }
  }
  if (kept) {
    if (mdb_txn_env(kept) == env && mdb_txn_renew(kept) == 0) return kept;
    mdb_txn_abort(kept);  // of another environment, or LMDB refuses it: begin a new one
  }
  MDB_txn* txn = nullptr;
  lmdb::txn_begin(env, nullptr, MDB_RDONLY, &txn);
  return txn;
}

void ReadTxnPool::release(MDB_txn* txn) noexcept {
  if (!txn) return;
  mdb_txn_reset(txn);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (idle_.size() < kKept) {
      idle_.push_back(txn);
      return;
    }
  }
  mdb_txn_abort(txn);
}

void ReadTxnPool::clear() noexcept {
  std::vector<MDB_txn*> kept;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    kept.swap(idle_);
  }
  for (MDB_txn* txn : kept) mdb_txn_abort(txn);
}

}  // namespace settled::adapters
