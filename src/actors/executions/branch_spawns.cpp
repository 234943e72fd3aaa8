// Branches past max-running-executions wait here for a slot (executions/supervisor.hpp).

#include "actors/executions/supervisor.hpp"

#include <algorithm>

namespace settled::actors::supervisor {

std::string parent_of_branch(const std::string& id) {
  const auto tilde = id.rfind('~');
  return tilde == std::string::npos ? std::string() : id.substr(0, tilde);
}

void spawn_branch(Self* self, const std::string& id) {
  auto& st = self->state;
  std::string parent = parent_of_branch(id);
  const bool parent_has_one = st.live_branches.count(parent) != 0;
  if (parent_has_one && st.running.size() >= st.engine->max_running_executions) {
    st.deferred_branches.emplace_back(std::move(parent), id);
    return;
  }
  rehydrate(self, id);
}

void execution_actor_changed(Self* self, const std::string& id, bool alive) {
  auto& st = self->state;
  const std::string parent = parent_of_branch(id);
  if (!parent.empty()) {
    if (alive) {
      ++st.live_branches[parent];
    } else if (auto it = st.live_branches.find(parent);
               it != st.live_branches.end() && --it->second == 0) {
      st.live_branches.erase(it);
    }
  }
  if (alive) return;
  // A parent left with no branch alive has nothing else to wait for: its next one starts now.
  if (!parent.empty() && !st.live_branches.count(parent)) {
    auto own = std::find_if(st.deferred_branches.begin(), st.deferred_branches.end(),
                            [&](const auto& deferred) { return deferred.first == parent; });
    if (own != st.deferred_branches.end()) {
      const std::string next = own->second;
      st.deferred_branches.erase(own);
      rehydrate(self, next);
    }
  }
  while (!st.deferred_branches.empty() && st.running.size() < st.engine->max_running_executions) {
    const std::string next = st.deferred_branches.front().second;
    st.deferred_branches.pop_front();
    rehydrate(self, next);
  }
}

}  // namespace settled::actors::supervisor
