#include "adapters/store/backup.hpp"

#include <chrono>
#include <filesystem>

namespace settled::adapters {

namespace fs = std::filesystem;

Result<BackupInfo> backup_lmdb(const LmdbStore& store, const std::string& path) {
  if (path.empty() || fs::path(path).is_relative())
    return Error{ErrorCode::kInvalidRequest, "backup path must be absolute: \"" + path + "\""};
  std::error_code ec;
  fs::create_directories(path, ec);
  if (ec) return Error{ErrorCode::kInvalidRequest, "cannot create " + path + ": " + ec.message()};
  const fs::path data = fs::path(path) / "data.mdb";
  if (fs::exists(data, ec))
    return Error{ErrorCode::kInvalidRequest,
                 data.string() + " already exists; back up into a new directory"};
  const auto started = std::chrono::steady_clock::now();
  // MDB_CP_COMPACT walks the B-trees inside one read transaction: a consistent snapshot with
  // free pages left out, while the writer goes on.
  if (const int rc = store.copy_to(path, MDB_CP_COMPACT); rc != 0) {
    fs::remove(data, ec);
    return Error{ErrorCode::kStoreUnavailable,
                 "backup to " + path + " failed: " + std::string(mdb_strerror(rc))};
  }
  BackupInfo info;
  info.path = path;
  info.bytes = fs::file_size(data, ec);
  info.millis = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                               std::chrono::steady_clock::now() - started)
                                               .count());
  return info;
}

}  // namespace settled::adapters
