#include "settlectl/admin_client.hpp"

#include "domain/json_limits.hpp"

#include <boost/json.hpp>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace settled::ctl {

namespace json = boost::json;

namespace {

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

Error io_error(const std::string& what, const std::string& path) {
  return Error{ErrorCode::kStoreUnavailable, what + " " + path + ": " + std::strerror(errno)};
}

}  // namespace

Result<json::object> call(const std::string& socket_path, json::object request,
                          std::chrono::seconds timeout) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (socket_path.size() >= sizeof(address.sun_path))
    return Error{ErrorCode::kInvalidRequest, "socket path too long: " + socket_path};
  std::memcpy(address.sun_path, socket_path.c_str(), socket_path.size() + 1);
  Fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return io_error("cannot create a socket for", socket_path);
  timeval tv{static_cast<time_t>(timeout.count()), 0};
  ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
    return io_error("cannot connect to settled at", socket_path);

  request["id"] = 1;
  const std::string line = json::serialize(request) + "\n";
  for (std::size_t sent = 0; sent < line.size();) {
    const ssize_t n = ::send(fd.get(), line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return io_error("cannot send to", socket_path);
    sent += static_cast<std::size_t>(n);
  }
  std::string buffer;
  char chunk[65536];
  while (buffer.find('\n') == std::string::npos) {
    const ssize_t n = ::recv(fd.get(), chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
      return Error{ErrorCode::kTimeout,
                   "settled did not answer within " + std::to_string(timeout.count()) + " s"};
    if (n < 0) return io_error("cannot read from", socket_path);
    if (n == 0)
      return Error{ErrorCode::kInternal, "settled closed the connection without an answer"};
    buffer.append(chunk, static_cast<std::size_t>(n));
  }
  boost::system::error_code ec;
  json::value reply = parse_stored_json(buffer.substr(0, buffer.find('\n')), ec);
  if (ec || !reply.is_object())
    return Error{ErrorCode::kInvalidJson, "settled answered something that is not a JSON object"};
  return std::move(reply.as_object());
}

Result<json::object> call_every_page(const std::string& socket_path, json::object request,
                                     std::chrono::seconds timeout, const char* list,
                                     const char* key) {
  json::array all;
  for (;;) {
    auto reply = call(socket_path, request, timeout);
    if (!reply || reply->if_contains("ok") == nullptr || reply->at("ok") != true) return reply;
    json::value* result = reply->if_contains("result");
    json::value* page =
        result && result->is_object() ? result->as_object().if_contains(list) : nullptr;
    if (!page || !page->is_array()) return reply;  // not a list: shown as it came
    const json::value* more = result->as_object().if_contains("has_more");
    const json::value* last = page->as_array().empty() || !page->as_array().back().is_object()
                                  ? nullptr
                                  : page->as_array().back().as_object().if_contains(key);
    for (auto& item : page->as_array()) all.push_back(std::move(item));
    if (!more || *more != true) {
      *page = std::move(all);
      if (more) result->as_object()["has_more"] = false;
      return reply;
    }
    // A page that says there is more must end with a place to go on from, past the last one.
    const json::value* before = request.if_contains("startingAfter");
    if (!last || !last->is_string() ||
        (before && before->is_string() && last->as_string() <= before->as_string()))
      return Error{ErrorCode::kInternal, std::string("settled answered a page of \"") + list +
                                             "\" with more to come but no later place to go on"};
    request["startingAfter"] = *last;
  }
}

}  // namespace settled::ctl
