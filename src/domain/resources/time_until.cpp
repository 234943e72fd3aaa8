#include "domain/resources/time_until.hpp"

#include "domain/time.hpp"

#include <boost/json.hpp>

#include <algorithm>

namespace settled {

namespace json = boost::json;

namespace {

constexpr std::int64_t kMaxWaitSeconds = 31536000;  // events.waitFor's timeoutSeconds limit
// A hundred years either way: beyond any date a workflow means.
constexpr std::int64_t kMaxOffsetSeconds = 3153600000;

TaskOutcome invalid(const std::string& message) {
  return TaskOutcome::failure(kTimeInvalidParameters, message);
}

}  // namespace

TaskOutcome run_time_until(const TaskAttempt& attempt) {
  if (!attempt.parameters.is_object()) return invalid("parameters must be an object");
  const auto& p = attempt.parameters.as_object();
  for (const auto& field : p)
    if (field.key() != "timestamp" && field.key() != "offsetSeconds")
      return invalid("unknown parameter " + std::string(field.key()) +
                     ": only timestamp and offsetSeconds");
  const json::value* text = p.if_contains("timestamp");
  if (!text || !text->is_string())
    return invalid("parameters.timestamp must be an RFC 3339 timestamp string");
  const auto base = parse_timestamp(text->as_string());
  if (!base)
    return invalid("parameters.timestamp is not RFC 3339: " +
                   std::string(text->as_string().subview(0, 64)));
  std::int64_t offset = 0;
  if (const json::value* o = p.if_contains("offsetSeconds")) {
    if (!o->is_int64() || o->as_int64() < -kMaxOffsetSeconds || o->as_int64() > kMaxOffsetSeconds)
      return invalid("parameters.offsetSeconds must be an integer of at most " +
                     std::to_string(kMaxOffsetSeconds) + " either way");
    offset = o->as_int64();
  }
  const EpochMillis at = *base + offset * 1000;
  if (at < *parse_timestamp("0000-01-01T00:00:00Z") ||
      at > *parse_timestamp("9999-12-31T23:59:59.999Z"))
    return invalid("timestamp + offsetSeconds falls outside the years 0000 to 9999");
  const EpochMillis remaining_ms = std::max<EpochMillis>(0, at - attempt.now);
  const std::int64_t seconds = (remaining_ms + 999) / 1000;  // a wait ends at or after `at`
  json::object result{{"at", format_timestamp(at)},
                      {"atMillis", at},
                      {"seconds", seconds},
                      {"due", seconds == 0},
                      {"waitSeconds", std::clamp<std::int64_t>(seconds, 1, kMaxWaitSeconds)}};
  return TaskOutcome::success(std::move(result));
}

}  // namespace settled
