#include "adapters/store/deferred_table.hpp"

#include "adapters/store/lmdb_val.hpp"
#include "domain/storage_keys.hpp"

#include <lmdb++.h>

#include <algorithm>
#include <charconv>
#include <stdexcept>

namespace settled::adapters {

namespace {

std::string big_endian_u64(std::uint64_t n) {
  std::string out;
  append_big_endian_u64(out, n);
  return out;
}

constexpr std::string_view kSequenceKey = "deferred:ledger_accounts:sequence";
constexpr std::string_view kFoldedKey = "deferred:ledger_accounts:folded";
constexpr std::size_t kRoundCommits = 32;

// A sequence kept in Table::kMeta as decimal text; 0 when absent.
std::uint64_t read_sequence(MDB_txn* txn, MDB_dbi meta, std::string_view key) {
  lmdb::val k = as_val(key);
  lmdb::val v;
  if (!lmdb::dbi_get(txn, meta, k, v)) return 0;
  std::uint64_t n = 0;
  const char* begin = v.data();
  const auto [end, error] = std::from_chars(begin, begin + v.size(), n);
  if (error != std::errc() || end != begin + v.size())
    throw std::runtime_error("meta " + std::string(key) + " is not a sequence");
  return n;
}

void write_sequence(MDB_txn* txn, MDB_dbi meta, std::string_view key, std::uint64_t n) {
  const std::string text = std::to_string(n);
  lmdb::val k = as_val(key);
  lmdb::val v = as_val(text);
  lmdb::dbi_put(txn, meta, k, v, 0);
}

}  // namespace

void DeferredTable::open(MDB_txn* txn, MDB_dbi table, MDB_dbi meta) {
  table_ = table;
  meta_ = meta;
  log_ = lmdb::dbi::open(txn, kLogName, MDB_CREATE).handle();
  const std::uint64_t folded = read_sequence(txn, meta_, kFoldedKey);
  sequence_ = read_sequence(txn, meta_, kSequenceKey);
  auto cursor = lmdb::cursor::open(txn, log_);
  const std::string first = big_endian_u64(folded + 1);
  MDB_val key{first.size(), const_cast<char*>(first.data())}, value{0, nullptr};
  bool found = lmdb::cursor_get(cursor.handle(), &key, &value, MDB_SET_RANGE);
  for (; found; found = lmdb::cursor_get(cursor.handle(), &key, &value, MDB_NEXT)) {
    if (as_view(key).size() != 8)
      throw std::runtime_error(std::string(kLogName) + " has a key that is not a sequence");
    const std::uint64_t sequence = read_big_endian_u64(as_view(key));
    DeferredRows::Rows rows;
    if (!DeferredRows::decode(as_view(value), rows))
      throw std::runtime_error(std::string(kLogName) + " record " + std::to_string(sequence) +
                               " cannot be decoded");
    rows_.publish(sequence, rows);
    if (sequence > sequence_) sequence_ = sequence;
  }
  // A round cut short by a stop starts again; what it folded is in the B-tree and here alike.
  round_.reset();
  drop_.reset();
}

std::uint64_t DeferredTable::seen(MDB_txn* txn) const {
  return read_sequence(txn, meta_, kSequenceKey);
}

std::optional<DeferredRows::Value> DeferredTable::written(const Commit& commit,
                                                          std::string_view key) const {
  if (const auto staged = commit.staged.find(key); staged != commit.staged.end())
    return staged->second;
  return rows_.newest(key);
}

void DeferredTable::before_commit(MDB_txn* txn, Commit& commit) {
  if (!commit.staged.empty()) {
    commit.sequence = sequence_ + 1;
    const std::string key = big_endian_u64(commit.sequence);
    const std::string record = DeferredRows::encode(commit.staged);
    lmdb::val k = as_val(key);
    lmdb::val v = as_val(record);
    lmdb::dbi_put(txn, log_, k, v, MDB_APPEND);
    write_sequence(txn, meta_, kSequenceKey, commit.sequence);
  }
  fold_slice(txn, commit);
  // Last: nothing below may throw once the versions are visible to the writer's own view.
  if (commit.sequence) rows_.publish(commit.sequence, commit.staged);
}

void DeferredTable::fold_slice(MDB_txn* txn, Commit& commit) {
  if (!round_ && !drop_ &&
      (rows_.keys() >= folding_.from_keys || rows_.bytes() >= folding_.from_bytes))
    round_ = Round{sequence_, {}};
  if (!round_) return;
  // A round passes over every key within about kRoundCommits commits however many arrive
  // meanwhile: with a fixed slice, keys written faster than it folds would never be caught up.
  const std::size_t keys = std::max(folding_.keys_per_commit, rows_.keys() / kRoundCommits);
  const auto slice = rows_.fold_slice(round_->after, round_->through, keys);
  for (const auto& row : slice.rows) {
    lmdb::val k = as_val(row.key);
    if (row.value) {
      lmdb::val v = as_val(*row.value);
      lmdb::dbi_put(txn, table_, k, v, 0);
    } else {
      lmdb::dbi_del(txn, table_, k, nullptr);
    }
  }
  commit.fold_after = slice.last_key;
  commit.folded_slice = true;
  if (!slice.ended) return;
  // Every key is folded up to `through`: its records are no longer needed.
  auto cursor = lmdb::cursor::open(txn, log_);
  MDB_val key{0, nullptr}, value{0, nullptr};
  while (lmdb::cursor_get(cursor.handle(), &key, &value, MDB_FIRST) &&
         read_big_endian_u64(as_view(key)) <= round_->through)
    lmdb::cursor_del(cursor.handle(), 0);
  write_sequence(txn, meta_, kFoldedKey, round_->through);
  commit.round_ended = true;
}

void DeferredTable::after_commit(const Commit& commit, bool committed) {
  if (!committed) {
    if (commit.sequence) rows_.unpublish(commit.sequence, commit.staged);
    return;
  }
  if (commit.sequence) sequence_ = commit.sequence;
  if (round_ && commit.folded_slice) {
    if (commit.round_ended) {
      drop_ = Drop{round_->through, rows_.next_epoch()};
      round_.reset();
      rounds_folded_.fetch_add(1, std::memory_order_relaxed);
    } else {
      round_->after = commit.fold_after;
    }
  }
  drop_if_unread();
}

void DeferredTable::drop_if_unread() {
  if (!drop_ || rows_.readers_before(drop_->epoch)) return;
  rows_.drop_through(drop_->through);
  drop_.reset();
}

}  // namespace settled::adapters
