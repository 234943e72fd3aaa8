#include "domain/state_machine_versions.hpp"

#include "domain/digest.hpp"
#include "domain/json_canonical.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <vector>

namespace settled {

namespace json = boost::json;

bool valid_state_machine_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxStateMachineNameLength) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
}

std::string state_machine_prefix(std::string_view name) {
  std::string key(name);
  key.push_back('\0');
  return key;
}

std::string state_machine_key(std::string_view name, std::int64_t version) {
  std::string key = state_machine_prefix(name);
  const auto v = static_cast<std::uint64_t>(version);
  for (int shift = 56; shift >= 0; shift -= 8)
    key.push_back(static_cast<char>((v >> shift) & 0xff));
  return key;
}

std::string canonical_json(const json::value& value) {
  return sorted_keys_text(value);
}

std::string definition_sha256(const json::value& definition) {
  return sha256_hex(canonical_json(definition));
}

json::object StateMachineVersion::to_json() const {
  return json::object{{"name", name},
                      {"version", version},
                      {"definition", definition},
                      {"sha256", sha256},
                      {"registeredAt", format_timestamp(registered_at)},
                      {"source", source}};
}

Result<StateMachineVersion> StateMachineVersion::from_json(const json::value& value) {
  const auto bad = [](const std::string& why) {
    return Error{ErrorCode::kInternal, "stored state machine version: " + why};
  };
  if (!value.is_object()) return bad("not a JSON object");
  const auto& o = value.as_object();
  StateMachineVersion v;
  const json::value* name = o.if_contains("name");
  const json::value* version = o.if_contains("version");
  const json::value* definition = o.if_contains("definition");
  const json::value* sha = o.if_contains("sha256");
  const json::value* at = o.if_contains("registeredAt");
  const json::value* source = o.if_contains("source");
  if (!name || !name->is_string()) return bad("name missing");
  if (!version || !version->is_int64()) return bad("version missing");
  if (!definition) return bad("definition missing");
  if (!sha || !sha->is_string()) return bad("sha256 missing");
  if (!at || !at->is_string()) return bad("registeredAt missing");
  auto when = parse_timestamp(at->as_string());
  if (!when) return bad("registeredAt is not a timestamp");
  v.name = std::string(name->as_string());
  v.version = version->as_int64();
  v.definition = *definition;
  v.sha256 = std::string(sha->as_string());
  v.registered_at = *when;
  v.source = source && source->is_string() ? std::string(source->as_string()) : "file";
  return v;
}

void VersionBook::stored(const std::string& name, std::int64_t version, const std::string& sha256) {
  auto& e = entries_[name];
  if (version >= e.latest) {
    e.latest = version;
    e.sha256 = sha256;
  }
  e.reserved = std::max(e.reserved, version);
}

VersionBook::Decision VersionBook::decide(const std::string& name, const std::string& sha256) {
  auto& e = entries_[name];
  if (e.latest > 0 && e.sha256 == sha256) return Decision{false, e.latest};
  e.reserved += 1;
  return Decision{true, e.reserved};
}

VersionBook::Decision VersionBook::retire(const std::string& name) {
  auto& e = entries_[name];
  // A deletion is stored with an empty hash, which no definition has.
  if (e.latest == 0 || e.sha256.empty()) return Decision{false, e.latest};
  e.reserved += 1;
  return Decision{true, e.reserved};
}

std::vector<StateMachineVersion> current_versions(std::vector<StateMachineVersion> versions) {
  std::vector<StateMachineVersion> out;
  std::string name;
  std::size_t run = 0;  // where `name`'s current versions begin in `out`
  for (auto& v : versions) {
    if (v.name != name) {
      name = v.name;
      run = out.size();
    }
    if (v.deleted()) {
      out.resize(run);  // everything of this name before its deletion
      continue;
    }
    out.push_back(std::move(v));
  }
  return out;
}

std::int64_t VersionBook::latest(const std::string& name) const {
  auto it = entries_.find(name);
  return it == entries_.end() ? 0 : it->second.latest;
}

}  // namespace settled
