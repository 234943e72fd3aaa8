#include "adapters/config/workflow_loader.hpp"

#include "domain/asl/parser.hpp"
#include "domain/resources/aws_resources.hpp"
#include "domain/resources/builtin.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace settled::adapters {

namespace fs = std::filesystem;

asl::ParseOptions builtin_parse_options(std::shared_ptr<const aws::ResourceMap> aws) {
  asl::ParseOptions options;
  options.known_resource = [aws = std::move(aws)](const std::string& resource) {
    if (aws && aws::is_aws_resource(resource)) return aws::known_aws_resource(*aws, resource);
    return find_resource(resource).has_value();
  };
  return options;
}

std::vector<fs::path> files_ending_with(const std::string& directory, std::string_view suffix,
                                        std::error_code& ec) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(directory, ec)) {
    const std::string file = entry.path().filename().string();
    if (file.size() > suffix.size() &&
        file.compare(file.size() - suffix.size(), suffix.size(), suffix) == 0)
      files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

Result<asl::RegistryPtr> load_workflows(const std::string& directory,
                                        std::shared_ptr<const aws::ResourceMap> aws) {
  std::error_code ec;
  if (!fs::is_directory(directory, ec))
    return Error{ErrorCode::kInvalidDefinition,
                 "workflow directory " + directory + " does not exist"};
  const std::vector<fs::path> files = files_ending_with(directory, ".asl.json", ec);
  auto registry = std::make_shared<asl::Registry>();
  const auto options = builtin_parse_options(std::move(aws));
  for (const auto& path : files) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) return Error{ErrorCode::kInvalidDefinition, "cannot read " + path.string()};
    std::string name = path.filename().string();
    name.resize(name.size() - std::string(".asl.json").size());
    auto machine = asl::parse_state_machine_text(text.str(), name, options);
    if (!machine)
      return Error{ErrorCode::kInvalidDefinition, path.string() + ": " + machine.error().message};
    registry->add(std::make_shared<const asl::StateMachine>(std::move(*machine)));
  }
  return asl::RegistryPtr(std::move(registry));
}

}  // namespace settled::adapters
