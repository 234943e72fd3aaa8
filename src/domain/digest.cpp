#include "domain/digest.hpp"

#include <openssl/evp.h>
#include <boost/algorithm/hex.hpp>

#include <array>
#include <iterator>

namespace settled {

namespace {

// A provider that cannot give a method (MD5 under a FIPS configuration) leaves the legacy
// getter, whose digests then fail as they always did there.
const EVP_MD* fetch(const char* name, const EVP_MD* legacy) {
  const EVP_MD* fetched = EVP_MD_fetch(nullptr, name, nullptr);
  return fetched != nullptr ? fetched : legacy;
}

}  // namespace

const EVP_MD* digest_method(DigestAlgorithm algorithm) {
  // Never freed: the methods live as long as the process, as the legacy getters' do.
  static const std::array<const EVP_MD*, 5> methods = {
      fetch("MD5", EVP_md5()),       fetch("SHA1", EVP_sha1()),     fetch("SHA256", EVP_sha256()),
      fetch("SHA384", EVP_sha384()), fetch("SHA512", EVP_sha512()),
  };
  return methods[static_cast<std::size_t>(algorithm)];
}

std::string sha256_hex(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), digest, &length, digest_method(DigestAlgorithm::kSha256),
             nullptr);
  std::string out;
  out.reserve(2 * length);
  boost::algorithm::hex_lower(digest, digest + length, std::back_inserter(out));
  return out;
}

}  // namespace settled
