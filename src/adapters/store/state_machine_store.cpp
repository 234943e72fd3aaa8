#include "adapters/store/state_machine_store.hpp"
#include "domain/json_limits.hpp"

#include <boost/json.hpp>

#include <string_view>

namespace settled::adapters {

namespace json = boost::json;

namespace {

// A stored version; without `with_definition` its definition is left null (a listing needs the
// rest only, and need not copy a definition of up to a megabyte).
Result<StateMachineVersion> decode_version(std::string_view value, bool with_definition = true) {
  boost::system::error_code ec;
  auto parsed = parse_stored_json(value, ec);
  if (ec) return Error{ErrorCode::kInternal, "not JSON: " + ec.message()};
  if (!with_definition && parsed.is_object())
    if (json::value* definition = parsed.as_object().if_contains("definition"))
      *definition = nullptr;
  return StateMachineVersion::from_json(parsed);
}

}  // namespace

std::vector<StateMachineVersion> read_state_machine_versions(const LmdbStore& db,
                                                             const std::string& name,
                                                             std::vector<std::string>* problems,
                                                             bool include_deleted) {
  std::vector<StateMachineVersion> out;
  db.scan(
      Table::kStateMachines, name.empty() ? std::string() : state_machine_prefix(name),
      [&](std::string_view key, std::string_view value) {
        auto version = decode_version(value);
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

StateMachinePage page_state_machines(const LmdbStore& db, std::size_t limit,
                                     const std::string& starting_after) {
  StateMachinePage page;
  // Key order is name, then version: the last decodable version of a name's run is its latest,
  // listed when the next name begins (unless it is a deletion: the name has no current version),
  // and its first since a deletion is when the run began.
  std::optional<StateMachineListing> latest;
  bool deleted = false;
  const auto list_latest = [&] {
    if (!latest || deleted) return true;
    if (page.machines.size() == limit) {
      page.has_more = true;
      return false;
    }
    page.machines.push_back(std::move(*latest));
    return true;
  };
  // A key is name + '\0' + version and a name has no byte below '-': every key of the name
  // `starting_after` sorts before name + '\1', every key of a later name after it.
  const std::string after = starting_after.empty() ? std::string() : starting_after + '\1';
  db.scan(
      Table::kStateMachines, {},
      [&](std::string_view, std::string_view value) {
        ++page.rows_read;
        auto version = decode_version(value, false);
        if (!version) return true;  // as read_state_machine_versions: skipped
        const bool same_name = latest && latest->name == version->name;
        if (latest && !same_name && !list_latest()) return false;
        if (!same_name || deleted)
          latest = StateMachineListing{version->name, 0, 0, version->registered_at};
        latest->version = version->version;
        latest->registered_at = version->registered_at;
        deleted = version->deleted();
        return true;
      },
      after);
  if (!page.has_more) list_latest();
  return page;
}

json::object list_state_machines(const LmdbStore& db, std::size_t limit,
                                 const std::string& starting_after) {
  auto page = page_state_machines(db, limit, starting_after);
  json::array machines;
  for (const auto& m : page.machines)
    machines.push_back(json::object{{"name", m.name},
                                    {"version", m.version},
                                    {"registeredAt", format_timestamp(m.registered_at)}});
  return json::object{{"stateMachines", std::move(machines)}, {"has_more", page.has_more}};
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
