// libFuzzer target: the ASL parser and validator, from text (as workflow files are loaded) and
// from an already parsed JSON value nested deeper than the request parser allows (as a stored
// definition could be), so the validator's own nesting limits are what is tested.

#include "domain/asl/parser.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace settled;
  const std::string_view text = fuzz::as_text(data, size);
  auto machine = asl::parse_state_machine_text(text, "fuzz");
  if (!machine && machine.error().code != ErrorCode::kInvalidDefinition) __builtin_trap();
  if (auto deep = fuzz::parse_json(text, 256)) {
    auto again = asl::parse_state_machine(*deep, "fuzz");
    if (!again && again.error().code != ErrorCode::kInvalidDefinition) __builtin_trap();
  }
  return 0;
}
