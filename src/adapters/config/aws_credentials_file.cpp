#include "adapters/config/aws_credentials_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace settled::adapters {

namespace {

Error refuse(std::string why) {
  return Error{ErrorCode::kInvalidRequest, std::move(why)};
}

std::string octal_mode(mode_t mode) {
  char out[8];
  std::snprintf(out, sizeof out, "%04o", static_cast<unsigned>(mode & 07777));
  return out;
}

}  // namespace

Result<aws::AccessKeys> read_aws_credentials_file(const std::string& path) {
  // Opened once and checked through the descriptor: the file checked is the file read.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return refuse("cannot open: " + std::string(std::strerror(errno)));
  struct FdCloser {
    int fd;
    ~FdCloser() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) return refuse("cannot stat: " + std::string(std::strerror(errno)));
  if (!S_ISREG(st.st_mode)) return refuse("not a regular file");
  if (st.st_uid != ::geteuid() && st.st_uid != 0)
    return refuse("owned by uid " + std::to_string(st.st_uid) + ", not by the daemon's user (uid " +
                  std::to_string(::geteuid()) + ") or root; it holds secret access keys");
  if ((st.st_mode & 077) != 0)
    return refuse("mode " + octal_mode(st.st_mode) +
                  " lets its group or other users at it; it holds secret access keys: chmod 600 "
                  "it");
  if (st.st_size > static_cast<off_t>(kMaxAwsCredentialsFileBytes))
    return refuse("larger than " + std::to_string(kMaxAwsCredentialsFileBytes) + " bytes");
  std::string text(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t got = 0;
  while (got < text.size()) {
    const ssize_t n = ::read(fd, text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return refuse("cannot read: " + std::string(std::strerror(errno)));
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  text.resize(got);
  return aws::AccessKeys::parse(text);
}

}  // namespace settled::adapters
