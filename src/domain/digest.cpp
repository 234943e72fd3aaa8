#include "domain/digest.hpp"

#include <openssl/evp.h>
#include <boost/algorithm/hex.hpp>

#include <iterator>

namespace settled {

std::string sha256_hex(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr);
  std::string out;
  boost::algorithm::hex_lower(digest, digest + length, std::back_inserter(out));
  return out;
}

}  // namespace settled
