#pragma once
// Loads config/workflows/NAME.asl.json files: each registers the state machine NAME.

#include "domain/asl/parser.hpp"
#include "domain/asl/registry.hpp"
#include "domain/resources/aws_resource_map.hpp"
#include "domain/result.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace settled::adapters {

// Every file must parse and validate; the first broken one refuses the whole load with the
// file name and the validator's message, so a daemon never starts half-configured.
// With `aws`, a definition may also name the AWS resources it maps (docs/aws-resources.md).
Result<asl::RegistryPtr> load_workflows(const std::string& directory,
                                        std::shared_ptr<const aws::ResourceMap> aws = nullptr);

// The files of `directory` whose names end with `suffix` (and are longer than it), sorted; `ec`
// set if the directory cannot be listed. The workflows and the schedule files are read this way.
std::vector<std::filesystem::path> files_ending_with(const std::string& directory,
                                                     std::string_view suffix, std::error_code& ec);

// The ASL parse options of this build: the built-in resources are known, and with `aws` the
// AWS resource ARNs it maps or translates (domain/resources/aws_resources.hpp).
asl::ParseOptions builtin_parse_options(std::shared_ptr<const aws::ResourceMap> aws = nullptr);

}  // namespace settled::adapters
