#pragma once
// The AWS credentials file (aws-credentials-file, docs/aws-auth.md): access key id -> secret
// access key and the caller it names. SigV4 signs with a key derived from the raw secret each
// day, so unlike native API keys (stored as SHA-256 hashes) the secret itself must be kept.
// It is kept out of the main config file (often world-readable, copied into tickets and
// backups) in a file of its own that the daemon refuses, as ssh refuses a private key, unless
// it is a regular file owned by the daemon's user (or root) that no group or other user may
// read, write or execute (mode 0600 or 0400).

#include "domain/aws/access_keys.hpp"
#include "domain/result.hpp"

#include <cstddef>
#include <string>

namespace settled::adapters {

inline constexpr std::size_t kMaxAwsCredentialsFileBytes = 1 << 20;

// The keys in `path`, or kInvalidRequest saying why not: missing or unreadable, not a regular
// file, owned by another user than the daemon's (or root), any group or other permission bit
// set (the mode is named, with "chmod 600"), larger than kMaxAwsCredentialsFileBytes, or a line
// AccessKeys::parse refuses (never showing a secret).
Result<aws::AccessKeys> read_aws_credentials_file(const std::string& path);

}  // namespace settled::adapters
