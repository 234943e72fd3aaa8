#pragma once
// A small LMDB store in a test's temporary directory, for tests that commit what they decided
// as the actors do.

#include "adapters/store/lmdb_store.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <memory>
#include <string>

namespace settled::testing {

// Opens a 16 MiB store at `path`; a failure to open fails the test (nullptr).
inline std::shared_ptr<adapters::LmdbStore> open_temp_store(const std::string& path) {
  adapters::LmdbOptions options;
  options.path = path;
  options.map_size = std::size_t{16} << 20;
  auto store = adapters::LmdbStore::open(options);
  EXPECT_TRUE(store.ok()) << store.error().message;
  return store.ok() ? *store : nullptr;
}

}  // namespace settled::testing
