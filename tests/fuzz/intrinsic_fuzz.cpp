// libFuzzer target: intrinsic functions. Input: the call on the first line ("States.Format(
// '{}', $.a)"), the input document after it (also used as the context object).

#include "domain/asl/intrinsics.hpp"
#include "fuzz_input.hpp"

#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace settled;
  const auto [call_text, input_text] = fuzz::split_line(fuzz::as_text(data, size));
  auto call = asl::Intrinsic::compile(std::string(call_text), "$.Fuzz['v.$']");
  if (!call) {
    if (call.error().code != ErrorCode::kInvalidDefinition) __builtin_trap();
    return 0;
  }
  auto input = fuzz::parse_json(input_text);
  if (!input) input = boost::json::object{};
  fuzz::CountingRandom random;
  (void)call->evaluate(*input, *input, random);
  return 0;
}
