#pragma once
// Key layouts shared by writers (domain, actors) and readers (HTTP handlers, tools).

#include <cstdint>
#include <string>
#include <string_view>

namespace settled {

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

inline std::string record_key(std::string_view collection, std::string_view key) {
  std::string k(collection);
  k.push_back('\0');
  k.append(key);
  return k;
}

}  // namespace settled
