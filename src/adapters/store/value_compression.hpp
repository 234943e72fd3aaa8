#pragma once
// Large JSON values are stored compressed with zstd (level 1): a payment's execution record
// and history hold its input several times over, and a value LMDB cannot keep in a leaf page
// costs whole overflow pages. Only tables whose values are JSON documents are compressed, so a
// stored value that starts with zstd's frame magic (0x28 0xB5 0x2F 0xFD; JSON text never
// starts with '(') is a compressed one, and every other value is read as it is: stores written
// before compression read unchanged. Everything in LmdbStore goes through these two functions.

#include "domain/write_batch.hpp"

#include <string>
#include <string_view>

namespace settled::adapters {

// Values shorter than this are stored as they are: they fit a leaf page and gain little. The
// bound is a measured trade: from 512 bytes a payment took 6.8 KB but the engine ~8 % more CPU
// (the store's one writer compresses); from 2 KB 9.3 KB and no cost; from 1 KiB 7.0 KB and
// about 3 % (bench/storage_bench.cpp, bench/engine_bench.cpp).
inline constexpr std::size_t kCompressFromBytes = 1024;

bool is_compressed_table(Table table);

// The bytes to store for `value`: compressed into `scratch` when the table's values are
// compressed, the value is long enough and compression makes it smaller; else `value` itself.
std::string_view stored_form(Table table, std::string_view value, std::string& scratch);

// The value as it was written, from its stored bytes (decompressed into `scratch` if need be).
// Bytes that claim to be compressed but do not decompress are returned as they are: the
// record's own decoder then reports it corrupt, as for any damaged value.
std::string_view written_form(Table table, std::string_view stored, std::string& scratch);

}  // namespace settled::adapters
