#pragma once
// SHA-256 as lower-case hex: API key hashes (adapters/http/api_keys) and state machine definition
// versions (state_machine_versions) both name things by it.

#include <string>
#include <string_view>

namespace settled {

std::string sha256_hex(std::string_view text);

}  // namespace settled
