#pragma once
// Key layouts shared by writers (domain, actors) and readers (HTTP handlers, tools).

#include <cstdint>
#include <string>
#include <string_view>

namespace settled {

// Keys that sort by a number hold it as 8 big-endian bytes (LMDB compares keys bytewise).
inline void append_big_endian_u64(std::string& key, std::uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8)
    key.push_back(static_cast<char>((value >> shift) & 0xff));
}

// The number in the first 8 bytes of `bytes` (the caller checks there are 8).
inline std::uint64_t read_big_endian_u64(std::string_view bytes) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < 8; ++i) value = (value << 8) | static_cast<unsigned char>(bytes[i]);
  return value;
}

// execution id + '\0' + big-endian u32 event id: history scans in order with a prefix.
inline std::string history_key(std::string_view execution_id, std::int64_t event_id) {
  std::string key(execution_id);
  key.push_back('\0');
  const auto id = static_cast<std::uint32_t>(event_id);
  for (int shift = 24; shift >= 0; shift -= 8)
    key.push_back(static_cast<char>((id >> shift) & 0xff));
  return key;
}

inline std::string history_prefix(std::string_view execution_id) {
  std::string key(execution_id);
  key.push_back('\0');
  return key;
}

// Quarantined executions, in Table::kMeta: "quarantine/" + execution id -> {reason, cause, at}.
// Meta key present once runnable_executions indexes every open execution that runs.
inline constexpr std::string_view kRunnableIndexKey = "runnable_index";
inline constexpr std::string_view kQuarantinePrefix = "quarantine/";
inline std::string quarantine_key(std::string_view execution_id) {
  return std::string(kQuarantinePrefix).append(execution_id);
}

// The simulated clock's time (docs/clock.md), in Table::kMeta: decimal epoch milliseconds.
// Written before each step of an advance, so a restart resumes there and never goes back.
inline constexpr std::string_view kSimulatedClockKey = "clock/simulated";

// The secret child execution names are derived with (ChildNameSalt), in Table::kMeta:
// "<since, decimal epoch ms> <64 hex digits>". Made once per data directory, never changed.
inline constexpr std::string_view kChildNameSaltKey = "child-name-salt";

inline std::string record_key(std::string_view collection, std::string_view key) {
  std::string k(collection);
  k.push_back('\0');
  k.append(key);
  return k;
}

// Durable timers, ordered by due time so the timer actor reads only the next ones:
// big-endian u64 due (epoch ms) + kind + execution id.
namespace timer_kind {
inline constexpr char kWake = 'w';     // a Wait state, a retry backoff, a callback's deadline
inline constexpr char kTimeout = 'x';  // the execution's TimeoutSeconds
}  // namespace timer_kind

inline std::string timer_key(std::int64_t due, char kind, std::string_view execution_id) {
  std::string key;
  append_big_endian_u64(key, static_cast<std::uint64_t>(due < 0 ? 0 : due));
  key.push_back(kind);
  key.append(execution_id);
  return key;
}

// big-endian u64 stop (epoch ms) + execution id: the closed executions, oldest first.
inline std::string closed_key(std::int64_t stop, std::string_view execution_id) {
  std::string key;
  append_big_endian_u64(key, static_cast<std::uint64_t>(stop < 0 ? 0 : stop));
  key.append(execution_id);
  return key;
}

struct ClosedKey {
  std::int64_t stop = 0;
  std::string execution_id;
};

inline bool parse_closed_key(std::string_view key, ClosedKey& out) {
  if (key.size() < 9) return false;
  out.stop = static_cast<std::int64_t>(read_big_endian_u64(key));
  out.execution_id = std::string(key.substr(8));
  return true;
}

// Table::kExecutionsByStart: state machine + '\0' + big-endian u64 (UINT64_MAX - start ms) +
// execution name. A state machine's top-level executions scan newest first (by start; the same
// millisecond by name). Meta kStartedIndexKey is present once every execution is indexed.
inline constexpr std::string_view kStartedIndexKey = "started_index";

inline std::string started_prefix(std::string_view state_machine) {
  std::string key(state_machine);
  key.push_back('\0');
  return key;
}

inline std::string started_key(std::string_view state_machine, std::int64_t start,
                               std::string_view name) {
  std::string key = started_prefix(state_machine);
  append_big_endian_u64(key, ~static_cast<std::uint64_t>(start < 0 ? 0 : start));
  key.append(name);
  return key;
}

struct StartedKey {
  std::int64_t start = 0;
  std::string name;
};

// The start and name of a key of `state_machine`'s (false for another's or a malformed key).
inline bool parse_started_key(std::string_view key, std::string_view state_machine,
                              StartedKey& out) {
  const std::string prefix = started_prefix(state_machine);
  if (key.size() < prefix.size() + 9 || key.substr(0, prefix.size()) != prefix) return false;
  const std::uint64_t u = ~read_big_endian_u64(key.substr(prefix.size()));
  if (u > static_cast<std::uint64_t>(INT64_MAX)) return false;
  out.start = static_cast<std::int64_t>(u);
  out.name = std::string(key.substr(prefix.size() + 8));
  return true;
}

struct TimerKey {
  std::int64_t due = 0;
  char kind = 0;
  std::string execution_id;
};

inline bool parse_timer_key(std::string_view key, TimerKey& out) {
  if (key.size() < 10) return false;
  out.due = static_cast<std::int64_t>(read_big_endian_u64(key));
  out.kind = key[8];
  out.execution_id = std::string(key.substr(9));
  return true;
}

}  // namespace settled
