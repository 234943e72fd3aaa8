#pragma once
// Registered state machine versions: the durable record of each, its key, the hash that tells
// whether a definition is new, and the bookkeeping that numbers versions. A version is never
// changed or deleted once stored: executions that started on it resolve it again on recovery.

#include "domain/result.hpp"
#include "domain/time.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace settled {

// 1 to 80 characters of [A-Za-z0-9_-]: safe in a URL segment, a file name and a store key.
inline constexpr std::size_t kMaxStateMachineNameLength = 80;
bool valid_state_machine_name(std::string_view name);

// name + '\0' + big-endian u64 version: a prefix scan lists one name's versions in order.
std::string state_machine_key(std::string_view name, std::int64_t version);
std::string state_machine_prefix(std::string_view name);

// Object keys sorted at every level, no whitespace: the same definition gives the same text
// however its file was formatted or its keys ordered.
std::string canonical_json(const boost::json::value& value);

// Lower-case hex SHA-256 of canonical_json(definition).
std::string definition_sha256(const boost::json::value& definition);

// The source of a deletion (DeleteStateMachine): a version that ends its name's run of
// versions. It has no definition and no hash; the versions before it stay stored, since executions
// that ran on them still resolve them, but the name has no current version until it is created
// again (with the next number).
inline constexpr const char* kDeletedSource = "deleted";

struct StateMachineVersion {
  std::string name;
  std::int64_t version = 0;
  boost::json::value definition;
  std::string sha256;
  EpochMillis registered_at = 0;
  std::string source;  // "file", "api" or kDeletedSource

  bool deleted() const { return source == kDeletedSource; }

  // {name, version, definition, sha256, registeredAt, source}
  boost::json::object to_json() const;
  static Result<StateMachineVersion> from_json(const boost::json::value& value);
};

// Of versions in store order (by name, then version): each name's versions since its last
// deletion, in that order; a name whose latest version is a deletion has none.
std::vector<StateMachineVersion> current_versions(std::vector<StateMachineVersion> versions);

// Numbers versions. Knows the latest stored version (and its hash) of each name, and every
// number handed out, so that a number is never given twice even when a commit's outcome is
// unknown (a timed-out store request may still land).
class VersionBook {
 public:
  struct Decision {
    bool created = false;  // false: the definition is the latest one already
    std::int64_t version = 0;
  };

  // Records a version found in the store (at start).
  void stored(const std::string& name, std::int64_t version, const std::string& sha256);

  // What registering a definition with this hash does: the latest version if it hashes the
  // same, otherwise a fresh number (reserved at once; `stored` it after the commit).
  Decision decide(const std::string& name, const std::string& sha256);

  // What deleting a name does: a fresh number for its deletion, or created = false when it has
  // no current version (never registered, or deleted already).
  Decision retire(const std::string& name);

  // The latest stored version of a name, 0 if none.
  std::int64_t latest(const std::string& name) const;

 private:
  struct Entry {
    std::int64_t latest = 0;
    std::string sha256;
    std::int64_t reserved = 0;  // highest number handed out
  };
  std::map<std::string, Entry> entries_;
};

}  // namespace settled
