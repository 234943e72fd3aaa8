#include "adapters/store/child_name_salt.hpp"

#include "domain/storage_keys.hpp"
#include "domain/write_batch.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <string>

namespace settled::adapters {

namespace {

constexpr std::size_t kSecretBytes = 32;

bool hex_digits(std::string_view text) {
  return text.size() == 2 * kSecretBytes && std::all_of(text.begin(), text.end(), [](char c) {
           return std::isdigit(static_cast<unsigned char>(c)) || (c >= 'a' && c <= 'f');
         });
}

Error unreadable(const std::string& why) {
  return Error{ErrorCode::kInternal, "meta row " + std::string(kChildNameSaltKey) + ": " + why};
}

}  // namespace

Result<aws::ChildNameSalt> open_child_name_salt(LmdbStore& db, EpochMillis now) {
  const std::string key(kChildNameSaltKey);
  if (auto stored = db.get(Table::kMeta, key)) {
    const std::string_view row = *stored;
    const std::size_t space = row.find(' ');
    aws::ChildNameSalt salt;
    if (space == std::string_view::npos ||
        std::from_chars(row.data(), row.data() + space, salt.since).ec != std::errc() ||
        !hex_digits(row.substr(space + 1)))
      return unreadable("not \"<epoch ms> <64 hex digits>\"");
    salt.secret = std::string(row.substr(space + 1));
    return salt;
  }
  std::array<unsigned char, kSecretBytes> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
    return unreadable("OpenSSL's RAND_bytes gave no secret");
  static constexpr char kHex[] = "0123456789abcdef";
  aws::ChildNameSalt salt;
  salt.since = now;
  for (unsigned char b : bytes) {
    salt.secret.push_back(kHex[b >> 4]);
    salt.secret.push_back(kHex[b & 15]);
  }
  WriteBatch batch;
  batch.put(Table::kMeta, key, std::to_string(now) + " " + salt.secret);
  if (auto written = db.commit({&batch}); !written) return unreadable(written.error().message);
  return salt;
}

}  // namespace settled::adapters
