#pragma once
// When a schedule fires (docs/schedules.md): a Unix cron line ("0 2 * * *"), EventBridge's
// six-field form ("cron(0 2 * * ? *)", day of week 1-7 = SUN-SAT, a year field), or a fixed
// period ("rate(15 minutes)"). Cron fields are read as wall-clock time in the schedule's time
// zone; a wall time the zone skips (clocks go forward) fires at the instant of the jump, and one
// it repeats (clocks go back) fires once, at its first occurrence, unless the hour field is "*",
// in which case both occurrences fire (as cronie does for hourly and more frequent jobs).
//
// Pure: the zone's rules are handed in (date::time_zone, already loaded by the caller).

#include "domain/result.hpp"
#include "domain/time.hpp"

#include <date/tz.h>

#include <bitset>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace settled::schedules {

class ScheduleExpression {
 public:
  // kInvalidRequest naming the field and what it accepts for anything else, including the parts
  // of EventBridge's syntax settled does not run (W, #, L in the day-of-week field).
  static Result<ScheduleExpression> parse(std::string_view text);

  // The first fire strictly after `after`, or nullopt if there is none in the next ten years
  // ("0 0 30 2 *" never fires). `anchor` is when the schedule was created: a rate() fires at
  // anchor + k * period; cron ignores it.
  std::optional<EpochMillis> next_after(EpochMillis after, const date::time_zone& zone,
                                        EpochMillis anchor) const;

  const std::string& text() const { return text_; }
  bool is_rate() const { return rate_millis_ > 0; }

 private:
  struct Fields {
    std::bitset<60> minutes;
    std::bitset<24> hours;
    std::bitset<32> days;     // 1..31
    std::bitset<13> months;   // 1..12
    std::bitset<7> weekdays;  // 0 = Sunday
    std::bitset<230> years;   // 1970..2199
    bool any_hour = false;
    bool last_day = false;  // "L" in the day-of-month field
    bool days_restricted = false;
    bool weekdays_restricted = false;
  };

  bool day_matches(const date::year_month_day& ymd) const;
  std::optional<EpochMillis> next_cron(EpochMillis after, const date::time_zone& zone) const;
  // The first matching wall time from `local` on that falls after `after`.
  std::optional<EpochMillis> scan(date::local_time<std::chrono::minutes> local, EpochMillis after,
                                  const date::time_zone& zone) const;

  std::string text_;
  std::int64_t rate_millis_ = 0;
  Fields fields_;
};

}  // namespace settled::schedules
