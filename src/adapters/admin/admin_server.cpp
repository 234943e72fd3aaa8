#include "adapters/admin/admin_server.hpp"

#include "adapters/ops/log.hpp"
#include "domain/json_limits.hpp"

#include <boost/asio.hpp>
#include <boost/json.hpp>

#include <grp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>
#include <filesystem>
#include <thread>

namespace settled::adapters {

namespace net = boost::asio;
namespace json = boost::json;
using local = net::local::stream_protocol;

namespace {

std::string reply_line(const json::value& id, const Result<json::value>& result) {
  json::object out;
  out["id"] = id;
  out["ok"] = result.ok();
  if (result.ok()) {
    out["result"] = result.value();
  } else {
    out["error"] = to_json(result.error());
  }
  return json::serialize(out) + "\n";
}

bool peer_allowed(int fd, const std::string& admin_group, std::string& why) {
  ucred cred{};
  socklen_t len = sizeof cred;
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
    why = "cannot read peer credentials";
    return false;
  }
  if (cred.uid == 0 || cred.uid == getuid()) return true;
  if (!admin_group.empty()) {
    // SO_PEERCRED carries the peer's primary group only.
    if (const group* g = getgrnam(admin_group.c_str()); g && cred.gid == g->gr_gid) return true;
  }
  why = "uid " + std::to_string(cred.uid) + " may not use the admin socket";
  return false;
}

constexpr auto kAcceptRetryDelay = std::chrono::milliseconds(100);

class Session : public std::enable_shared_from_this<Session> {
 public:
  // `open` counts the sessions alive; it outlives every session (AdminServer::Impl holds it).
  Session(local::socket socket, const AdminServerOptions& options, const AdminHandler& handler,
          std::size_t& open)
      : socket_(std::move(socket)),
        options_(options),
        handler_(handler),
        strand_(socket_.get_executor()),
        open_(open) {
    ++open_;
  }

  ~Session() { --open_; }

  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // One Overloaded line, then the connection closes.
  void refuse() {
    write(reply_line(nullptr,
                     Error{ErrorCode::kOverloaded, "the admin socket has " +
                                                       std::to_string(options_.max_connections) +
                                                       " connections open; close one and retry"}),
          false);
    closing_ = true;
  }

  void start() {
    std::string why;
    if (!peer_allowed(socket_.native_handle(), options_.admin_group, why)) {
      write(reply_line(nullptr, Error{ErrorCode::kUnauthorized, why}), false);
      closing_ = true;
      return;
    }
    read();
  }

 private:
  void read() {
    auto self = shared_from_this();
    net::async_read_until(
        socket_, net::dynamic_buffer(buffer_, options_.line_limit), '\n',
        [self](boost::system::error_code ec, std::size_t n) { self->on_line(ec, n); });
  }

  void on_line(boost::system::error_code ec, std::size_t n) {
    if (ec) {
      if (ec == net::error::not_found) {
        write(reply_line(nullptr,
                         Error{ErrorCode::kPayloadTooLarge, "request line exceeds the limit"}),
              false);
        closing_ = true;
      }
      return;
    }
    std::string line = buffer_.substr(0, n - 1);
    buffer_.erase(0, n);
    handle(line);
    read_unless_full();
  }

  // Backpressure: with max_unanswered answers owed (running, or waiting to be written to a
  // client that does not read them) the next line stays unread, in buffer_ or the kernel's, and
  // the client's writes block, until an answer is written (write_next resumes).
  void read_unless_full() {
    paused_ = unanswered_ >= options_.max_unanswered;
    if (!paused_) read();
  }

  void handle(const std::string& line) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) return;
    ++unanswered_;  // every line but a blank one gets exactly one answer
    auto parsed = parse_request_json(line, "request");
    if (!parsed) return write(reply_line(nullptr, parsed.error()));
    const json::value& request = *parsed;
    if (!request.is_object())
      return write(
          reply_line(nullptr, Error{ErrorCode::kInvalidRequest, "request must be a JSON object"}));
    const auto& o = request.as_object();
    const json::value id = o.contains("id") ? o.at("id") : json::value(nullptr);
    const json::value* command = o.if_contains("command");
    if (!command || !command->is_string())
      return write(reply_line(
          id, Error{ErrorCode::kInvalidRequest, "\"command\" is required and must be a string"}));
    auto self = shared_from_this();
    handler_(std::string(command->as_string()), o, [self, id](Result<json::value> result) {
      net::post(self->strand_, [self, line = reply_line(id, result)] { self->write(line); });
    });
  }

  // `answer`: the line answers a command read (handle), rather than refusing the connection.
  void write(std::string line, bool answer = true) {
    queue_.push_back({std::move(line), answer});
    if (queue_.size() == 1) write_next();
  }

  void write_next() {
    auto self = shared_from_this();
    net::async_write(socket_, net::buffer(queue_.front().text),
                     [self](boost::system::error_code ec, std::size_t) {
                       const bool answered = self->queue_.front().answer;
                       self->queue_.pop_front();
                       if (ec) return;
                       if (answered && --self->unanswered_ < self->options_.max_unanswered &&
                           self->paused_ && !self->closing_)
                         self->read_unless_full();
                       if (!self->queue_.empty()) return self->write_next();
                       if (self->closing_) {
                         boost::system::error_code ignored;
                         self->socket_.shutdown(local::socket::shutdown_both, ignored);
                       }
                     });
  }

  struct Line {
    std::string text;
    bool answer;
  };

  local::socket socket_;
  const AdminServerOptions& options_;
  const AdminHandler& handler_;
  net::strand<local::socket::executor_type> strand_;
  std::string buffer_;
  std::deque<Line> queue_;
  std::size_t unanswered_ = 0;  // lines read (not blank) whose answer is not yet written
  bool paused_ = false;         // not reading: unanswered_ reached max_unanswered
  bool closing_ = false;
  std::size_t& open_;
};

}  // namespace

struct AdminServer::Impl {
  AdminServerOptions options;
  AdminHandler handler;
  std::size_t open = 0;  // sessions alive; only the io thread touches it
  net::io_context io{1};
  local::acceptor acceptor{io};
  net::steady_timer retry{io};
  std::thread thread;

  void accept() {
    acceptor.async_accept([this](boost::system::error_code ec, local::socket socket) {
      if (ec == net::error::operation_aborted || !acceptor.is_open()) return;  // stopping
      if (ec) {
        // Out of file descriptors (EMFILE, ENFILE) or memory: the connection waits in the
        // backlog. Stopping here left the socket deaf until a restart.
        log(LogLevel::kWarn, "admin.accept_failed",
            {{"path", options.path}, {"cause", ec.message()}});
        retry.expires_after(kAcceptRetryDelay);
        retry.async_wait([this](boost::system::error_code wait_ec) {
          if (!wait_ec) accept();
        });
        return;
      }
      auto session = std::make_shared<Session>(std::move(socket), options, handler, open);
      if (open > options.max_connections)
        session->refuse();
      else
        session->start();
      accept();
    });
  }
};

AdminServer::AdminServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

AdminServer::~AdminServer() {
  stop();
}

Result<std::unique_ptr<AdminServer>> AdminServer::start(AdminServerOptions options,
                                                        AdminHandler handler) {
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  impl->handler = std::move(handler);
  const std::string& path = impl->options.path;
  std::error_code fs_error;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), fs_error);
  ::unlink(path.c_str());  // a socket left by a previous run
  boost::system::error_code ec;
  impl->acceptor.open(local(), ec);
  if (!ec) impl->acceptor.bind(local::endpoint(path), ec);
  if (!ec) ::chmod(path.c_str(), 0660);
  // Connecting needs write permission on the socket file: members of admin-group get it through
  // the file's group (SO_PEERCRED then admits them by that same group).
  if (!ec && !impl->options.admin_group.empty()) {
    const group* g = ::getgrnam(impl->options.admin_group.c_str());
    if (g == nullptr || ::chown(path.c_str(), static_cast<uid_t>(-1), g->gr_gid) != 0)
      return Error{ErrorCode::kInternal,
                   "cannot give admin socket " + path + " to group " + impl->options.admin_group +
                       ": " + (g == nullptr ? std::string("no such group") : std::strerror(errno))};
  }
  if (!ec) impl->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec)
    return Error{ErrorCode::kInternal,
                 "cannot listen on admin socket " + path + ": " + ec.message()};
  impl->accept();
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] { raw->io.run(); });
  return std::unique_ptr<AdminServer>(new AdminServer(std::move(impl)));
}

void AdminServer::stop() {
  if (!impl_ || !impl_->thread.joinable()) return;
  net::post(impl_->io, [impl = impl_.get()] {
    boost::system::error_code ignored;
    impl->acceptor.close(ignored);
    impl->retry.cancel();
    impl->io.stop();
  });
  impl_->thread.join();
  ::unlink(impl_->options.path.c_str());
}

}  // namespace settled::adapters
