#pragma once
// A small LMDB store in a test's temporary directory, for tests that commit what they decided
// as the actors do; and the store a stopped daemon left in its data directory.

#include "adapters/store/lmdb_store.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>

namespace settled::testing {

// Opens a 16 MiB store at `path`; a failure to open fails the test (nullptr). The ledger's
// account rows are folded from their log in rounds of a few rows, so tests that run ledger
// operations read them across rounds too (docs/ledger.md "Storage").
inline std::shared_ptr<adapters::LmdbStore> open_temp_store(const std::string& path) {
  adapters::LmdbOptions options;
  options.path = path;
  options.map_size = std::size_t{16} << 20;
  auto store = adapters::LmdbStore::open(options);
  EXPECT_TRUE(store.ok()) << store.error().message;
  if (!store.ok()) return nullptr;
  adapters::DeferredFolding folding;
  folding.from_keys = 32;
  folding.keys_per_commit = 8;
  (*store)->set_deferred_folding(folding);
  return *store;
}

// Opens the store in `data_dir` (a stopped daemon's data directory, or a backup of one) to read
// or edit what it left. The map is the daemon's default (map-size-mib=4096), so an edit fits as
// the daemon's would. A store that does not open throws, failing the test with LMDB's message;
// open_sized_store opens one of any map size so.
inline std::shared_ptr<adapters::LmdbStore> open_sized_store(const std::string& path,
                                                             std::size_t map_size) {
  adapters::LmdbOptions options;
  options.path = path;
  options.map_size = map_size;
  auto store = adapters::LmdbStore::open(options);
  if (!store.ok()) throw std::runtime_error(path + ": " + store.error().message);
  return *store;
}

inline std::shared_ptr<adapters::LmdbStore> open_stopped_store(const std::string& data_dir) {
  return open_sized_store(data_dir, std::size_t{4096} << 20);
}

}  // namespace settled::testing
