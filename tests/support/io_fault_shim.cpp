// Test-only fault injection (C linkage, no C++ runtime needed at run time): LD_PRELOADed into a
// real daemon, it makes the calls that write or sync a file under one directory fail with EIO while
// a control file exists, so integration tests can show what a failing disk does without touching
// the daemon's binary.
//
//   SETTLED_TEST_EIO_DIR    only files whose path (from /proc/self/fd) starts with this
//                           directory fail; others (the log on stdout, sockets) are untouched
//   SETTLED_TEST_EIO_FLAG   while this file exists the calls fail; remove it and they work again
//   SETTLED_TEST_EIO_CALLS  which calls fail, comma-separated (default "data,sync,meta"):
//                             data  pwrite/pwritev/write/writev on fds opened without O_DSYNC
//                                   (LMDB's page writes)
//                             sync  fdatasync/fsync/sync_file_range (LMDB's flush of those pages)
//                             meta  writes on fds opened with O_DSYNC (LMDB's meta page: a
//                                   failure there is the one LMDB treats as fatal, MDB_PANIC)
//   SETTLED_TEST_EIO_DELAY_MS  a failing call first waits this long (a dying disk is slow to
//                           give up; it also lets work queue up behind the failing commit)
//
// Each failure injected prints one line "io_fault_shim: EIO <call> <path>" to stderr (the
// daemon's captured output) so a test can tell the fault happened where it meant it to.
// Only the interposed libc entry points are covered: LMDB (without MDB_WRITEMAP) writes through
// pwrite, write, writev and syncs through fdatasync/fsync, all of them here.

#include <dlfcn.h>
#include <fcntl.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

namespace {

// The next definition of a libc function (libc's own), looked up once.
template <class Function>
Function next_definition(const char* name) {
  return reinterpret_cast<Function>(dlsym(RTLD_NEXT, name));
}

#define REAL(name) static const auto real_##name = next_definition<decltype(&::name)>(#name)

enum CallClass { kData = 1, kSync = 2, kMeta = 4 };

int enabled_classes(void) {
  const char* calls = getenv("SETTLED_TEST_EIO_CALLS");
  if (!calls || !*calls) return kData | kSync | kMeta;
  int classes = 0;
  if (strstr(calls, "data")) classes |= kData;
  if (strstr(calls, "sync")) classes |= kSync;
  if (strstr(calls, "meta")) classes |= kMeta;
  return classes;
}

// Fills `path` with where `fd` points; 0 if it cannot tell.
int fd_path(int fd, char* path, size_t size) {
  char link[64];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  const ssize_t n = readlink(link, path, size - 1);
  if (n <= 0) return 0;
  path[n] = '\0';
  return 1;
}

// True (and errno = EIO) if this call on `fd` is to fail now. A write call is "meta" when the fd
// was opened with O_DSYNC, "data" otherwise.
int inject(int fd, int is_write, const char* call) {
  const char* dir = getenv("SETTLED_TEST_EIO_DIR");
  const char* flag = getenv("SETTLED_TEST_EIO_FLAG");
  if (!dir || !flag || fd < 0) return 0;
  const int saved = errno;
  int klass = kSync;
  if (is_write) {
    const int fl = fcntl(fd, F_GETFL);
    klass = (fl >= 0 && (fl & O_DSYNC) == O_DSYNC) ? kMeta : kData;
  }
  char path[4096];
  const size_t dir_len = strlen(dir);
  const bool fail = (enabled_classes() & klass) && access(flag, F_OK) == 0 &&
                    fd_path(fd, path, sizeof path) && strncmp(path, dir, dir_len) == 0 &&
                    (path[dir_len] == '/' || path[dir_len] == '\0');
  if (!fail) {
    errno = saved;
    return 0;
  }
  if (const char* delay = getenv("SETTLED_TEST_EIO_DELAY_MS")) {
    const long millis = strtol(delay, nullptr, 10);
    if (millis > 0) {
      const timespec pause{millis / 1000, (millis % 1000) * 1000000L};
      nanosleep(&pause, nullptr);
    }
  }
  char line[4200];
  const int len = snprintf(line, sizeof line, "io_fault_shim: EIO %s %s\n", call, path);
  REAL(write);
  if (len > 0 && real_write) (void)real_write(STDERR_FILENO, line, static_cast<std::size_t>(len));
  errno = EIO;
  return 1;
}

}  // namespace

extern "C" {

ssize_t write(int fd, const void* buf, size_t count) {
  REAL(write);
  if (inject(fd, 1, "write")) return -1;
  return real_write(fd, buf, count);
}

ssize_t pwrite(int fd, const void* buf, size_t count, off_t offset) {
  REAL(pwrite);
  if (inject(fd, 1, "pwrite")) return -1;
  return real_pwrite(fd, buf, count, offset);
}

ssize_t pwrite64(int fd, const void* buf, size_t count, off_t offset) {
  REAL(pwrite64);
  if (inject(fd, 1, "pwrite64")) return -1;
  return real_pwrite64(fd, buf, count, offset);
}

ssize_t writev(int fd, const struct iovec* iov, int iovcnt) {
  REAL(writev);
  if (inject(fd, 1, "writev")) return -1;
  return real_writev(fd, iov, iovcnt);
}

ssize_t pwritev(int fd, const struct iovec* iov, int iovcnt, off_t offset) {
  REAL(pwritev);
  if (inject(fd, 1, "pwritev")) return -1;
  return real_pwritev(fd, iov, iovcnt, offset);
}

int fdatasync(int fd) {
  REAL(fdatasync);
  if (inject(fd, 0, "fdatasync")) return -1;
  return real_fdatasync(fd);
}

int fsync(int fd) {
  REAL(fsync);
  if (inject(fd, 0, "fsync")) return -1;
  return real_fsync(fd);
}

int sync_file_range(int fd, off64_t offset, off64_t nbytes, unsigned int flags) {
  REAL(sync_file_range);
  if (inject(fd, 0, "sync_file_range")) return -1;
  return real_sync_file_range(fd, offset, nbytes, flags);
}

}  // extern "C"
