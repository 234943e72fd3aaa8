#pragma once
// A parsed ASL definition kept alive for a unit test, its states looked up by name (the
// interpreter's and the variables' tests, tests/domain/asl/).

#include "domain/asl/parser.hpp"

#include <string>
#include <string_view>

namespace settled::testing {

class AslMachine {
 public:
  // Parses `text` as the definition of state machine `name`; a refusal fails the test and throws.
  explicit AslMachine(std::string_view text, std::string name = "payment");
  // The state called `name`; throws if there is none.
  const asl::State& operator[](const std::string& name) const;

 private:
  asl::StateMachine machine_;
};

// A machine whose start state "S" is `state` (JSON object text); "Next" targets "Done", a Succeed.
AslMachine single_state_machine(std::string_view state);

}  // namespace settled::testing
