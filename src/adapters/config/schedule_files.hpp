#pragma once
// Schedules declared in the daemon's configuration (docs/schedules.md, "Schedules in the
// configuration"): the directory of the schedules-dir option holds one NAME.json per schedule,
// whose content is the body of PUT /v1/schedules/NAME ({"cron", "timezone", "stateMachine",
// "input"}). They are read once at start and applied to the schedules table before the schedules
// actor reads it (apply_config_schedules): a new one is created, a changed one replaces the
// stored one (keeping createdAt and lastFireAt, so fires already made are not made again), and
// one equal to its stored row is left alone.

#include "adapters/store/lmdb_store.hpp"
#include "domain/asl/registry.hpp"
#include "domain/result.hpp"
#include "domain/schedules/schedule.hpp"
#include "domain/time.hpp"

#include <boost/json/object.hpp>

#include <memory>
#include <string>
#include <vector>

namespace settled::adapters {

// A schedule file is a small JSON object; a larger file is refused rather than read.
inline constexpr std::size_t kScheduleFileMaxBytes = 512 * 1024;

struct ScheduleFile {
  std::string path;
  std::string name;          // the file's name without ".json"
  boost::json::object body;  // as a PUT body
};

// Every NAME.json in `directory` (other files are ignored), by name. Each must be a valid PUT
// body for a valid schedule name, with a time zone the tz database has; the first broken one
// refuses the whole load with kInvalidRequest naming the file and the problem, so a daemon never
// starts with half its schedules. A directory that does not exist is refused too.
Result<std::vector<ScheduleFile>> load_schedule_files(const std::string& directory);

// What applying one file did.
struct AppliedSchedule {
  std::string name;
  std::string outcome;  // "created", "changed" or "unchanged"
};

// Refused (kInvalidRequest naming the file) when a file's stateMachine is neither a workflow of
// `workflows` nor a state machine stored in `db`. At start, with the refusals of the load.
Status check_config_schedules(const LmdbStore& db, const std::vector<ScheduleFile>& files,
                              const asl::RegistryPtr& workflows);

// Writes, in one commit straight to `db` (called before the store actor exists), each schedule
// that is new or differs from its stored row (schedules::same_definition), as a PUT at `now`
// would; one equal to its row is not written, so its missed fires are caught up as usual.
Result<std::vector<AppliedSchedule>> apply_config_schedules(LmdbStore& db,
                                                            const std::vector<ScheduleFile>& files,
                                                            EpochMillis now);

}  // namespace settled::adapters
