#pragma once
// Where Table::kHistory's chunks are kept. A chunk is written once and read by execution, but
// chunks arrive in no key order (execution ids are the clients' names), and a B-tree filled in
// random order keeps its leaf pages about 60 % full: with chunks of 1-2 KB, a payment's history
// took 4.2 KB of pages for 2.5 KB of data. So the table is two LMDB databases:
//   history      execution id + event id -> a reference: 0x01 + big-endian u64 sequence (9 bytes)
//   history_log  big-endian u64 sequence -> the chunk, in its stored form; appended
//                (MDB_APPEND), so its pages are filled completely, in commit order.
// A value in `history` that is not a reference is a chunk written before the log, read as it is
// (a chunk is JSON text or a zstd frame: it never starts with 0x01).
// Everything here runs inside the caller's write or read transaction.

#include <lmdb.h>

#include <cstdint>
#include <string_view>

namespace settled::adapters::history_log {

inline constexpr const char* kLogName = "history_log";

bool is_reference(std::string_view stored);

// The sequence after the log's last entry (1 for an empty log).
std::uint64_t next_sequence(MDB_txn* txn, MDB_dbi log);

// Stores `stored` (already compressed or not, as any value) under `key` in `index`, appended to
// the log as `sequence` (the caller's counter: above every entry in the log), and frees the log
// entry of what was there before.
void put(MDB_txn* txn, MDB_dbi index, MDB_dbi log, std::string_view key, std::string_view stored,
         std::uint64_t sequence);

// Erases `key` and its log entry; nothing if `key` is absent.
void erase(MDB_txn* txn, MDB_dbi index, MDB_dbi log, std::string_view key);

// The stored chunk behind a value read from `index`: the log's entry for a reference, the value
// itself otherwise, and the reference itself when its entry is missing (the chunk's decoder
// then reports it corrupt, as any damaged value).
std::string_view resolve(MDB_txn* txn, MDB_dbi log, std::string_view stored);

}  // namespace settled::adapters::history_log
