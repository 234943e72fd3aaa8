#include "adapters/http/http_server_context.hpp"

#include "adapters/http/http_session.hpp"

namespace settled::adapters {

HttpServerContext::Admit HttpServerContext::add(std::shared_ptr<HttpSession> session,
                                                const std::string& peer) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (stopped_) return Admit::kDropped;
  const HttpSession* key = session.get();
  std::size_t& from_peer = per_peer_[peer];
  if (counted_ < options_.max_connections && from_peer < options_.max_connections_per_peer) {
    ++counted_;
    ++from_peer;
    sessions_.emplace(key, Entry{std::move(session), peer, true});
    return Admit::kAccepted;
  }
  if (from_peer == 0) per_peer_.erase(peer);
  // A flood of refusals must not hold more sockets than the cap itself.
  if (sessions_.size() - counted_ >= options_.max_connections) return Admit::kDropped;
  sessions_.emplace(key, Entry{std::move(session), peer, false});
  return Admit::kRefused;
}

void HttpServerContext::remove(const HttpSession* session) {
  std::shared_ptr<HttpSession> last;  // destroyed after the unlock
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = sessions_.find(session);
  if (it == sessions_.end()) return;
  last = std::move(it->second.session);
  if (it->second.counted) {
    --counted_;
    auto peer = per_peer_.find(it->second.peer);
    if (peer != per_peer_.end() && --peer->second == 0) per_peer_.erase(peer);
  }
  sessions_.erase(it);
}

std::vector<std::shared_ptr<HttpSession>> HttpServerContext::sessions() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::shared_ptr<HttpSession>> result;
  result.reserve(sessions_.size());
  for (const auto& entry : sessions_) result.push_back(entry.second.session);
  return result;
}

std::size_t HttpServerContext::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return sessions_.size();
}

std::vector<std::shared_ptr<HttpSession>> HttpServerContext::stop() {
  std::lock_guard<std::mutex> lock(mutex_);
  stopped_ = true;
  std::vector<std::shared_ptr<HttpSession>> result;
  result.reserve(sessions_.size());
  for (const auto& entry : sessions_) result.push_back(entry.second.session);
  return result;
}

void HttpServerContext::clear() {
  std::unordered_map<const HttpSession*, Entry> doomed;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    doomed.swap(sessions_);
    counted_ = 0;
    per_peer_.clear();
  }
}

}  // namespace settled::adapters
