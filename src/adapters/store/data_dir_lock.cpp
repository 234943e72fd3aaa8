#include "adapters/store/data_dir_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace settled::adapters {

namespace {

std::string read_holder(int fd) {
  char buf[32] = {};
  const ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
  std::string pid = n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
  while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
  return pid.empty() ? "unknown" : pid;
}

}  // namespace

Result<DataDirLock> DataDirLock::acquire(const std::string& data_dir) {
  std::error_code fs_error;
  std::filesystem::create_directories(data_dir, fs_error);
  if (fs_error)
    return Error{ErrorCode::kStoreUnavailable,
                 "cannot create data directory " + data_dir + ": " + fs_error.message()};
  std::string path = data_dir + "/settled.lock";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0)
    return Error{ErrorCode::kStoreUnavailable,
                 "cannot open lock file " + path + ": " + std::strerror(errno)};
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    std::string message = err == EWOULDBLOCK ? "data directory " + data_dir +
                                                   " is in use by another settled (pid " +
                                                   read_holder(fd) + ", lock " + path + ")"
                                             : "cannot lock " + path + ": " + std::strerror(err);
    ::close(fd);
    return Error{ErrorCode::kStoreUnavailable, std::move(message)};
  }
  // Ours now: record our pid for the next one to name.
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
    // The lock holds regardless; only the pid in a refusal message would be missing.
  }
  return DataDirLock(std::move(path), fd);
}

DataDirLock::DataDirLock(DataDirLock&& other) noexcept
    : path_(std::move(other.path_)), fd_(other.fd_) {
  other.fd_ = -1;
}

DataDirLock::~DataDirLock() {
  // The file stays: unlinking it would let a third daemon lock a fresh inode while a second
  // still waits on the old one.
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace settled::adapters
