#include "domain/aws/access_keys.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

namespace settled::aws {

namespace {

bool word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
}

bool valid_word(std::string_view word) {
  return !word.empty() && word.size() <= 64 && std::all_of(word.begin(), word.end(), word_char);
}

bool valid_access_key_id(std::string_view id) {
  return id.size() >= kMinAccessKeyIdBytes && id.size() <= kMaxAccessKeyIdBytes &&
         std::all_of(id.begin(), id.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
         });
}

bool valid_secret(std::string_view secret) {
  return secret.size() >= kMinSecretBytes && secret.size() <= kMaxSecretBytes &&
         std::all_of(secret.begin(), secret.end(), [](char c) { return c > ' ' && c < 127; });
}

Error bad_line(std::size_t line, const std::string& why) {
  return Error{ErrorCode::kInvalidRequest, "line " + std::to_string(line) + ": " + why};
}

constexpr const char* kForm =
    "a line is <identity>:<scope>[,<scope>...]:<access-key-id>:<secret-access-key>";

Result<AccessKey> parse_line(std::string_view text, std::size_t line) {
  const auto first = text.find(':');
  const auto second = first == std::string_view::npos ? first : text.find(':', first + 1);
  const auto third = second == std::string_view::npos ? second : text.find(':', second + 1);
  if (third == std::string_view::npos)
    return bad_line(line, std::string("expected at least three ':'; ") + kForm);
  const std::string_view identity = text.substr(0, first);
  const std::string_view scopes = text.substr(first + 1, second - first - 1);
  const std::string_view id = text.substr(second + 1, third - second - 1);
  const std::string_view secret = text.substr(third + 1);
  if (!valid_word(identity))
    return bad_line(line, "the identity must be 1-64 letters, digits, '-', '_' or '.'");
  if (identity == "local" || identity == "operator")
    return bad_line(line, "the identity \"" + std::string(identity) +
                              "\" is reserved (local-only mode, the admin socket)");
  if (!valid_access_key_id(id))
    return bad_line(line, "the access key id must be " + std::to_string(kMinAccessKeyIdBytes) +
                              "-" + std::to_string(kMaxAccessKeyIdBytes) +
                              " letters, digits or '_'");
  if (!valid_secret(secret))
    return bad_line(line, "the secret access key of \"" + std::string(id) + "\" must be " +
                              std::to_string(kMinSecretBytes) + "-" +
                              std::to_string(kMaxSecretBytes) +
                              " printable characters without spaces");
  AccessKey out;
  out.access_key_id = std::string(id);
  out.secret = std::string(secret);
  out.caller.identity = std::string(identity);
  std::size_t at = 0;
  while (!scopes.empty() && at <= scopes.size()) {
    const auto comma = std::min(scopes.find(',', at), scopes.size());
    const std::string_view scope = scopes.substr(at, comma - at);
    if (!valid_word(scope))
      return bad_line(line, "each scope must be 1-64 letters, digits, '-', '_' or '.' (got \"" +
                                std::string(scope) + "\")");
    out.caller.scopes.emplace_back(scope);
    at = comma + 1;
  }
  return out;
}

}  // namespace

Result<AccessKeys> AccessKeys::parse(std::string_view text) {
  AccessKeys out;
  std::map<std::string, std::vector<std::string>, std::less<>> scopes_of;
  std::size_t line = 0;
  while (!text.empty()) {
    ++line;
    const auto newline = text.find('\n');
    std::string_view current = text.substr(0, newline);
    text = newline == std::string_view::npos ? std::string_view{} : text.substr(newline + 1);
    if (!current.empty() && current.back() == '\r') current.remove_suffix(1);
    if (current.size() > kMaxCredentialsLineBytes)
      return bad_line(line, "longer than " + std::to_string(kMaxCredentialsLineBytes) + " bytes");
    while (!current.empty() && (current.front() == ' ' || current.front() == '\t'))
      current.remove_prefix(1);
    while (!current.empty() && (current.back() == ' ' || current.back() == '\t'))
      current.remove_suffix(1);
    if (current.empty() || current.front() == '#') continue;
    auto key = parse_line(current, line);
    if (!key) return key.error();
    if (out.keys_.size() == kMaxAccessKeys)
      return bad_line(line, "more than " + std::to_string(kMaxAccessKeys) + " access keys");
    const auto [known, fresh] = scopes_of.emplace(key->caller.identity, key->caller.scopes);
    if (!fresh && known->second != key->caller.scopes)
      return bad_line(line, "the identity \"" + key->caller.identity +
                                "\" is given other scopes on an earlier line");
    const std::string id = key->access_key_id;
    if (!out.keys_.emplace(id, std::move(*key)).second)
      return bad_line(line, "the access key id \"" + id + "\" is configured twice");
  }
  return out;
}

const AccessKey* AccessKeys::find(std::string_view access_key_id) const {
  const auto it = keys_.find(access_key_id);
  return it == keys_.end() ? nullptr : &it->second;
}

}  // namespace settled::aws
