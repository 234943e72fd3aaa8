#include "adapters/config/mock_config_file.hpp"

#include "domain/json_limits.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace settled::adapters {

Result<std::shared_ptr<const asl::MockConfig>> load_mock_config(const std::string& path) {
  const auto refuse = [&path](const std::string& why) {
    return Error{ErrorCode::kInvalidRequest, "mock-config " + path + ": " + why};
  };
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return refuse("cannot read it (" + ec.message() + ")");
  if (size > kMockConfigMaxBytes)
    return refuse("larger than " + std::to_string(kMockConfigMaxBytes >> 20) + " MiB");
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) return refuse("cannot read it");
  auto document = parse_request_json(text.str(), "the file");
  if (!document) return refuse(document.error().message);
  auto config = asl::MockConfig::parse(*document);
  if (!config) return refuse(config.error().message);
  return std::make_shared<const asl::MockConfig>(std::move(*config));
}

}  // namespace settled::adapters
