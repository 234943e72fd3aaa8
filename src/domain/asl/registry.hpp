#pragma once
// The registered state machines: every version of every name. Immutable once built: a
// registration or a reload copies it, adds, and swaps the copy in, so a running execution keeps
// the definition (and version) it started with, and can find it again by (name, version).

#include "domain/asl/state_machine.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace settled::asl {

class Registry {
 public:
  // Adds one version. The highest version of a name is its latest; a machine with the version
  // of one already held replaces it (tests and the file loader add version 0 only).
  void add(StateMachinePtr machine) {
    const std::string name = machine->name;
    const std::int64_t version = machine->version;
    versions_[name][version] = machine;
    auto& latest = latest_[name];
    if (!latest || latest->version <= version) latest = std::move(machine);
  }

  // The name has no latest version any more (deleted); its versions stay findable by number for
  // the executions that run on them. A later add() makes it current again.
  void retire(const std::string& name) { latest_.erase(name); }

  // The latest version, or null.
  StateMachinePtr find(const std::string& name) const {
    auto it = latest_.find(name);
    return it == latest_.end() ? nullptr : it->second;
  }

  // That version, or null.
  StateMachinePtr find(const std::string& name, std::int64_t version) const {
    auto it = versions_.find(name);
    if (it == versions_.end()) return nullptr;
    auto v = it->second.find(version);
    return v == it->second.end() ? nullptr : v->second;
  }

  // The latest version of each name.
  const std::map<std::string, StateMachinePtr>& all() const { return latest_; }

  // Every version of one name, oldest first (empty if the name is unknown).
  std::vector<StateMachinePtr> versions(const std::string& name) const {
    std::vector<StateMachinePtr> out;
    if (auto it = versions_.find(name); it != versions_.end())
      for (const auto& [version, machine] : it->second) out.push_back(machine);
    return out;
  }

 private:
  std::map<std::string, StateMachinePtr> latest_;
  std::map<std::string, std::map<std::int64_t, StateMachinePtr>> versions_;
};

using RegistryPtr = std::shared_ptr<const Registry>;

}  // namespace settled::asl
