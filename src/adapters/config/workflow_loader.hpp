#pragma once
// Loads config/workflows/NAME.asl.json files: each registers the state machine NAME.

#include "domain/asl/parser.hpp"
#include "domain/asl/registry.hpp"
#include "domain/result.hpp"

#include <string>

namespace settled::adapters {

// Every file must parse and validate; the first broken one refuses the whole load with the
// file name and the validator's message, so a daemon never starts half-configured.
Result<asl::RegistryPtr> load_workflows(const std::string& directory);

// The ASL parse options of this build: only built-in resources are known.
asl::ParseOptions builtin_parse_options();

}  // namespace settled::adapters
