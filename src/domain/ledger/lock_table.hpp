#pragma once
// Who may run now: the accounts router's admission of ledger operations. Each operation names
// the keys it must own (its accounts, its escrow, its idempotency key) and the home actor that
// will run it. Per key, operations queue in arrival order; an operation is admitted when, on
// every one of its keys, everything ahead of it is already admitted *at the same home*. So two
// operations that share a key are either run in arrival order by one actor (which applies them
// one after the other and may commit them together), or the later waits until the earlier has
// committed. All keys of an operation are queued at once by one actor, which gives one global
// order and so no deadlock. Pure bookkeeping: no actors, no clock.

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace settled::ledger {

class LockTable {
 public:
  // Queues `op` (a fresh id) on `keys` (duplicates allowed) for `home`; true if it may run now.
  bool acquire(std::uint64_t op, std::vector<std::string> keys, std::string home);

  // `op` (admitted) has finished: its keys are free. Returns the operations admitted as a
  // consequence, in the order they were admitted (send them to their homes in this order).
  std::vector<std::uint64_t> release(std::uint64_t op);

  std::size_t waiting() const { return ops_.size() - admitted_; }
  std::size_t running() const { return admitted_; }
  bool admitted(std::uint64_t op) const {
    auto it = ops_.find(op);
    return it != ops_.end() && it->second.admitted;
  }

 private:
  struct Op {
    std::vector<std::string> keys;
    std::string home;
    bool admitted = false;
  };
  // Operation ids in arrival order. Most keys (an escrow, an idempotency key, a quiet account)
  // hold one operation for a moment: a vector, where a deque allocated two blocks per key; a
  // hot account's queue drops its front as its operations finish, so the front is an offset.
  class OpQueue {
   public:
    std::size_t size() const { return ids_.size() - front_; }
    bool empty() const { return size() == 0; }
    std::uint64_t operator[](std::size_t i) const { return ids_[front_ + i]; }
    void push_back(std::uint64_t id) { ids_.push_back(id); }
    // Removes `id` from the first `within` entries; false if it is not there.
    bool erase(std::uint64_t id, std::size_t within);

   private:
    std::vector<std::uint64_t> ids_;
    std::size_t front_ = 0;
  };
  struct Queue {
    OpQueue ops;  // admitted ones first (a prefix), then waiting ones
    std::size_t admitted = 0;
    std::string home;  // of the admitted prefix (they all share one)
  };

  bool admissible(std::uint64_t id, const Op& op) const;
  void admit(std::uint64_t id, Op& op);

  std::unordered_map<std::uint64_t, Op> ops_;
  std::unordered_map<std::string, Queue> queues_;
  std::size_t admitted_ = 0;
};

}  // namespace settled::ledger
