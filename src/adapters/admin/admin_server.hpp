#pragma once
// The admin socket: a Unix stream socket (mode 0660) that takes one JSON object per line and
// answers one JSON object per line: {"id": ..., "ok": true, "result": ...} or
// {"id": ..., "ok": false, "error": {"error": "<Name>", "message": "..."}}. Peers are checked
// with SO_PEERCRED: the daemon's own uid, root, or a member of the configured admin group.
// At most max_connections are open at once; a failed accept (out of file descriptors) is
// retried after a pause, so the socket serves again once descriptors are free. A connection with
// max_unanswered commands whose answers are not yet written is not read until they are.

#include "domain/result.hpp"

#include <boost/json/object.hpp>

#include <functional>
#include <memory>
#include <string>

namespace settled::adapters {

// Answers a well-formed request's command; `reply` may be called later, from any thread.
using AdminReply = std::function<void(Result<boost::json::value>)>;
using AdminHandler = std::function<void(const std::string& command,
                                        const boost::json::object& request, AdminReply reply)>;

struct AdminServerOptions {
  std::string path;
  std::string admin_group;  // empty: only the daemon's uid and root
  std::size_t line_limit = 1 << 20;
  // Connections open at once. Past it a new one is answered one Overloaded line and closed: each
  // holds a file descriptor, and unbounded they ran the daemon out of them (HTTP then accepted
  // nothing, nor could the store or Stripe's client open a file or socket).
  std::size_t max_connections = 64;
  // Commands one connection may have read whose answer is not yet written to it. At the bound
  // the connection is read no further until answers drain (backpressure): a client pipelining
  // commands without reading the answers made them pile up in memory without end, and each
  // command it sent also ran.
  std::size_t max_unanswered = 16;
};

class AdminServer {
 public:
  static Result<std::unique_ptr<AdminServer>> start(AdminServerOptions options,
                                                    AdminHandler handler);
  ~AdminServer();
  void stop();

 private:
  struct Impl;
  explicit AdminServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace settled::adapters
