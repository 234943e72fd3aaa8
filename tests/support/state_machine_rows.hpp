#pragma once
// A state machine's version stored as the state machines actor stores it, for tests of what
// reads the state_machines table (the native listing, the Step Functions API's).

#include "adapters/store/lmdb_store.hpp"
#include "domain/state_machine_versions.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <cstdint>
#include <string>

namespace settled::testing {

// Stores `version` of `name`, registered at `registered_at`; from source "deleted"
// (kDeletedSource), the name's deletion. A failed commit fails the test.
inline void store_state_machine_version(adapters::LmdbStore& db, const std::string& name,
                                        std::int64_t version, EpochMillis registered_at,
                                        const std::string& source = "api") {
  StateMachineVersion v;
  v.name = name;
  v.version = version;
  v.source = source;
  v.registered_at = registered_at;
  if (!v.deleted()) {
    v.definition = boost::json::parse(R"({"StartAt": "A", "States": {"A": {"Type": "Succeed"}}})");
    v.sha256 = definition_sha256(v.definition);
  }
  WriteBatch writes;
  writes.put(Table::kStateMachines, state_machine_key(name, version),
             boost::json::serialize(v.to_json()));
  ASSERT_TRUE(db.commit({&writes}).ok());
}

}  // namespace settled::testing
