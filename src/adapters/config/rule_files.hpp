#pragma once
// Event rules declared in the daemon's configuration (docs/event-rules.md): the directory of the
// rules-dir option holds one NAME.json per rule ({"detailType", "source"?, "target"}). They are
// read once at start; a broken file refuses the start, naming it. Rules live in memory only (the
// events actor's options): there is nothing to store, the files are the whole truth.

#include "adapters/store/lmdb_store.hpp"
#include "domain/asl/registry.hpp"
#include "domain/events/event_rules.hpp"
#include "domain/result.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace settled::adapters {

inline constexpr std::size_t kRuleFileMaxBytes = 64 * 1024;

// Every NAME.json in `directory` (other files are ignored), by name; the first broken one
// refuses the whole load (kInvalidRequest naming the file). A missing directory is refused too.
Result<std::vector<events::EventRule>> load_rule_files(const std::string& directory);

// Refused (kInvalidRequest naming the rule) when a startExecution rule's stateMachine is neither
// a workflow of `workflows` nor a state machine stored in `db`.
Status check_rule_targets(const LmdbStore& db, const std::vector<events::EventRule>& rules,
                          const asl::RegistryPtr& workflows);

}  // namespace settled::adapters
