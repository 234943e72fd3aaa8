#pragma once
// State shared by the server, its listener, every session and every pending responder.

#include "adapters/http/http_message.hpp"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace settled::adapters {

class HttpSession;

class HttpServerContext {
 public:
  HttpServerContext(HttpServerOptions options, HttpHandler handler)
      : options_(std::move(options)), handler_(std::move(handler)) {}

  const HttpServerOptions& options() const { return options_; }
  const HttpHandler& handler() const { return handler_; }
  // Counts a response body of `bytes` being written; false (nothing counted) when a large one
  // would take the total past max_response_bytes_in_flight. Small ones always go.
  bool reserve_response(std::size_t bytes) {
    static constexpr std::size_t kLarge = 64 << 10;
    const std::size_t before = response_bytes_.fetch_add(bytes, std::memory_order_relaxed);
    if (bytes <= kLarge || before + bytes <= options_.max_response_bytes_in_flight) return true;
    response_bytes_.fetch_sub(bytes, std::memory_order_relaxed);
    return false;
  }
  void release_response(std::size_t bytes) {
    response_bytes_.fetch_sub(bytes, std::memory_order_relaxed);
  }
  std::size_t response_bytes() const { return response_bytes_.load(std::memory_order_relaxed); }

  // Counts `bytes` of a body being read for a sender not yet verified (HttpRequest::
  // unverified_body) from `peer` (its IP address); false (nothing counted) past
  // max_unverified_body_bytes in all, or past a quarter of it from one peer, so one client
  // cannot take the whole budget from the others. The first such body (in all, or of a peer)
  // always fits: a body-limit above the budget still admits one at a time.
  bool reserve_unverified_body(const std::string& peer, std::size_t bytes) {
    std::lock_guard<std::mutex> lock(unverified_mutex_);
    const std::size_t budget = options_.max_unverified_body_bytes;
    auto mine = unverified_by_peer_.find(peer);
    const std::size_t held = mine == unverified_by_peer_.end() ? 0 : mine->second;
    if (unverified_body_bytes_ > 0 && unverified_body_bytes_ + bytes > budget) return false;
    if (held > 0 && held + bytes > budget / 4) return false;
    unverified_body_bytes_ += bytes;
    unverified_by_peer_[peer] = held + bytes;
    return true;
  }
  void release_unverified_body(const std::string& peer, std::size_t bytes) {
    std::lock_guard<std::mutex> lock(unverified_mutex_);
    unverified_body_bytes_ -= bytes;
    auto mine = unverified_by_peer_.find(peer);
    if (mine == unverified_by_peer_.end()) return;
    mine->second -= bytes;
    if (mine->second == 0) unverified_by_peer_.erase(mine);
  }

  // The io loop's lag, as the server's LoopLagProbe last saw it. A plain value, not the probe:
  // a responder may keep this context alive past the io_context the probe's timer needs.
  void set_loop_lag(std::chrono::steady_clock::duration lag) {
    loop_lag_.store(lag.count(), std::memory_order_relaxed);
  }
  // When a request whose read completes now reached the daemon: now less the io loop's lag.
  std::chrono::steady_clock::time_point arrival_of_request_read_now() const {
    return std::chrono::steady_clock::now() -
           std::chrono::steady_clock::duration(loop_lag_.load(std::memory_order_relaxed));
  }

  enum class Admit {
    kAccepted,  // counted against the caps: serve it
    kRefused,   // over a cap: kept (so stop() reaches it) but not counted; answer 503 and close
    kDropped,   // stopping, or too many refusals still closing: not kept; just close it
  };
  // Keeps `session` alive until remove(), unless dropped. `peer` is the peer's IP address:
  // the caps are options().max_connections in total and max_connections_per_peer per peer.
  Admit add(std::shared_ptr<HttpSession> session, const std::string& peer);
  void remove(const HttpSession* session);
  std::vector<std::shared_ptr<HttpSession>> sessions() const;
  std::size_t size() const;

  // Marks the server stopped and returns the sessions to close.
  std::vector<std::shared_ptr<HttpSession>> stop();
  // Drops the remaining sessions; only once the io threads have been joined.
  void clear();

  // Runs `fn` under the lock unless stopped. Responders post through this, so no thread
  // outside the server touches a session (or keeps one past the io_context) after stop().
  template <class Fn>
  void run_unless_stopped(Fn&& fn) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!stopped_) std::forward<Fn>(fn)();
  }

 private:
  const HttpServerOptions options_;
  const HttpHandler handler_;
  std::atomic<std::chrono::steady_clock::rep> loop_lag_{0};
  std::atomic<std::size_t> response_bytes_{0};
  std::mutex unverified_mutex_;  // reservations are rare: unverified bodies still to come
  std::size_t unverified_body_bytes_ = 0;
  std::unordered_map<std::string, std::size_t> unverified_by_peer_;
  mutable std::mutex mutex_;
  bool stopped_ = false;
  struct Entry {
    std::shared_ptr<HttpSession> session;
    std::string peer;
    bool counted = false;
  };
  std::unordered_map<const HttpSession*, Entry> sessions_;
  std::size_t counted_ = 0;  // sessions counted against the caps
  std::unordered_map<std::string, std::size_t> per_peer_;
};

}  // namespace settled::adapters
