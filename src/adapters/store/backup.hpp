#pragma once
// Hot backup of the LMDB environment: a consistent, compacted copy taken inside one read
// transaction while the store keeps committing.

#include "adapters/store/lmdb_store.hpp"
#include "domain/result.hpp"

#include <cstdint>
#include <string>

namespace settled::adapters {

struct BackupInfo {
  std::string path;          // directory holding the copy's data.mdb
  std::uint64_t bytes = 0;   // size of the copy
  std::uint64_t millis = 0;  // how long it took
};

// Copies `store` into the directory `path` (created if missing; must not hold a data.mdb yet).
Result<BackupInfo> backup_lmdb(const LmdbStore& store, const std::string& path);

}  // namespace settled::adapters
