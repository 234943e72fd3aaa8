#pragma once
// Reads the file of the daemon's mock-config option (Step Functions Local's MockConfigFile
// format; see domain/asl/mock_config.hpp) once at start.

#include "domain/asl/mock_config.hpp"
#include "domain/result.hpp"

#include <memory>
#include <string>

namespace settled::adapters {

// Larger than any hand-written test file, small enough that a wrong path (a log, a database)
// is refused instead of read.
inline constexpr std::size_t kMockConfigMaxBytes = std::size_t{64} << 20;

// The parsed file, or kInvalidRequest naming the file and the problem (unreadable, too large,
// not JSON, or the field that breaks the format).
Result<std::shared_ptr<const asl::MockConfig>> load_mock_config(const std::string& path);

}  // namespace settled::adapters
