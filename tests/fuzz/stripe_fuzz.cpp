// libFuzzer target: the Stripe form encoder and response parser. Input: a first line with the
// HTTP status (decimal), the rest both a JSON object to encode as a form and a response body.

#include "adapters/stripe/stripe_form.hpp"
#include "adapters/stripe/stripe_response.hpp"
#include "fuzz_input.hpp"

#include <charconv>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace settled;
  const auto [status_text, body] = fuzz::split_line(fuzz::as_text(data, size));
  unsigned status = 0;
  std::from_chars(status_text.data(), status_text.data() + status_text.size(), status);
  const TaskOutcome outcome = adapters::stripe_response_outcome(status % 1000, body);
  if (!outcome.ok && outcome.error.empty()) __builtin_trap();
  if (auto params = fuzz::parse_json(body, 256)) (void)adapters::encode_stripe_form(*params);
  // Percent-encoding leaves only unreserved characters and %XX.
  for (const char c : adapters::percent_encode(body)) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
                            c == '~' || c == '%';
    if (!unreserved) __builtin_trap();
  }
  return 0;
}
