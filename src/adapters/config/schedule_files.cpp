#include "adapters/config/schedule_files.hpp"

#include "adapters/config/json_file.hpp"
#include "adapters/config/time_zones.hpp"
#include "adapters/config/workflow_loader.hpp"
#include "adapters/store/state_machine_store.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <filesystem>
#include <optional>

namespace settled::adapters {

namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

constexpr std::string_view kSuffix = ".json";

Error refused(const std::string& path, const std::string& why) {
  return Error{ErrorCode::kInvalidRequest, "schedule file " + path + ": " + why};
}

bool zone_exists(std::string_view zone) {
  return find_time_zone(zone) != nullptr;
}

Result<ScheduleFile> read_schedule_file(const fs::path& path) {
  auto parsed = read_json_file(path, kScheduleFileMaxBytes, "schedule file");
  if (!parsed) return refused(path.string(), parsed.error().message);
  if (!parsed->is_object())
    return refused(path.string(),
                   "not a JSON object: a schedule file holds {\"cron\", \"timezone\", "
                   "\"stateMachine\", \"input\"}");
  ScheduleFile file;
  file.path = path.string();
  file.name = path.filename().string();
  file.name.resize(file.name.size() - kSuffix.size());
  file.body = std::move(parsed->as_object());
  // Checked as a PUT is; the times are set when it is applied.
  auto valid = schedules::schedule_from_request(file.name, file.body, zone_exists, 0, nullptr);
  if (!valid) return refused(file.path, valid.error().message);
  return file;
}

}  // namespace

Result<std::vector<ScheduleFile>> load_schedule_files(const std::string& directory) {
  std::error_code ec;
  if (!fs::is_directory(directory, ec))
    return Error{ErrorCode::kInvalidRequest,
                 "schedules directory " + directory + " does not exist"};
  const auto paths = files_ending_with(directory, kSuffix, ec);
  if (ec)
    return Error{ErrorCode::kInvalidRequest,
                 "cannot list schedules directory " + directory + ": " + ec.message()};
  std::vector<ScheduleFile> files;
  for (const auto& path : paths) {
    auto file = read_schedule_file(path);
    if (!file) return file.error();
    files.push_back(std::move(*file));
  }
  return files;
}

Status check_config_schedules(const LmdbStore& db, const std::vector<ScheduleFile>& files,
                              const asl::RegistryPtr& workflows) {
  for (const auto& file : files) {
    const std::string machine(file.body.at("stateMachine").as_string());
    const bool known = (workflows && workflows->find(machine)) ||
                       !read_state_machine_versions(db, machine).empty();
    if (!known)
      return refused(file.path, "stateMachine \"" + machine +
                                    "\" is neither a workflow file nor a registered state machine");
  }
  return ok_status();
}

Result<std::vector<AppliedSchedule>> apply_config_schedules(LmdbStore& db,
                                                            const std::vector<ScheduleFile>& files,
                                                            EpochMillis now) {
  WriteBatch batch;
  std::vector<AppliedSchedule> applied;
  for (const auto& file : files) {
    std::optional<schedules::Schedule> stored;
    if (auto row = db.get(Table::kSchedules, file.name)) {
      // An unreadable row is replaced: the file says what the schedule is.
      if (auto decoded = schedules::decode_schedule(*row)) stored = std::move(*decoded);
    }
    auto schedule = schedules::schedule_from_request(file.name, file.body, zone_exists, now,
                                                     stored ? &*stored : nullptr);
    if (!schedule) return refused(file.path, schedule.error().message);
    if (stored && schedules::same_definition(*stored, *schedule)) {
      applied.push_back({file.name, "unchanged"});
      continue;
    }
    batch.put(Table::kSchedules, file.name, schedules::encode(*schedule));
    applied.push_back({file.name, stored ? "changed" : "created"});
  }
  if (!batch.empty()) {
    if (auto written = db.commit({&batch}); !written) return written.error();
  }
  return applied;
}

}  // namespace settled::adapters
