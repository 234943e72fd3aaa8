#include "domain/schedules/schedule.hpp"

#include "domain/asl/interpreter.hpp"
#include "domain/json_canonical.hpp"
#include "domain/json_size.hpp"
#include "domain/records/row_json.hpp"
#include "domain/utf8.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>

namespace settled::schedules {

namespace json = boost::json;

namespace {

constexpr std::int64_t kVersion = 1;
// Counting skipped fires stops here: a minutely schedule down for a year is "many", not a scan.
constexpr std::uint64_t kMaxCountedSkips = 100'000;

Error invalid(std::string message) {
  return Error{ErrorCode::kInvalidRequest, std::move(message)};
}

const json::value* field(const json::object& object, const char* name) {
  return object.if_contains(name);
}

}  // namespace

bool valid_schedule_name(std::string_view name) {
  return !name.empty() && name.size() <= kMaxScheduleNameLength &&
         std::all_of(name.begin(), name.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
         });
}

Result<Schedule> schedule_from_request(std::string_view name, const json::object& body,
                                       const std::function<bool(std::string_view)>& zone_exists,
                                       EpochMillis now, const Schedule* previous) {
  if (!valid_schedule_name(name))
    return invalid("a schedule name is 1 to 60 letters, digits, '-' or '_'");
  for (const auto& entry : body) {
    const auto key = entry.key();
    if (key != "cron" && key != "timezone" && key != "stateMachine" && key != "input")
      return invalid("unknown field \"" + cut_for_display(key) +
                     "\"; a schedule takes cron, timezone, stateMachine and input");
  }
  Schedule schedule;
  schedule.name = std::string(name);
  const json::value* cron = field(body, "cron");
  if (!cron || !cron->is_string())
    return invalid("cron is required: a cron line, cron() or rate()");
  auto expression = ScheduleExpression::parse(cron->as_string());
  if (!expression) return expression.error();
  schedule.cron = expression->text();
  if (const json::value* zone = field(body, "timezone")) {
    if (!zone->is_string() || zone->as_string().empty() || zone->as_string().size() > 64 ||
        !zone_exists(zone->as_string()))
      return invalid(
          "timezone must be a time zone of the tz database, such as \"UTC\" or "
          "\"Europe/Berlin\"");
    schedule.timezone = std::string(zone->as_string());
  }
  const json::value* machine = field(body, "stateMachine");
  if (!machine || !machine->is_string() || machine->as_string().empty() ||
      machine->as_string().size() > 80)
    return invalid("stateMachine is required: the name of a registered state machine");
  schedule.state_machine = std::string(machine->as_string());
  if (const json::value* input = field(body, "input")) {
    if (!input->is_object()) return invalid("input must be a JSON object");
    if (serialized_size(*input, asl::kPayloadLimitBytes) > asl::kPayloadLimitBytes)
      return invalid("input is larger than " + std::to_string(asl::kPayloadLimitBytes) + " bytes");
    schedule.input = *input;
  }
  schedule.created_at = previous ? previous->created_at : now;
  schedule.last_fire_at = previous ? previous->last_fire_at : 0;
  schedule.updated_at = now;
  return schedule;
}

bool same_definition(const Schedule& a, const Schedule& b) {
  return a.cron == b.cron && a.timezone == b.timezone && a.state_machine == b.state_machine &&
         canonical_equal(a.input, b.input);
}

std::string fire_execution_name(const Schedule& schedule, EpochMillis fire_at) {
  // "2026-12-04T02:00:00.000Z" -> "20261204T020000Z": only characters an execution name takes.
  std::string compact;
  for (char c : format_timestamp(fire_at).substr(0, 19))
    if (c != '-' && c != ':') compact += c;
  return schedule.name + "-" + compact + "Z";
}

FirePlan plan_fires(const Schedule& schedule, const ScheduleExpression& expression,
                    const date::time_zone& zone, EpochMillis now) {
  FirePlan plan;
  const auto next = [&](EpochMillis after) {
    return expression.next_after(after, zone, schedule.created_at);
  };
  // Fires strictly after the last one (or from creation on, a fire at creation included), and
  // strictly after the last change: a changed schedule fires from the change on, as a PUT arms it.
  EpochMillis after = schedule.last_fire_at ? schedule.last_fire_at : schedule.created_at - 1;
  if (schedule.updated_at > schedule.created_at) after = std::max(after, schedule.updated_at);
  for (auto fire = next(after); fire && *fire <= now; fire = next(*fire)) {
    if (plan.catch_up) ++plan.skipped;
    plan.catch_up = fire;
    if (plan.skipped < kMaxCountedSkips) continue;
    // Too many to count one by one: find the latest due fire in the smallest window before
    // `now` that holds one, and say "at least" this many were skipped.
    for (EpochMillis window :
         {60'000LL, 3'600'000LL, 86'400'000LL, 32 * 86'400'000LL, 366 * 86'400'000LL}) {
      auto latest = next(now - window);
      if (!latest || *latest > now) continue;
      for (auto later = next(*latest); later && *later <= now; later = next(*later)) latest = later;
      plan.catch_up = latest;
      break;
    }
    break;
  }
  plan.next = next(now);
  return plan;
}

json::object describe(const Schedule& schedule, std::optional<EpochMillis> next_fire) {
  json::object out{{"name", schedule.name},
                   {"cron", schedule.cron},
                   {"timezone", schedule.timezone},
                   {"stateMachine", schedule.state_machine},
                   {"input", schedule.input},
                   {"createdAt", format_timestamp(schedule.created_at)},
                   {"updatedAt", format_timestamp(schedule.updated_at)}};
  out["lastFireAt"] =
      schedule.last_fire_at ? json::value(format_timestamp(schedule.last_fire_at)) : nullptr;
  out["nextFireAt"] = next_fire ? json::value(format_timestamp(*next_fire)) : nullptr;
  return out;
}

std::string encode(const Schedule& schedule) {
  return json::serialize(json::object{{"v", kVersion},
                                      {"name", schedule.name},
                                      {"cron", schedule.cron},
                                      {"timezone", schedule.timezone},
                                      {"stateMachine", schedule.state_machine},
                                      {"input", schedule.input},
                                      {"createdAt", schedule.created_at},
                                      {"updatedAt", schedule.updated_at},
                                      {"lastFireAt", schedule.last_fire_at}});
}

Result<Schedule> decode_schedule(std::string_view text) {
  constexpr std::string_view kRow = "schedule row";
  auto stored = records::read_row_object(text, kRow, kVersion);
  if (!stored) return stored.error();
  const json::object& row = *stored;
  Schedule schedule;
  for (auto [name, target] : {std::pair{"name", &schedule.name}, std::pair{"cron", &schedule.cron},
                              std::pair{"timezone", &schedule.timezone},
                              std::pair{"stateMachine", &schedule.state_machine}}) {
    const json::value* value = field(row, name);
    if (!value || !value->is_string())
      return records::corrupt_row(kRow, std::string(name) + " is missing or not a string");
    *target = std::string(value->as_string());
  }
  for (auto [name, target] :
       {std::pair{"createdAt", &schedule.created_at}, std::pair{"updatedAt", &schedule.updated_at},
        std::pair{"lastFireAt", &schedule.last_fire_at}}) {
    const json::value* value = field(row, name);
    if (!value || !value->is_int64())
      return records::corrupt_row(kRow, std::string(name) + " is missing or not an integer");
    *target = value->as_int64();
  }
  const json::value* input = field(row, "input");
  if (!input || !input->is_object())
    return records::corrupt_row(kRow, "input is missing or not an object");
  schedule.input = *input;
  return schedule;
}

}  // namespace settled::schedules
