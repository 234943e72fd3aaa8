#include "api/sfn/execution_page_token.hpp"

#include "domain/digest.hpp"
#include "domain/storage_keys.hpp"

namespace settled::api::sfn {

namespace {

constexpr std::string_view kPrefix = "ex2.";
constexpr std::size_t kCheckLength = 16;
constexpr std::size_t kMaxRowBytes = 8 + 80;  // the inverted start and an execution name

std::string check_of(std::string_view state_machine, std::string_view row) {
  std::string text(state_machine);
  text.push_back('\0');
  text.append(row);
  return sha256_hex(text).substr(0, kCheckLength);
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

AwsError invalid(std::string_view token) {
  return AwsError{aws_errors::kInvalidToken,
                  "Invalid Token: '" + std::string(token.substr(0, 64)) +
                      "' (a nextToken ListExecutions gave for this state machine)"};
}

}  // namespace

std::string execution_page_token(std::string_view state_machine, std::string_view index_key) {
  static constexpr char kHex[] = "0123456789abcdef";
  const std::string prefix = started_prefix(state_machine);
  const std::string_view row = index_key.substr(std::min(prefix.size(), index_key.size()));
  std::string token(kPrefix);
  for (const char c : row) {
    const auto b = static_cast<unsigned char>(c);
    token.push_back(kHex[b >> 4]);
    token.push_back(kHex[b & 0xf]);
  }
  token.push_back('.');
  token.append(check_of(state_machine, row));
  return token;
}

Result<std::string, AwsError> execution_page_key(std::string_view state_machine,
                                                 std::string_view token) {
  if (token.size() < kPrefix.size() + 1 + kCheckLength ||
      token.substr(0, kPrefix.size()) != kPrefix)
    return invalid(token);
  const std::size_t dot = token.size() - kCheckLength - 1;
  if (token[dot] != '.') return invalid(token);
  const std::string_view hex = token.substr(kPrefix.size(), dot - kPrefix.size());
  if (hex.size() % 2 != 0 || hex.size() / 2 > kMaxRowBytes) return invalid(token);
  std::string row;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int hi = hex_digit(hex[i]);
    const int lo = hex_digit(hex[i + 1]);
    if (hi < 0 || lo < 0) return invalid(token);
    row.push_back(static_cast<char>((hi << 4) | lo));
  }
  if (token.substr(dot + 1) != check_of(state_machine, row)) return invalid(token);
  std::string key = started_prefix(state_machine) + row;
  StartedKey parsed;
  if (!parse_started_key(key, state_machine, parsed)) return invalid(token);
  return key;
}

}  // namespace settled::api::sfn
