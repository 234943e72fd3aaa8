#pragma once
// Reads the registered state machine versions (Table::kStateMachines) and shapes the views the
// HTTP API and the admin socket show. Writes go through the state machines actor only.

#include "adapters/store/lmdb_store.hpp"
#include "domain/state_machine_versions.hpp"

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <vector>

namespace settled::adapters {

// The current versions of `name` (every name when empty), in key order: by name, then version;
// versions before a name's last deletion are left out (current_versions), unless
// `include_deleted`, which gives every stored version and the deletions themselves.
// A record that does not decode is skipped and its key and reason added to `problems`.
std::vector<StateMachineVersion> read_state_machine_versions(
    const LmdbStore& db, const std::string& name = {}, std::vector<std::string>* problems = nullptr,
    bool include_deleted = false);

// That version; none for a deletion (domain/state_machine_versions.hpp).
std::optional<StateMachineVersion> read_state_machine_version(const LmdbStore& db,
                                                              const std::string& name,
                                                              std::int64_t version);

// {name, version, sha256, registeredAt, source}: a version without its definition.
boost::json::object version_summary(const StateMachineVersion& v);

// A state machine as a listing shows it: its latest version, without the definition, and when
// its current run of versions began (its first version since its last deletion; the Step
// Functions API's creationDate).
struct StateMachineListing {
  std::string name;
  std::int64_t version = 0;
  EpochMillis registered_at = 0;  // of the latest version
  EpochMillis created_at = 0;
};

struct StateMachinePage {
  std::vector<StateMachineListing> machines;
  bool has_more = false;      // a later name has a current version
  std::size_t rows_read = 0;  // stored versions read to build the page
};

// A page of at most `limit` state machines with a current version, in name order, after the
// name `starting_after` ("": from the first; it need not exist). Reads the versions of the names
// it lists and of those it passes over (deleted), the next listed name's to tell has_more, and
// nothing before `starting_after`; no definition is kept.
StateMachinePage page_state_machines(const LmdbStore& db, std::size_t limit,
                                     const std::string& starting_after);

// GET /v1/state-machines: page_state_machines as {"stateMachines": [{name, version,
// registeredAt}], "has_more"}: the latest version of each. Paged like the simulators' lists, so
// a listing reads a page of names, not every one stored.
boost::json::object list_state_machines(const LmdbStore& db, std::size_t limit,
                                        const std::string& starting_after);

// GET /v1/state-machines/{name}: the latest version with its definition, plus "versions" (the
// summaries, oldest first). Empty if the name has no stored version.
std::optional<boost::json::object> describe_state_machine(const LmdbStore& db,
                                                          const std::string& name);

}  // namespace settled::adapters
