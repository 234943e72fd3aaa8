#include "adapters/config/rule_files.hpp"

#include "adapters/config/json_file.hpp"
#include "adapters/config/workflow_loader.hpp"
#include "adapters/store/state_machine_store.hpp"

namespace settled::adapters {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kSuffix = ".json";

Error refused(const std::string& path, const std::string& why) {
  return Error{ErrorCode::kInvalidRequest, "rule file " + path + ": " + why};
}

}  // namespace

Result<std::vector<events::EventRule>> load_rule_files(const std::string& directory) {
  std::error_code ec;
  if (!fs::is_directory(directory, ec))
    return Error{ErrorCode::kInvalidRequest, "rules directory " + directory + " does not exist"};
  const auto paths = files_ending_with(directory, kSuffix, ec);
  if (ec)
    return Error{ErrorCode::kInvalidRequest,
                 "cannot list rules directory " + directory + ": " + ec.message()};
  std::vector<events::EventRule> rules;
  for (const auto& path : paths) {
    auto body = read_json_file(path, kRuleFileMaxBytes, "rule file");
    if (!body) return refused(path.string(), body.error().message);
    std::string name = path.filename().string();
    name.resize(name.size() - kSuffix.size());
    auto rule = events::parse_event_rule(name, *body);
    if (!rule) return refused(path.string(), rule.error().message);
    rules.push_back(std::move(*rule));
  }
  if (auto names = events::check_rule_names(rules); !names.ok())
    return Error{ErrorCode::kInvalidRequest,
                 "rules directory " + directory + ": " + names.error().message};
  return rules;
}

Status check_rule_targets(const LmdbStore& db, const std::vector<events::EventRule>& rules,
                          const asl::RegistryPtr& workflows) {
  for (const auto& rule : rules) {
    if (rule.target != events::EventRule::Target::kStartExecution) continue;
    const bool known = (workflows && workflows->find(rule.state_machine)) ||
                       !read_state_machine_versions(db, rule.state_machine).empty();
    if (!known)
      return Error{ErrorCode::kInvalidRequest,
                   "rule " + rule.name + ": stateMachine \"" + rule.state_machine +
                       "\" is neither a workflow file nor a registered state machine"};
  }
  return ok_status();
}

}  // namespace settled::adapters
