#include "adapters/config/json_file.hpp"

#include "domain/json_limits.hpp"

#include <fstream>
#include <sstream>

namespace settled::adapters {

Result<boost::json::value> read_json_file(const std::filesystem::path& path, std::size_t max_bytes,
                                          const std::string& what) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return Error{ErrorCode::kInvalidRequest, "cannot read it: " + ec.message()};
  if (size > max_bytes)
    return Error{ErrorCode::kInvalidRequest, "larger than " + std::to_string(max_bytes) + " bytes"};
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) return Error{ErrorCode::kInvalidRequest, "cannot read it"};
  auto parsed = parse_request_json(text.str(), what);
  if (!parsed) return Error{ErrorCode::kInvalidRequest, parsed.error().message};
  return parsed;
}

}  // namespace settled::adapters
