#pragma once
// Parses and validates an ASL definition. A definition that breaks a rule is refused with the
// JSON path of each offending field and the rule it breaks, e.g.
//   $.States['Pay'].Retry[1].ErrorEquals: "States.ALL" must appear alone and in the last retrier

#include "domain/asl/state_machine.hpp"
#include "domain/result.hpp"

#include <functional>
#include <string>

namespace settled::asl {

struct ParseOptions {
  // Tells whether a Task's Resource names something this engine can run; empty: accept all.
  std::function<bool(const std::string&)> known_resource;
};

Result<StateMachine> parse_state_machine(const boost::json::value& definition, std::string name,
                                         const ParseOptions& options = {});

// Parses JSON text first (reporting the line/offset of a syntax error).
Result<StateMachine> parse_state_machine_text(std::string_view text, std::string name,
                                              const ParseOptions& options = {});

}  // namespace settled::asl
