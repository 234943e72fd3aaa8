#include "domain/ledger/lock_table.hpp"

#include <algorithm>

namespace settled::ledger {

bool LockTable::OpQueue::erase(std::uint64_t id, std::size_t within) {
  const auto first = ids_.begin() + static_cast<std::ptrdiff_t>(front_);
  const auto at = std::find(first, first + static_cast<std::ptrdiff_t>(within), id);
  if (at == first + static_cast<std::ptrdiff_t>(within)) return false;
  if (at == first) {
    ++front_;
    // Reclaims the dropped front once it is most of the vector.
    if (front_ == ids_.size()) {
      ids_.clear();
      front_ = 0;
    } else if (front_ >= 64 && 2 * front_ >= ids_.size()) {
      ids_.erase(ids_.begin(), ids_.begin() + static_cast<std::ptrdiff_t>(front_));
      front_ = 0;
    }
  } else {
    ids_.erase(at);
  }
  return true;
}

bool LockTable::admissible(std::uint64_t id, const Op& op) const {
  for (const std::string& key : op.keys) {
    const Queue& q = queues_.at(key);
    if (q.admitted >= q.ops.size() || q.ops[q.admitted] != id) return false;
    if (q.admitted > 0 && q.home != op.home) return false;
  }
  return true;
}

void LockTable::admit(std::uint64_t, Op& op) {
  op.admitted = true;
  ++admitted_;
  for (const std::string& key : op.keys) {
    Queue& q = queues_.at(key);
    q.admitted += 1;
    q.home = op.home;
  }
}

bool LockTable::acquire(std::uint64_t id, std::vector<std::string> keys, std::string home) {
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  Op& op = ops_[id];
  op.keys = std::move(keys);
  op.home = std::move(home);
  for (const std::string& key : op.keys) queues_[key].ops.push_back(id);
  if (!admissible(id, op)) return false;
  admit(id, op);
  return true;
}

std::vector<std::uint64_t> LockTable::release(std::uint64_t id) {
  std::vector<std::uint64_t> admitted;
  auto found = ops_.find(id);
  if (found == ops_.end() || !found->second.admitted) return admitted;
  std::vector<std::string> work = std::move(found->second.keys);
  ops_.erase(found);
  --admitted_;
  for (const std::string& key : work) {
    Queue& q = queues_.at(key);
    // Usually at the front: a home finishes its operations in the order it got them.
    if (q.ops.erase(id, q.admitted)) q.admitted -= 1;
  }
  // Each admission may unblock the next operation on any of its keys.
  while (!work.empty()) {
    const std::string key = std::move(work.back());
    work.pop_back();
    auto qi = queues_.find(key);
    if (qi == queues_.end()) continue;
    if (qi->second.ops.empty()) {
      queues_.erase(qi);
      continue;
    }
    while (qi->second.admitted < qi->second.ops.size()) {
      const std::uint64_t next = qi->second.ops[qi->second.admitted];
      Op& op = ops_.at(next);
      if (!admissible(next, op)) break;
      admit(next, op);
      admitted.push_back(next);
      for (const std::string& k : op.keys)
        if (k != key) work.push_back(k);
    }
  }
  return admitted;
}

}  // namespace settled::ledger
