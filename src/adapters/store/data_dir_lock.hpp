#pragma once
// One data directory, one daemon: an exclusive flock on <data-dir>/settled.lock, taken before
// LMDB is opened and held until the process ends (the kernel drops it even on SIGKILL). The
// file holds the holder's pid so that a refused second daemon can say whom it lost to.

#include "domain/result.hpp"

#include <string>

namespace settled::adapters {

class DataDirLock {
 public:
  // Creates the directory if needed. Refused (kStoreUnavailable) if another process holds the
  // lock: the message names its pid. Nothing else in the directory is touched either way.
  static Result<DataDirLock> acquire(const std::string& data_dir);

  DataDirLock(DataDirLock&& other) noexcept;
  DataDirLock& operator=(DataDirLock&&) = delete;
  DataDirLock(const DataDirLock&) = delete;
  ~DataDirLock();

  const std::string& path() const { return path_; }

 private:
  DataDirLock(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  std::string path_;
  int fd_ = -1;
};

}  // namespace settled::adapters
