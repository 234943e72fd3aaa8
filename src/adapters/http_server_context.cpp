#include "adapters/http_server_context.hpp"

#include "adapters/http_session.hpp"

namespace settled::adapters {

bool HttpServerContext::add(std::shared_ptr<HttpSession> session) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (stopped_) return false;
  const HttpSession* key = session.get();
  sessions_.emplace(key, std::move(session));
  return true;
}

void HttpServerContext::remove(const HttpSession* session) {
  std::shared_ptr<HttpSession> last;  // destroyed after the unlock
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = sessions_.find(session);
  if (it == sessions_.end()) return;
  last = std::move(it->second);
  sessions_.erase(it);
}

std::vector<std::shared_ptr<HttpSession>> HttpServerContext::sessions() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::shared_ptr<HttpSession>> result;
  result.reserve(sessions_.size());
  for (const auto& entry : sessions_) result.push_back(entry.second);
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
  for (const auto& entry : sessions_) result.push_back(entry.second);
  return result;
}

void HttpServerContext::clear() {
  std::unordered_map<const HttpSession*, std::shared_ptr<HttpSession>> doomed;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    doomed.swap(sessions_);
  }
}

}  // namespace settled::adapters
