#include "adapters/store/lmdb_store.hpp"

#include "adapters/store/history_log.hpp"
#include "adapters/store/lmdb_val.hpp"
#include "adapters/store/value_compression.hpp"

#include "adapters/ops/log.hpp"

#include <sys/statvfs.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <mutex>

namespace settled::adapters {

namespace {

// The environment for a read: a failed reopen left none, and LMDB would crash on a null one.
MDB_env* live(const lmdb::env& env) {
  if (!env.handle()) lmdb::error::raise("mdb_txn_begin", MDB_PANIC);
  return env.handle();
}

// A short-lived value is stored as written, saving its compression, only while LMDB keeps it in
// its leaf page (up to about half a page). A larger one would take an overflow page, and LMDB
// keeps that page for the value that replaces it in the same transaction, however small.
constexpr std::size_t kShortLivedAsWrittenBytes = 1024;
bool stored_as_written(const WriteOp& op) {
  return op.short_lived && op.value.size() <= kShortLivedAsWrittenBytes;
}

}  // namespace

LmdbStore::LmdbStore(LmdbOptions options) : options_(std::move(options)) {}

void LmdbStore::set_deferred_folding(DeferredFolding folding) {
  std::lock_guard<std::mutex> writer(writer_mutex_);
  ledger_accounts_.set_folding(folding);
}

LmdbStore::~LmdbStore() = default;

void LmdbStore::open_environment() {
  auto env = lmdb::env::create();
  env.set_mapsize(options_.map_size);
  env.set_max_dbs(kTableCount + 3);  // the tables, history's log, and room
  // MDB_NOTLS: read transactions are not tied to a thread (CAF moves actors between threads).
  unsigned flags = MDB_NOTLS;
  if (!options_.durable) flags |= MDB_NOSYNC;
  env.open(options_.path.c_str(), flags, 0640);
  auto txn = lmdb::txn::begin(env.handle());
  for (std::size_t i = 0; i < kTableCount; ++i) {
    auto dbi = lmdb::dbi::open(txn, table_name(static_cast<Table>(i)), MDB_CREATE);
    dbis_[i] = dbi.handle();
  }
  history_log_ = lmdb::dbi::open(txn, history_log::kLogName, MDB_CREATE).handle();
  ledger_accounts_.open(txn, dbis_[static_cast<std::size_t>(Table::kLedgerAccounts)],
                        dbis_[static_cast<std::size_t>(Table::kMeta)]);
  // Commits nothing (and writes nothing) when every table already exists.
  txn.commit();
  env_ = std::move(env);
}

Result<std::shared_ptr<LmdbStore>> LmdbStore::open(const LmdbOptions& options) {
  std::error_code fs_error;
  std::filesystem::create_directories(options.path, fs_error);
  if (fs_error)
    return Error{ErrorCode::kStoreUnavailable,
                 "cannot create data directory " + options.path + ": " + fs_error.message()};
  try {
    std::shared_ptr<LmdbStore> store(new LmdbStore(options));
    store->open_environment();
    return store;
  } catch (const lmdb::error& e) {
    return Error{ErrorCode::kStoreUnavailable,
                 "cannot open LMDB at " + options.path + ": " + e.what()};
  }
}

Status LmdbStore::commit(const std::vector<const WriteBatch*>& batches,
                         std::vector<Conflict>* conflicts) {
  Status status = ok_status();
  {
    std::shared_lock<std::shared_mutex> lock(env_mutex_);
    status = commit_locked(batches, conflicts);
    if (status.ok() || !panicked()) return status;
  }
  reopen_after_panic();
  return status;
}

bool LmdbStore::panicked() const {
  if (!env_.handle()) return true;  // a reopen failed: try again
  MDB_txn* probe = nullptr;
  const int rc = mdb_txn_begin(env_.handle(), nullptr, MDB_RDONLY, &probe);
  if (rc == 0) mdb_txn_abort(probe);
  return rc == MDB_PANIC;
}

// LMDB marks its environment fatal when the meta page of a commit could not be written, and then
// refuses every transaction, reads included, for good. The files themselves are sound (the meta
// page written last is the previous commit's, or this one's whose pages were already synced), so
// a fresh environment on them carries on. Waits for running reads; new ones wait for it.
void LmdbStore::reopen_after_panic() {
  std::unique_lock<std::shared_mutex> lock(env_mutex_);
  if (!panicked()) return;  // reopened meanwhile
  // The old environment must be closed before the files are opened again: LMDB's locks are per
  // process, and one process may not hold the same environment twice. Its kept read
  // transactions go first.
  read_txns_.clear();
  env_ = lmdb::env{nullptr};
  try {
    open_environment();
    log(LogLevel::kWarn, "store.reopened",
        {{"path", options_.path},
         {"message", "LMDB environment reopened after a fatal write error"}});
  } catch (const lmdb::error& e) {
    // Left closed: every transaction fails (503 / 500) and the next commit tries again.
    log(LogLevel::kError, "store.reopen_failed", {{"path", options_.path}, {"cause", e.what()}});
  }
}

Status LmdbStore::commit_locked(const std::vector<const WriteBatch*>& batches,
                                std::vector<Conflict>* conflicts) {
  if (conflicts) conflicts->clear();
  if (!env_.handle())
    return Error{ErrorCode::kStoreUnavailable, "the store is closed: " + options_.path};
  std::lock_guard<std::mutex> writer(writer_mutex_);
  MDB_txn* txn = nullptr;
  DeferredTable::Commit deferred;
  try {
    lmdb::txn_begin(env_.handle(), nullptr, 0, &txn);
    std::string compressed;
    // History's log sequence, read once per transaction and only when a chunk is written.
    std::uint64_t history_sequence = 0;
    for (std::size_t index = 0; index < batches.size(); ++index) {
      const WriteBatch* batch = batches[index];
      if (auto conflict = failed_condition(txn, *batch, deferred)) {
        if (conflicts) {
          conflicts->push_back(Conflict{index, std::move(*conflict)});
          continue;
        }
        mdb_txn_abort(txn);
        return *conflict;
      }
      for (const WriteOp& op : batch->ops) {
        if (op.table == Table::kLedgerAccounts) {  // written behind: appended to its log
          // Refused now as the B-tree would refuse it: folded later, it would fail every commit.
          if (op.key.empty() ||
              op.key.size() > static_cast<std::size_t>(mdb_env_get_maxkeysize(env_.handle())))
            lmdb::error::raise("mdb_put", MDB_BAD_VALSIZE);
          deferred.staged.insert_or_assign(
              op.key, op.erase ? DeferredRows::Value{} : DeferredRows::Value{op.value});
          continue;
        }
        if (op.table == Table::kHistory) {
          if (op.erase) {
            history_log::erase(txn, dbi(op.table), history_log_, op.key);
          } else {
            if (history_sequence == 0)
              history_sequence = history_log::next_sequence(txn, history_log_);
            history_log::put(txn, dbi(op.table), history_log_, op.key,
                             stored_form(op.table, op.value, compressed), history_sequence++);
          }
          continue;
        }
        lmdb::val key = as_val(op.key);
        if (op.erase) {
          lmdb::dbi_del(txn, dbi(op.table), key, nullptr);
        } else {
          lmdb::val value =
              as_val(stored_as_written(op) ? std::string_view(op.value)
                                           : stored_form(op.table, op.value, compressed));
          lmdb::dbi_put(txn, dbi(op.table), key, value, 0);
        }
      }
    }
    // mdb_txn_commit ends the transaction even when it fails (MDB_MAP_FULL is often raised
    // here, while the freelist is saved): it must not be aborted again.
    ledger_accounts_.before_commit(txn, deferred);
    MDB_txn* committing = txn;
    txn = nullptr;
    lmdb::txn_commit(committing);  // fsyncs unless opened with MDB_NOSYNC
    ledger_accounts_.after_commit(deferred, true);
    return ok_status();
  } catch (const lmdb::error& e) {
    // Aborted, never left open: the one writer's next commit starts from a clean environment.
    if (txn) mdb_txn_abort(txn);
    // Rows written behind that were made visible to the writer (or part of them) go again.
    ledger_accounts_.after_commit(deferred, false);
    // LMDB turns a short write into EIO (mdb_page_flush: wres != wsize), and a short write is
    // what a disk with a few free blocks gives: that is a full disk, not a broken one.
    if (e.code() == EIO) {
      const auto free = disk_free_bytes();
      if (free && *free < kFullDiskFreeBytes)
        return commit_error(ENOSPC, std::string(e.what()) + ", " + std::to_string(*free) +
                                        " bytes free: a short write");
    }
    return commit_error(e.code(), e.what());
  } catch (...) {
    // Anything else (bad_alloc) must not leave the write transaction open: LMDB's writer lock
    // would stay taken and every later commit wait for it. The caller reports the exception.
    if (txn) mdb_txn_abort(txn);
    ledger_accounts_.after_commit(deferred, false);
    throw;
  }
}

std::string_view LmdbStore::stored_value(MDB_txn* txn, Table table, std::string_view stored) const {
  return table == Table::kHistory ? history_log::resolve(txn, history_log_, stored) : stored;
}

// The first of the batch's conditions that does not hold in `txn` (which sees the writes of the
// batches before it), as the batch's refusal.
std::optional<Error> LmdbStore::failed_condition(MDB_txn* txn, const WriteBatch& batch,
                                                 const DeferredTable::Commit& deferred) const {
  std::string scratch;
  for (const WriteCondition& condition : batch.conditions) {
    bool holds = false;
    const auto behind = condition.table == Table::kLedgerAccounts
                            ? ledger_accounts_.written(deferred, condition.key)
                            : std::nullopt;
    if (behind) {  // a row written behind: its newest version, the B-tree's may be older
      holds = *behind ? condition.value && **behind == *condition.value : !condition.value;
    } else {
      lmdb::val key = as_val(condition.key);
      lmdb::val found;
      const bool present = lmdb::dbi_get(txn, dbi(condition.table), key, found);
      const std::string_view stored =
          present ? stored_value(txn, condition.table, {found.data(), found.size()}) : "";
      holds = present ? condition.value &&
                            written_form(condition.table, stored, scratch) == *condition.value
                      : !condition.value;
    }
    if (!holds)
      return Error{ErrorCode::kWriteConflict, std::string(table_name(condition.table)) + " '" +
                                                  condition.key +
                                                  "' changed since this commit's writer read it"};
  }
  return std::nullopt;
}

Error LmdbStore::commit_error(int code, const std::string& what) {
  switch (code) {
    case MDB_MAP_FULL:
      return Error{ErrorCode::kStoreFull,
                   "the store is full (LMDB map size reached); raise map-size-mib"};
    case ENOSPC:
    case EDQUOT:
      return Error{ErrorCode::kStoreFull, "the disk holding the store is full (" + what +
                                              "); writes resume once space is freed"};
    // Refusals of this batch only (a key LMDB cannot hold): its neighbours may still commit.
    case MDB_BAD_VALSIZE:
    case EINVAL:
      return Error{ErrorCode::kInvalidRequest, "the store refused a write: " + what};
    default:
      // EIO, a read-only or vanished file system, MDB_PANIC: the store cannot write now.
      return Error{ErrorCode::kStoreUnavailable, "store write failed: " + what};
  }
}

std::optional<std::string> LmdbStore::get(Table table, std::string_view key) const {
  std::shared_lock<std::shared_mutex> lock(env_mutex_);
  DeferredReader reader(ledger_accounts_.rows());
  PooledRead txn(read_txns_, live(env_));
  return get_in(txn.handle(), table, key);
}

void LmdbStore::with_snapshot(const std::function<void(const SnapshotGet& get)>& work) const {
  std::shared_lock<std::shared_mutex> lock(env_mutex_);
  DeferredReader reader(ledger_accounts_.rows());
  PooledRead txn(read_txns_, live(env_));
  std::optional<std::uint64_t> seen;
  const SnapshotGet get = [this, handle = txn.handle(), &seen](Table table, std::string_view key) {
    return get_in(handle, table, key, &seen);
  };
  work(get);
}

std::optional<std::string> LmdbStore::get_in(MDB_txn* txn, Table table, std::string_view key,
                                             std::optional<std::uint64_t>* seen) const {
  // LMDB refuses (throws for) keys it could never have stored: they are simply not there.
  if (key.empty() || key.size() > static_cast<std::size_t>(mdb_env_get_maxkeysize(live(env_))))
    return std::nullopt;
  if (table == Table::kLedgerAccounts) {
    std::optional<std::uint64_t> own;
    std::optional<std::uint64_t>& held = seen ? *seen : own;
    if (!held) held = ledger_accounts_.seen(txn);
    if (auto behind = ledger_accounts_.rows().find(key, *held)) return std::move(*behind);
  }
  lmdb::val k = as_val(key);
  lmdb::val v;
  if (!lmdb::dbi_get(txn, dbi(table), k, v)) return std::nullopt;
  std::string scratch;
  const std::string_view value =
      written_form(table, stored_value(txn, table, {v.data(), v.size()}), scratch);
  if (value.data() == scratch.data()) return scratch;
  return std::string(value);
}

void LmdbStore::scan(Table table, std::string_view prefix,
                     const std::function<bool(std::string_view, std::string_view)>& visit,
                     std::string_view start_after) const {
  std::shared_lock<std::shared_mutex> lock(env_mutex_);
  DeferredReader reader(ledger_accounts_.rows());
  PooledRead txn(read_txns_, live(env_));
  // Start at the prefix, or after `start_after` when that comes later: a start_after before the
  // prefix must not end the scan at the first (non-prefixed) key it lands on.
  const std::string_view from = start_after.empty() || start_after < prefix ? prefix : start_after;
  if (table == Table::kLedgerAccounts)
    return scan_accounts(txn.handle(), prefix, from, !start_after.empty() && from == start_after,
                         visit);
  auto cursor = lmdb::cursor::open(txn, dbi(table));
  MDB_val key{0, nullptr}, value{0, nullptr};
  // LMDB cannot seek to a key longer than its key limit: seek to the longest allowed start of it
  // and step over what sorts before `from`. No stored key can start with a longer prefix.
  const auto max_key = static_cast<std::size_t>(mdb_env_get_maxkeysize(live(env_)));
  if (prefix.size() > max_key) return;
  const std::string_view seek = from.substr(0, max_key);
  key.mv_size = seek.size();
  key.mv_data = const_cast<char*>(seek.data());
  bool found =
      lmdb::cursor_get(cursor.handle(), &key, &value, seek.empty() ? MDB_FIRST : MDB_SET_RANGE);
  while (found && (as_view(key) < from || (!start_after.empty() && as_view(key) == start_after)))
    found = lmdb::cursor_get(cursor.handle(), &key, &value, MDB_NEXT);
  std::string scratch;
  while (found) {
    const auto k = as_view(key);
    if (k.substr(0, prefix.size()) != prefix) break;
    if (!visit(k, written_form(table, stored_value(txn.handle(), table, as_view(value)), scratch)))
      break;
    found = lmdb::cursor_get(cursor.handle(), &key, &value, MDB_NEXT);
  }
}

void LmdbStore::scan_accounts(
    MDB_txn* txn, std::string_view prefix, std::string_view from, bool skip_from,
    const std::function<bool(std::string_view, std::string_view)>& visit) const {
  const auto max_key = static_cast<std::size_t>(mdb_env_get_maxkeysize(live(env_)));
  if (prefix.size() > max_key) return;
  const std::uint64_t seen = ledger_accounts_.seen(txn);
  const DeferredRows& behind = ledger_accounts_.rows();
  auto cursor = lmdb::cursor::open(txn, dbi(Table::kLedgerAccounts));
  MDB_val key{0, nullptr}, value{0, nullptr};
  const std::string_view seek = from.substr(0, max_key);  // as scan(): LMDB's key limit
  key.mv_size = seek.size();
  key.mv_data = const_cast<char*>(seek.data());
  bool found = lmdb::cursor_get(cursor, &key, &value, seek.empty() ? MDB_FIRST : MDB_SET_RANGE);
  while (found && (as_view(key) < from || (skip_from && as_view(key) == from)))
    found = lmdb::cursor_get(cursor, &key, &value, MDB_NEXT);
  auto row = behind.next(from, !skip_from, seen);
  const auto in_prefix = [&](std::string_view k) { return k.substr(0, prefix.size()) == prefix; };
  while (true) {
    const bool tree = found && in_prefix(as_view(key));
    const bool written_behind = row && in_prefix(row->key);
    if (!tree && !written_behind) return;
    if (written_behind && (!tree || row->key <= as_view(key))) {
      // The row written behind wins over the B-tree's (older) one under the same key.
      if (tree && row->key == as_view(key))
        found = lmdb::cursor_get(cursor, &key, &value, MDB_NEXT);
      const DeferredRows::Row current = std::move(*row);
      row = behind.next(current.key, false, seen);
      if (current.value && !visit(current.key, *current.value)) return;
      continue;
    }
    if (!visit(as_view(key), as_view(value))) return;  // the table is stored as written
    found = lmdb::cursor_get(cursor, &key, &value, MDB_NEXT);
  }
}

void LmdbStore::scan_snapshot(
    const std::vector<Table>& tables,
    const std::function<void(Table, std::string_view, std::string_view)>& visit) const {
  std::shared_lock<std::shared_mutex> lock(env_mutex_);
  DeferredReader reader(ledger_accounts_.rows());
  PooledRead txn(read_txns_, live(env_));
  for (Table table : tables) {
    if (table == Table::kLedgerAccounts) {
      scan_accounts(txn.handle(), "", "", false, [&](std::string_view key, std::string_view value) {
        visit(table, key, value);
        return true;
      });
      continue;
    }
    auto cursor = lmdb::cursor::open(txn, dbi(table));
    MDB_val key{0, nullptr}, value{0, nullptr};
    bool found = lmdb::cursor_get(cursor.handle(), &key, &value, MDB_FIRST);
    std::string scratch;
    while (found) {
      visit(table, as_view(key),
            written_form(table, stored_value(txn.handle(), table, as_view(value)), scratch));
      found = lmdb::cursor_get(cursor.handle(), &key, &value, MDB_NEXT);
    }
  }
}

std::size_t LmdbStore::count(Table table) const {
  std::shared_lock<std::shared_mutex> lock(env_mutex_);
  DeferredReader reader(ledger_accounts_.rows());
  PooledRead txn(read_txns_, live(env_));
  if (table == Table::kLedgerAccounts) {  // rows written behind are not in the statistics yet
    std::size_t rows = 0;
    scan_accounts(txn.handle(), "", "", false, [&](std::string_view, std::string_view) {
      ++rows;
      return true;
    });
    return rows;
  }
  MDB_stat stat;
  mdb_stat(txn, dbi(table), &stat);
  return stat.ms_entries;
}

TableUsage LmdbStore::table_usage(Table table) const {
  std::shared_lock<std::shared_mutex> lock(env_mutex_);
  PooledRead txn(read_txns_, live(env_));
  MDB_stat stat;
  mdb_stat(txn, dbi(table), &stat);
  std::size_t pages = stat.ms_branch_pages + stat.ms_leaf_pages + stat.ms_overflow_pages;
  if (table == Table::kLedgerAccounts) {  // and its rows written behind, in their log
    MDB_stat logged;
    mdb_stat(txn, ledger_accounts_.log(), &logged);
    pages += logged.ms_branch_pages + logged.ms_leaf_pages + logged.ms_overflow_pages;
  }
  if (table == Table::kHistory) {  // the index and its log
    MDB_stat log;
    mdb_stat(txn, history_log_, &log);
    pages += log.ms_branch_pages + log.ms_leaf_pages + log.ms_overflow_pages;
  }
  return TableUsage{stat.ms_entries, pages * stat.ms_psize};
}

StoreUsage LmdbStore::usage() const {
  std::shared_lock<std::shared_mutex> lock(env_mutex_);
  MDB_envinfo info;
  MDB_stat stat;
  mdb_env_info(live(env_), &info);
  mdb_env_stat(live(env_), &stat);
  StoreUsage usage;
  usage.map_size = info.me_mapsize;
  usage.used_bytes = (info.me_last_pgno + 1) * static_cast<std::size_t>(stat.ms_psize);
  usage.ledger_rows_waiting = ledger_accounts_.rows().keys();
  usage.ledger_rows_waiting_bytes = ledger_accounts_.rows().bytes();
  usage.ledger_fold_rounds = ledger_accounts_.rounds_folded();
  return usage;
}

}  // namespace settled::adapters

namespace settled::adapters {

std::uint64_t LmdbStore::map_free_bytes(std::uint64_t enough) const {
  std::shared_lock<std::shared_mutex> lock(env_mutex_);
  // Closed (shutting down): nothing fits. Never a throw from a readiness check's callback.
  MDB_env* env = env_.handle();
  if (env == nullptr) return 0;
  MDB_envinfo info;
  MDB_stat stat;
  if (mdb_env_info(env, &info) != 0 || mdb_env_stat(env, &stat) != 0) return 0;
  const std::uint64_t page = stat.ms_psize;
  const std::uint64_t pages = info.me_mapsize / page;
  std::uint64_t free_pages = pages > info.me_last_pgno + 1 ? pages - (info.me_last_pgno + 1) : 0;
  // Most of the time the map is far from full: the freelist, which grows with the store's
  // churn, is read only when the pages past the high-water mark are not enough on their own.
  if (free_pages * page >= enough) return free_pages * page;
  // The freelist is database 0: each record a transaction's freed pages, its first word their
  // count (as mdb_stat -f sums them).
  MDB_txn* txn = nullptr;
  if (mdb_txn_begin(env, nullptr, MDB_RDONLY, &txn) != 0) return free_pages * page;
  MDB_cursor* cursor = nullptr;
  if (mdb_cursor_open(txn, 0, &cursor) == 0) {
    MDB_val key, data;
    for (int rc = mdb_cursor_get(cursor, &key, &data, MDB_FIRST);
         rc == 0 && free_pages * page < enough;
         rc = mdb_cursor_get(cursor, &key, &data, MDB_NEXT)) {
      if (data.mv_size >= sizeof(std::size_t)) {
        std::size_t count = 0;
        std::memcpy(&count, data.mv_data, sizeof count);
        free_pages += count;
      }
    }
    mdb_cursor_close(cursor);
  }
  mdb_txn_abort(txn);
  return free_pages * page;
}

std::optional<std::uint64_t> LmdbStore::disk_free_bytes() const {
  struct statvfs fs {};
  if (::statvfs(options_.path.c_str(), &fs) != 0) return std::nullopt;
  return static_cast<std::uint64_t>(fs.f_bavail) * fs.f_frsize;
}

}  // namespace settled::adapters

namespace settled::adapters {

int LmdbStore::copy_to(const std::string& directory, unsigned flags) const {
  std::shared_lock<std::shared_mutex> lock(env_mutex_);
  if (!env_.handle()) return MDB_PANIC;
  return mdb_env_copy2(env_.handle(), directory.c_str(), flags);
}

}  // namespace settled::adapters
