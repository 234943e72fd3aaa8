// libFuzzer target: payload templates (Parameters / ResultSelector / ItemSelector). Input: the
// template as JSON on the first line, the input document after it (also the context object).

#include "domain/asl/payload_template.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace settled;
  const auto [template_text, input_text] = fuzz::split_line(fuzz::as_text(data, size));
  auto source = fuzz::parse_json(template_text, 256);
  if (!source) return 0;
  auto compiled = asl::PayloadTemplate::compile(*source, "$.Fuzz.Parameters");
  if (!compiled) {
    if (compiled.error().code != ErrorCode::kInvalidDefinition) __builtin_trap();
    return 0;
  }
  auto input = fuzz::parse_json(input_text, 256);
  if (!input) input = boost::json::object{};
  fuzz::CountingRandom random;
  (void)compiled->render(*input, *input, random);
  return 0;
}
