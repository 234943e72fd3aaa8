#pragma once
// JSON values are stored compressed with zstd (level 1) and the store's dictionary: a payment's
// execution record and history hold its input several times over, and a value LMDB cannot keep
// in a leaf page costs whole overflow pages. Only tables whose values are JSON documents are
// compressed, so a stored value that starts with zstd's frame magic (0x28 0xB5 0x2F 0xFD; JSON
// text never starts with '(') is a compressed one, and every other value is read as it is:
// stores written before compression read unchanged. Everything in LmdbStore goes through these
// two functions.
//
// The dictionary (dictionaries/store-v2.zdict, compiled in by cmake/EmbedFile.cmake) holds what
// every stored document repeats: history events' types and fields, execution records' fields,
// Stripe's objects. With it a 300-byte record compresses to about 70 bytes; without one, zstd
// has nothing to match in so short a value. Each frame carries its dictionary's id
// (kStoreDictionaryId), so frames written without one (before the dictionary) still read. A
// dictionary is never changed once released: values written with it need its exact bytes. A
// better one is added beside it under a new id (scripts/train-store-dictionary.sh), and frames
// are read with whichever their id names.

#include "domain/write_batch.hpp"

#include <string>
#include <string_view>

namespace settled::adapters {

// Values shorter than this are stored as they are: a key's own overhead in its page is larger
// than what compressing them could save.
inline constexpr std::size_t kCompressFromBytes = 128;

// The Stripe simulator's rows (test-mode state a deployment against Stripe never writes) are
// compressed only from this size. A compression call costs about 0.6 us whatever the value's
// size, and a simulated payment writes seven rows of a few hundred bytes: 40 % of the store
// writer's compression time went to them. Larger ones (a long description in every row) are
// still compressed, so that they stay in their leaf pages rather than overflow pages.
inline constexpr std::size_t kSimulatorCompressFromBytes = 1024;

// The size from which values of `table` are compressed; kNeverCompressed for a table whose
// values are not JSON documents (read and written as they are). The one list of tables.
inline constexpr std::size_t kNeverCompressed = static_cast<std::size_t>(-1);
std::size_t compress_from_bytes(Table table);

// The id the newest dictionary's frames carry ("SET2", dictionaries/store-v2.zdict, what is
// written since session 28: trained on history chunks of version 3); ids below 32768 are zstd's
// registered ones.
inline constexpr unsigned kStoreDictionaryId = 0x53455432;
// The first dictionary's ("SET1", dictionaries/store-v1.zdict): still read, no longer written.
inline constexpr unsigned kStoreDictionaryV1Id = 0x53455431;

// compress_from_bytes(table) != kNeverCompressed.
bool is_compressed_table(Table table);

// The bytes to store for `value`: compressed into `scratch` when the table's values are
// compressed, the value is long enough and compression makes it smaller; else `value` itself.
std::string_view stored_form(Table table, std::string_view value, std::string& scratch);

// The value as it was written, from its stored bytes (decompressed into `scratch` if need be).
// Bytes that claim to be compressed but do not decompress are returned as they are: the
// record's own decoder then reports it corrupt, as for any damaged value.
std::string_view written_form(Table table, std::string_view stored, std::string& scratch);

}  // namespace settled::adapters
