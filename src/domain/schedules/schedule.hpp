#pragma once
// A durable schedule (docs/schedules.md): a name, when it fires (schedule_expression.hpp) in
// which time zone, and the execution each fire starts. Each fire starts exactly one execution,
// named by the schedule and the fire time ("<name>-20261204T020000Z"), so a fire retried after a
// crash is a replay of the same start, never a second execution.
//
// Missed fires (the daemon was down when they fell due): at start, the latest missed fire runs
// once and the older ones are counted and logged, not run. A payroll or a reconciliation wants
// the latest state caught up once, not a burst of stale runs.
//
// Stored row (Table::kSchedules, key = name):
//   {"v":1,"name","cron","timezone","stateMachine","input","createdAt","updatedAt","lastFireAt"}
// times in epoch milliseconds; lastFireAt 0 before the first fire.

#include "domain/result.hpp"
#include "domain/schedules/schedule_expression.hpp"
#include "domain/time.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace settled::schedules {

struct Schedule {
  std::string name;
  std::string cron;  // the expression's text, as given
  std::string timezone = "UTC";
  std::string state_machine;
  boost::json::value input = boost::json::object{};
  EpochMillis created_at = 0;
  EpochMillis updated_at = 0;
  EpochMillis last_fire_at = 0;  // 0: never fired
};

// A schedule name: 1 to 60 of [A-Za-z0-9_-], so "<name>-<fire time>" is a valid execution name
// (80 characters at most, as Step Functions).
inline constexpr std::size_t kMaxScheduleNameLength = 60;
bool valid_schedule_name(std::string_view name);

// The body of PUT /v1/schedules/{name} (also a config file entry): {"cron", "timezone"
// (default "UTC"), "stateMachine", "input" (an object, default {})}; unknown fields refused.
// `zone_exists` says whether the tz database has a zone by that name. An existing schedule
// keeps its createdAt and lastFireAt (`previous`), so changing it does not re-run past fires.
Result<Schedule> schedule_from_request(std::string_view name, const boost::json::object& body,
                                       const std::function<bool(std::string_view)>& zone_exists,
                                       EpochMillis now, const Schedule* previous);

// Whether `a` and `b` fire the same way with the same input (cron, timezone, stateMachine,
// input; inputs compared by meaning): a config schedule equal to its stored row is left alone,
// so its missed fires and pending fire stay as they are.
bool same_definition(const Schedule& a, const Schedule& b);

// The execution name of the fire at `fire_at`: "<name>-YYYYMMDDTHHMMSSZ".
std::string fire_execution_name(const Schedule& schedule, EpochMillis fire_at);

// What to do about a schedule at `now`: the one missed fire to run at once (the latest that fell
// due after the last fire, or after creation, and after its last change: a change never re-runs
// fires before it), how many older ones were skipped, and the next fire after `now`.
struct FirePlan {
  std::optional<EpochMillis> catch_up;
  std::uint64_t skipped = 0;
  std::optional<EpochMillis> next;
};
FirePlan plan_fires(const Schedule& schedule, const ScheduleExpression& expression,
                    const date::time_zone& zone, EpochMillis now);

// The API's and the admin socket's view: the row's fields as RFC 3339, plus "nextFireAt".
boost::json::object describe(const Schedule& schedule, std::optional<EpochMillis> next_fire);

std::string encode(const Schedule& schedule);
// RecordCorrupt naming what is wrong; never throws.
Result<Schedule> decode_schedule(std::string_view text);

}  // namespace settled::schedules
