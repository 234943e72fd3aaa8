#include "adapters/store/state_machine_store.hpp"
#include "domain/json_limits.hpp"

#include <boost/json.hpp>

namespace settled::adapters {

namespace json = boost::json;

std::vector<StateMachineVersion> read_state_machine_versions(const LmdbStore& db,
                                                             const std::string& name,
                                                             std::vector<std::string>* problems,
                                                             bool include_deleted) {
  std::vector<StateMachineVersion> out;
  db.scan(
      Table::kStateMachines, name.empty() ? std::string() : state_machine_prefix(name),
      [&](std::string_view key, std::string_view value) {
        boost::system::error_code ec;
        auto parsed = parse_stored_json(value, ec);
        auto version =
            ec ? Result<StateMachineVersion>(ErrorCode::kInternal, "not JSON: " + ec.message())
               : StateMachineVersion::from_json(parsed);
        if (version) {
          out.push_back(std::move(*version));
        } else if (problems) {
          const auto zero = key.find('\0');
          problems->push_back(std::string(key.substr(0, zero)) + ": " + version.error().message);
        }
        return true;
      });
  return include_deleted ? out : current_versions(std::move(out));
}

std::optional<StateMachineVersion> read_state_machine_version(const LmdbStore& db,
                                                              const std::string& name,
                                                              std::int64_t version) {
  if (!valid_state_machine_name(name) || version <= 0) return std::nullopt;
  auto stored = db.get(Table::kStateMachines, state_machine_key(name, version));
  if (!stored) return std::nullopt;
  boost::system::error_code ec;
  auto parsed = parse_stored_json(*stored, ec);
  if (ec) return std::nullopt;
  auto v = StateMachineVersion::from_json(parsed);
  if (!v || v->deleted()) return std::nullopt;  // a deletion is not a version one can run
  return std::move(*v);
}

json::object version_summary(const StateMachineVersion& v) {
  json::object o = v.to_json();
  o.erase("definition");
  return o;
}

json::object list_state_machines(const LmdbStore& db) {
  json::array machines;
  const auto versions = read_state_machine_versions(db);
  // Key order is name, then version: the last of each run of a name is its latest.
  for (std::size_t i = 0; i < versions.size(); ++i) {
    const auto& v = versions[i];
    if (i + 1 < versions.size() && versions[i + 1].name == v.name) continue;
    machines.push_back(json::object{{"name", v.name},
                                    {"version", v.version},
                                    {"registeredAt", format_timestamp(v.registered_at)}});
  }
  return json::object{{"stateMachines", std::move(machines)}};
}

std::optional<json::object> describe_state_machine(const LmdbStore& db, const std::string& name) {
  if (!valid_state_machine_name(name)) return std::nullopt;
  const auto versions = read_state_machine_versions(db, name);
  if (versions.empty()) return std::nullopt;
  json::object out = versions.back().to_json();
  json::array list;
  for (const auto& v : versions) list.push_back(version_summary(v));
  out["versions"] = std::move(list);
  return out;
}

}  // namespace settled::adapters
