#pragma once
// The registered state machines by name. Immutable once built: a reload builds a new one and
// swaps it in, so running executions keep the definition they started with.

#include "domain/asl/state_machine.hpp"

#include <map>
#include <memory>
#include <string>

namespace settled::asl {

class Registry {
 public:
  void add(StateMachinePtr machine) { machines_[machine->name] = std::move(machine); }
  StateMachinePtr find(const std::string& name) const {
    auto it = machines_.find(name);
    return it == machines_.end() ? nullptr : it->second;
  }
  const std::map<std::string, StateMachinePtr>& all() const { return machines_; }

 private:
  std::map<std::string, StateMachinePtr> machines_;
};

using RegistryPtr = std::shared_ptr<const Registry>;

}  // namespace settled::asl
