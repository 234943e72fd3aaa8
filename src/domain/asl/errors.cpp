#include "domain/asl/errors.hpp"

namespace settled::asl {

bool error_matches(const std::vector<std::string>& error_equals, std::string_view error) {
  if (error == errors::kRuntime || error == errors::kDataLimitExceeded) {
    // Terminal: only an explicit name could match, and Step Functions does not allow even that.
    return false;
  }
  for (const auto& name : error_equals) {
    if (name == error || name == errors::kAll) return true;
    if (name == errors::kTaskFailed && error != errors::kTimeout) return true;
  }
  return false;
}

}  // namespace settled::asl
