#pragma once
// AWS access keys for SigV4 (docs/aws-auth.md): access key id -> secret access key and the
// settled caller (identity, scopes) it names, as api-key-hashes names callers for native keys.
// SigV4 derives its signing key from the raw secret each day, so the secret is kept as it is,
// in a credentials file the daemon refuses unless only its owner can read it
// (adapters/config/aws_credentials_file.hpp); this is the parsing of that file's text.
//
// One key a line; blank lines and lines starting with '#' are skipped:
//   <identity>:<scope>[,<scope>...]:<access-key-id>:<secret-access-key>
//   <identity>::<access-key-id>:<secret-access-key>          (no scope)

#include "domain/caller.hpp"
#include "domain/result.hpp"

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace settled::aws {

// Bounds on the credentials file (it is read at start-up, but still bounded).
inline constexpr std::size_t kMaxAccessKeys = 1000;
inline constexpr std::size_t kMaxCredentialsLineBytes = 1024;
inline constexpr std::size_t kMinAccessKeyIdBytes = 4;
inline constexpr std::size_t kMaxAccessKeyIdBytes = 128;  // IAM's AccessKeyId bound
inline constexpr std::size_t kMinSecretBytes = 16;
inline constexpr std::size_t kMaxSecretBytes = 128;

struct AccessKey {
  std::string access_key_id;  // letters, digits, '_' (IAM's pattern)
  std::string secret;         // printable ASCII, no space; never logged or shown
  Caller caller;
};

class AccessKeys {
 public:
  AccessKeys() = default;

  // The credentials file's text, or InvalidRequest naming the line and what is wrong with it
  // (never showing a secret): a line not of the form above, an access key id or secret out of
  // bounds, an identity or scope that is not 1-64 letters, digits, '-', '_' or '.', the
  // reserved identities local and operator, the same access key id twice, one identity with
  // different scopes on two lines (two keys for one identity are fine: AWS's rotation), more
  // than kMaxAccessKeys keys.
  static Result<AccessKeys> parse(std::string_view text);

  // The key with this id, or nullptr (compared as given: access key ids are case-sensitive).
  const AccessKey* find(std::string_view access_key_id) const;
  bool empty() const { return keys_.empty(); }
  std::size_t size() const { return keys_.size(); }
  // Every key, by access key id.
  const std::map<std::string, AccessKey, std::less<>>& all() const { return keys_; }

 private:
  std::map<std::string, AccessKey, std::less<>> keys_;
};

}  // namespace settled::aws
