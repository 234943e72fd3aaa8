#include "support/asl_machine.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <utility>

namespace settled::testing {

AslMachine::AslMachine(std::string_view text, std::string name) {
  auto result = asl::parse_state_machine_text(text, std::move(name));
  if (!result.ok()) {
    ADD_FAILURE() << "definition refused: " << result.error().message;
    throw std::runtime_error("definition refused");
  }
  machine_ = std::move(result).value();
}

const asl::State& AslMachine::operator[](const std::string& name) const {
  const asl::State* s = machine_.find(name);
  if (!s) throw std::runtime_error("no state " + name);
  return *s;
}

AslMachine single_state_machine(std::string_view state) {
  return AslMachine(std::string(R"({"StartAt": "S", "States": {"S": )") + std::string(state) +
                    R"(, "Done": {"Type": "Succeed"}}})");
}

}  // namespace settled::testing
