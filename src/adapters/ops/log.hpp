#pragma once
// Structured logs: one JSON object per line through spdlog, with executionId / paymentId fields
// wherever they apply.

#include <boost/json/object.hpp>

#include <string_view>

namespace settled::adapters {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

// Sets up the process-wide JSON-lines logger on stderr.
void init_logging(LogLevel level);
void set_log_level(LogLevel level);
LogLevel log_level();
bool parse_log_level(std::string_view text, LogLevel& level);
const char* log_level_name(LogLevel level);  // "debug", "info", "warn", "error"

// {"ts":..., "level":..., "event": event, ...fields}
void log(LogLevel level, std::string_view event, boost::json::object fields = {});

}  // namespace settled::adapters
