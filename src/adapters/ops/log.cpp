#include "adapters/ops/log.hpp"

#include "domain/utf8.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <boost/json.hpp>

namespace settled::adapters {

namespace {

spdlog::level::level_enum to_spdlog(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return spdlog::level::debug;
    case LogLevel::kInfo:
      return spdlog::level::info;
    case LogLevel::kWarn:
      return spdlog::level::warn;
    case LogLevel::kError:
      return spdlog::level::err;
  }
  return spdlog::level::info;
}

std::shared_ptr<spdlog::logger> logger() {
  static std::shared_ptr<spdlog::logger> instance = [] {
    auto l = spdlog::stderr_logger_mt("settled");
    // The message is already a complete JSON object; spdlog adds time and level in front.
    l->set_pattern(R"({"ts":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l",%v})",
                   spdlog::pattern_time_type::utc);
    return l;
  }();
  return instance;
}

}  // namespace

void init_logging(LogLevel level) {
  logger()->set_level(to_spdlog(level));
}

void set_log_level(LogLevel level) {
  logger()->set_level(to_spdlog(level));
}

LogLevel log_level() {
  switch (logger()->level()) {
    case spdlog::level::trace:
    case spdlog::level::debug:
      return LogLevel::kDebug;
    case spdlog::level::info:
      return LogLevel::kInfo;
    case spdlog::level::warn:
      return LogLevel::kWarn;
    default:
      return LogLevel::kError;
  }
}

const char* log_level_name(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

bool parse_log_level(std::string_view text, LogLevel& level) {
  if (text == "debug")
    level = LogLevel::kDebug;
  else if (text == "info")
    level = LogLevel::kInfo;
  else if (text == "warn" || text == "warning")
    level = LogLevel::kWarn;
  else if (text == "error")
    level = LogLevel::kError;
  else
    return false;
  return true;
}

void log(LogLevel level, std::string_view event, boost::json::object fields) {
  auto l = logger();
  const auto lvl = to_spdlog(level);
  if (!l->should_log(lvl)) return;
  std::string body = "\"event\":" + boost::json::serialize(boost::json::string(event));
  for (const auto& [key, value] : fields) {
    body += ",";
    body += boost::json::serialize(boost::json::string(key));
    body += ":";
    body += boost::json::serialize(value);
  }
  // A field may quote request bytes (a header); a log line stays JSON text for its readers.
  l->log(lvl, "{}", valid_utf8_or_replaced(body));
}

}  // namespace settled::adapters
