#include "domain/schedules/schedule_expression.hpp"

#include <boost/algorithm/string/case_conv.hpp>
#include <boost/algorithm/string/split.hpp>
#include <boost/algorithm/string/trim.hpp>

#include <array>
#include <charconv>
#include <chrono>
#include <vector>

namespace settled::schedules {

namespace {

using namespace std::chrono;

constexpr std::array<const char*, 12> kMonthNames = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                                     "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr std::array<const char*, 7> kDayNames = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};
constexpr int kFirstYear = 1970, kLastYear = 2199;
// A rate is at least a minute (as EventBridge's) and at most ten years.
constexpr std::int64_t kMinuteMillis = 60'000;
constexpr std::int64_t kMaxRateMillis = 3650LL * 24 * 3600 * 1000;

Error invalid(const std::string& text, const std::string& why) {
  return Error{ErrorCode::kInvalidRequest, "schedule \"" + text + "\": " + why};
}

// One field's allowed values as flags over [0, max]; `first` is the lowest value it accepts and
// `names` (upper-case, index = first + i) may stand for numbers.
struct FieldSpec {
  const char* name;
  int first;
  int max;
  const char* const* names = nullptr;
  int name_count = 0;
  int name_base = 0;  // the number the first name stands for
};

std::optional<int> read_value(std::string_view token, const FieldSpec& spec) {
  if (spec.names) {
    const std::string upper = boost::algorithm::to_upper_copy(std::string(token));
    for (int i = 0; i < spec.name_count; ++i)
      if (upper == spec.names[i]) return spec.name_base + i;
  }
  int value = 0;
  const auto* end = token.data() + token.size();
  auto [ptr, ec] = std::from_chars(token.data(), end, value);
  if (ec != std::errc() || ptr != end || value < spec.first || value > spec.max)
    return std::nullopt;
  return value;
}

// "*", "?", "5", "1-5", "*/15", "10-50/10", "MON-FRI", lists of them with ",".
Result<std::vector<bool>> read_field(const std::string& text, std::string_view field,
                                     const FieldSpec& spec, bool question_allowed,
                                     bool& restricted) {
  std::vector<bool> allowed(static_cast<std::size_t>(spec.max) + 1, false);
  restricted = true;
  const auto bad = [&](const std::string& why) {
    return invalid(
        text, std::string("the ") + spec.name + " field \"" + std::string(field) + "\" " + why);
  };
  if (field == "?" && !question_allowed) return bad("cannot be \"?\"");
  if (field == "*" || field == "?") {
    restricted = false;
    for (int v = spec.first; v <= spec.max; ++v) allowed[static_cast<std::size_t>(v)] = true;
    return allowed;
  }
  std::vector<std::string> items;
  boost::algorithm::split(items, field, [](char c) { return c == ','; });
  for (const auto& item : items) {
    std::string_view range = item;
    int step = 1;
    const bool stepped = range.find('/') != std::string_view::npos;
    if (auto slash = range.find('/'); slash != std::string_view::npos) {
      const auto step_text = range.substr(slash + 1);
      const auto* end = step_text.data() + step_text.size();
      auto [ptr, ec] = std::from_chars(step_text.data(), end, step);
      if (ec != std::errc() || ptr != end || step < 1 || step > spec.max)
        return bad("has a step that is not a number from 1 to " + std::to_string(spec.max));
      range = range.substr(0, slash);
    }
    int low = spec.first, high = spec.max;
    if (range != "*") {
      const auto dash = range.find('-');
      auto from = read_value(range.substr(0, dash), spec);
      if (!from)
        return bad("must be \"*\", values from " + std::to_string(spec.first) + " to " +
                   std::to_string(spec.max) + (spec.names ? " or their names" : "") +
                   ", ranges a-b, steps /n, or lists of them");
      low = *from;
      high = stepped && dash == std::string_view::npos ? spec.max : *from;
      if (dash != std::string_view::npos) {
        auto to = read_value(range.substr(dash + 1), spec);
        if (!to || *to < low) return bad("has a range that does not go from low to high");
        high = *to;
      }
    }
    for (int v = low; v <= high; v += step) allowed[static_cast<std::size_t>(v)] = true;
  }
  return allowed;
}

// Flags [shift, shift + N) into `out` (Unix's 7 for Sunday is folded in by the caller).
template <std::size_t N>
void copy_flags(const std::vector<bool>& flags, std::bitset<N>& out, std::size_t shift = 0) {
  for (std::size_t i = shift; i < flags.size() && i - shift < N; ++i)
    if (flags[i]) out.set(i - shift);
}

Result<std::int64_t> read_rate(const std::string& text, std::string_view body) {
  const std::string trimmed = boost::algorithm::trim_copy(std::string(body));
  const auto space = trimmed.find(' ');
  if (space == std::string::npos) return invalid(text, "rate() takes \"<number> <unit>\"");
  std::int64_t count = 0;
  const char* end = trimmed.data() + space;
  auto [ptr, ec] = std::from_chars(trimmed.data(), end, count);
  if (ec != std::errc() || ptr != end || count < 1)
    return invalid(text, "rate() needs a positive whole number");
  const std::string unit = boost::algorithm::trim_copy(trimmed.substr(space + 1));
  std::int64_t unit_millis = 0;
  if (unit == "minute" || unit == "minutes") unit_millis = kMinuteMillis;
  if (unit == "hour" || unit == "hours") unit_millis = 60 * kMinuteMillis;
  if (unit == "day" || unit == "days") unit_millis = 24 * 60 * kMinuteMillis;
  if (unit_millis == 0) return invalid(text, "rate() units are minute(s), hour(s) or day(s)");
  // As EventBridge: "1 hour", "2 hours".
  if ((count == 1) == (unit.back() == 's'))
    return invalid(text, "rate() takes a singular unit for 1 and a plural one otherwise");
  if (count > kMaxRateMillis / unit_millis) return invalid(text, "rate() is longer than ten years");
  return count * unit_millis;
}

}  // namespace

Result<ScheduleExpression> ScheduleExpression::parse(std::string_view input) {
  ScheduleExpression out;
  out.text_ = boost::algorithm::trim_copy(std::string(input));
  const std::string& text = out.text_;
  if (text.empty() || text.size() > 256)
    return invalid(text.substr(0, 64), "must be 1 to 256 characters");
  const bool wrapped = text.size() > 6 && text.back() == ')';
  if (wrapped && text.rfind("rate(", 0) == 0) {
    auto rate = read_rate(text, std::string_view(text).substr(5, text.size() - 6));
    if (!rate) return rate.error();
    out.rate_millis_ = *rate;
    return out;
  }
  const bool eventbridge = wrapped && text.rfind("cron(", 0) == 0;
  const std::string body =
      eventbridge ? boost::algorithm::trim_copy(text.substr(5, text.size() - 6)) : text;
  std::vector<std::string> parts;
  boost::algorithm::split(
      parts, body, [](char c) { return c == ' ' || c == '\t'; },
      boost::algorithm::token_compress_on);
  if (parts.size() != (eventbridge ? 6u : 5u))
    return invalid(text, eventbridge ? "cron() has six fields: minutes hours day-of-month month "
                                       "day-of-week year"
                                     : "a cron line has five fields: minute hour day-of-month "
                                       "month day-of-week (or use cron(...) or rate(...))");
  Fields& f = out.fields_;
  bool restricted = false;
  const FieldSpec minute{"minutes", 0, 59}, hour{"hours", 0, 23};
  auto minutes = read_field(text, parts[0], minute, false, restricted);
  if (!minutes) return minutes.error();
  copy_flags(*minutes, f.minutes);
  auto hours = read_field(text, parts[1], hour, false, restricted);
  if (!hours) return hours.error();
  copy_flags(*hours, f.hours);
  f.any_hour = !restricted;
  if (parts[2] == "L") {
    f.last_day = true;
    f.days_restricted = true;
  } else {
    auto days = read_field(text, parts[2], {"day-of-month", 1, 31}, true, f.days_restricted);
    if (!days) return days.error();
    copy_flags(*days, f.days);
  }
  auto months =
      read_field(text, parts[3], {"month", 1, 12, kMonthNames.data(), 12, 1}, false, restricted);
  if (!months) return months.error();
  copy_flags(*months, f.months);
  // Unix: 0-7, Sunday is 0 and 7. EventBridge: 1-7, Sunday is 1.
  const FieldSpec weekday = eventbridge ? FieldSpec{"day-of-week", 1, 7, kDayNames.data(), 7, 1}
                                        : FieldSpec{"day-of-week", 0, 7, kDayNames.data(), 7, 0};
  auto weekdays = read_field(text, parts[4], weekday, true, f.weekdays_restricted);
  if (!weekdays) return weekdays.error();
  if (eventbridge) {
    copy_flags(*weekdays, f.weekdays, 1);
  } else {
    copy_flags(*weekdays, f.weekdays);
    if ((*weekdays)[7]) f.weekdays.set(0);
  }
  if (eventbridge) {
    if (f.days_restricted == f.weekdays_restricted || (parts[2] != "?" && parts[4] != "?"))
      return invalid(text, "cron() takes \"?\" in exactly one of day-of-month and day-of-week");
    auto years = read_field(text, parts[5], {"year", kFirstYear, kLastYear}, false, restricted);
    if (!years) return years.error();
    copy_flags(*years, f.years, kFirstYear);
  } else {
    for (int y = 0; y <= kLastYear - kFirstYear; ++y) f.years.set(static_cast<std::size_t>(y));
  }
  return out;
}

bool ScheduleExpression::day_matches(const date::year_month_day& ymd) const {
  const unsigned day = static_cast<unsigned>(ymd.day());
  const bool by_day =
      fields_.last_day
          ? ymd.day() ==
                date::year_month_day_last(ymd.year(), date::month_day_last(ymd.month())).day()
          : fields_.days.test(day);
  const bool by_weekday = fields_.weekdays.test(date::weekday(ymd).c_encoding());
  // Unix cron: when both are restricted, either one will do.
  if (fields_.days_restricted && fields_.weekdays_restricted) return by_day || by_weekday;
  return by_day && by_weekday;
}

std::optional<EpochMillis> ScheduleExpression::next_after(EpochMillis after,
                                                          const date::time_zone& zone,
                                                          EpochMillis anchor) const {
  if (!is_rate()) return next_cron(after, zone);
  if (after < anchor) return anchor;
  const std::int64_t periods = (after - anchor) / rate_millis_ + 1;
  return anchor + periods * rate_millis_;
}

std::optional<EpochMillis> ScheduleExpression::next_cron(EpochMillis after,
                                                         const date::time_zone& zone) const {
  const date::sys_time<milliseconds> after_time{milliseconds(after)};
  const auto local_start = date::floor<minutes>(zone.to_local(after_time)) + minutes(1);
  auto next = scan(local_start, after, zone);
  if (!fields_.any_hour) return next;
  // An hourly (or more frequent) schedule also fires in the repeated hour when the clocks go
  // back: wall times already passed in local terms come again, and a scan forward from the
  // local time of `after` would not see them.
  const auto period = zone.get_info(date::floor<seconds>(after_time));
  if (period.end - after_time > hours(24)) return next;
  const auto following = zone.get_info(period.end);
  if (following.offset >= period.offset) return next;
  const auto repeated_from = date::floor<minutes>(zone.to_local(period.end));
  auto in_repeat = scan(repeated_from, after, zone);
  if (in_repeat && (!next || *in_repeat < *next)) return in_repeat;
  return next;
}

std::optional<EpochMillis> ScheduleExpression::scan(date::local_time<minutes> local,
                                                    EpochMillis after,
                                                    const date::time_zone& zone) const {
  const date::sys_time<milliseconds> after_time{milliseconds(after)};
  const auto horizon = after_time + hours(24 * 3653);
  // Each step moves to the start of the next candidate minute, hour, day, month or year, so
  // even a yearly schedule is found in a few hundred steps.
  for (int steps = 0; steps < 1'000'000; ++steps) {
    const auto day_start = date::floor<date::days>(local);
    const date::year_month_day ymd{day_start};
    const int year = static_cast<int>(ymd.year());
    if (year > kLastYear || zone.to_sys(local, date::choose::latest) > horizon) return std::nullopt;
    const auto time = date::make_time(local - day_start);
    if (year < kFirstYear || !fields_.years.test(static_cast<std::size_t>(year - kFirstYear))) {
      local = date::local_days{date::year{year + 1} / 1 / 1};
      continue;
    }
    if (!fields_.months.test(static_cast<unsigned>(ymd.month()))) {
      local = date::local_days{(ymd.year() / ymd.month() / 1) + date::months(1)};
      continue;
    }
    if (!day_matches(ymd)) {
      local = day_start + date::days(1);
      continue;
    }
    if (!fields_.hours.test(static_cast<std::size_t>(time.hours().count()))) {
      local = date::floor<hours>(local) + hours(1);
      continue;
    }
    if (!fields_.minutes.test(static_cast<std::size_t>(time.minutes().count()))) {
      local += minutes(1);
      continue;
    }
    // A skipped wall time maps to the jump; a repeated one to its first occurrence, or to its
    // second for an hourly schedule when the first is already past.
    auto fire = zone.to_sys(local, date::choose::earliest);
    if (fire <= after_time && fields_.any_hour) fire = zone.to_sys(local, date::choose::latest);
    if (fire > after_time) return duration_cast<milliseconds>(fire.time_since_epoch()).count();
    local += minutes(1);
  }
  return std::nullopt;
}

}  // namespace settled::schedules
