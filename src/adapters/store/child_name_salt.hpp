#pragma once
// The data directory's secret for child execution names (domain/resources/aws_resources.hpp,
// aws::ChildNameSalt): read from Table::kMeta, or made from OpenSSL's RAND_bytes and stored there
// the first time a daemon opens the directory. Run at start, before the store actor exists.

#include "adapters/store/lmdb_store.hpp"
#include "domain/resources/aws_resources.hpp"
#include "domain/result.hpp"
#include "domain/time.hpp"

namespace settled::adapters {

// The stored salt, or a new one made `now` (on the engine's clock) and committed. An error
// (the row unreadable, no randomness, the commit refused) refuses the start: a daemon that
// named children without it would rename them once it had one.
Result<aws::ChildNameSalt> open_child_name_salt(LmdbStore& db, EpochMillis now);

}  // namespace settled::adapters
