#pragma once
// Read-only LMDB transactions kept between reads: reset after a read and renewed for the next,
// instead of begun and aborted each time (a begin allocates the transaction and claims a reader
// slot under LMDB's reader-table lock; a renew reuses both). The environment is opened with
// MDB_NOTLS, so a reset transaction may be renewed on any thread.

#include <lmdb.h>

#include <cstddef>
#include <mutex>
#include <vector>

namespace settled::adapters {

class ReadTxnPool {
 public:
  ReadTxnPool() = default;
  ReadTxnPool(const ReadTxnPool&) = delete;
  ReadTxnPool& operator=(const ReadTxnPool&) = delete;
  ~ReadTxnPool() { clear(); }

  // A read-only transaction on `env`'s newest snapshot. Throws lmdb::error.
  MDB_txn* acquire(MDB_env* env);
  // Resets `txn` and keeps it for a later read (beyond kKept, aborts it).
  void release(MDB_txn* txn) noexcept;
  // Aborts every kept transaction; before their environment is closed.
  void clear() noexcept;

 private:
  // About the readers that run at once (the CAF workers, the HTTP threads, the store's writer):
  // each keeps its reader slot of LMDB's 126 while kept.
  static constexpr std::size_t kKept = 8;
  std::mutex mutex_;
  std::vector<MDB_txn*> idle_;
};

// One read on a pooled transaction, given back when it goes out of scope.
class PooledRead {
 public:
  PooledRead(ReadTxnPool& pool, MDB_env* env) : pool_(pool), txn_(pool.acquire(env)) {}
  PooledRead(const PooledRead&) = delete;
  PooledRead& operator=(const PooledRead&) = delete;
  ~PooledRead() { pool_.release(txn_); }
  MDB_txn* handle() const { return txn_; }
  operator MDB_txn*() const { return txn_; }

 private:
  ReadTxnPool& pool_;
  MDB_txn* txn_;
};

}  // namespace settled::adapters
