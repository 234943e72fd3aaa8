#include "adapters/store/history_log.hpp"

#include "adapters/store/lmdb_val.hpp"
#include "domain/storage_keys.hpp"

#include <lmdb++.h>

#include <cstdint>
#include <string>

namespace settled::adapters::history_log {

namespace {

constexpr char kReferenceMark = '\x01';
constexpr std::size_t kReferenceSize = 9;

// The log entry `stored` refers to, if it is a reference.
bool referenced_key(std::string_view stored, std::string_view& key) {
  if (!is_reference(stored)) return false;
  key = stored.substr(1);
  return true;
}

// Frees the log entry a reference points to.
void free_entry(MDB_txn* txn, MDB_dbi log, std::string_view reference) {
  std::string_view entry;
  if (!referenced_key(reference, entry)) return;
  const std::string copy(entry);  // `reference` may point into a page the delete changes
  lmdb::val log_key = as_val(copy);
  lmdb::dbi_del(txn, log, log_key, nullptr);
}

}  // namespace

bool is_reference(std::string_view stored) {
  return stored.size() == kReferenceSize && stored.front() == kReferenceMark;
}

std::uint64_t next_sequence(MDB_txn* txn, MDB_dbi log) {
  auto cursor = lmdb::cursor::open(txn, log);
  MDB_val key{0, nullptr}, value{0, nullptr};
  if (!lmdb::cursor_get(cursor.handle(), &key, &value, MDB_LAST)) return 1;
  // Only this file writes the log, always 8-byte keys: anything else is damage, and appending
  // after it could point two keys at one chunk. The commit fails instead.
  if (key.mv_size != 8)
    lmdb::error::raise("history_log: a key that is not a sequence", MDB_CORRUPTED);
  return read_big_endian_u64({static_cast<const char*>(key.mv_data), key.mv_size}) + 1;
}

void put(MDB_txn* txn, MDB_dbi index, MDB_dbi log, std::string_view key, std::string_view stored,
         std::uint64_t sequence) {
  std::string bytes;
  append_big_endian_u64(bytes, sequence);
  lmdb::val log_key = as_val(bytes);
  lmdb::val value = as_val(stored);
  // MDB_KEYEXIST (not thrown by lmdb++) means the sequence is not above the log's last: never
  // leave the index pointing at a chunk that was not written.
  if (!lmdb::dbi_put(txn, log, log_key, value, MDB_APPEND))
    lmdb::error::raise("history_log: append below the last sequence", MDB_KEYEXIST);
  std::string reference(1, kReferenceMark);
  reference.append(bytes);
  lmdb::val k = as_val(key);
  lmdb::val ref = as_val(reference);
  // A new key (the usual case) costs one descent; an existing one gives its value back.
  if (lmdb::dbi_put(txn, index, k, ref, MDB_NOOVERWRITE)) return;
  free_entry(txn, log, {ref.data(), ref.size()});
  lmdb::val again = as_val(reference);
  lmdb::dbi_put(txn, index, k, again, 0);
}

void erase(MDB_txn* txn, MDB_dbi index, MDB_dbi log, std::string_view key) {
  lmdb::val k = as_val(key);
  lmdb::val previous;
  if (!lmdb::dbi_get(txn, index, k, previous)) return;
  free_entry(txn, log, {previous.data(), previous.size()});
  lmdb::dbi_del(txn, index, k, nullptr);
}

std::string_view resolve(MDB_txn* txn, MDB_dbi log, std::string_view stored) {
  std::string_view entry;
  if (!referenced_key(stored, entry)) return stored;
  lmdb::val key = as_val(entry);
  lmdb::val value;
  if (!lmdb::dbi_get(txn, log, key, value)) return stored;
  return {value.data(), value.size()};
}

}  // namespace settled::adapters::history_log
