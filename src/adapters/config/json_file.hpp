#pragma once
// One small JSON file of the operator's configuration (schedules-dir, rules-dir), read as a
// request body is: at most `max_bytes`, the request JSON limits (depth, no key twice).

#include "domain/result.hpp"

#include <boost/json/value.hpp>

#include <cstddef>
#include <filesystem>
#include <string>

namespace settled::adapters {

// The file's JSON, or kInvalidRequest saying why not (without naming the file: callers do).
Result<boost::json::value> read_json_file(const std::filesystem::path& path, std::size_t max_bytes,
                                          const std::string& what);

}  // namespace settled::adapters
