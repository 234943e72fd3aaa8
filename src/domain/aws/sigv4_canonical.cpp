#include "domain/aws/sigv4_canonical.hpp"

#include "domain/digest.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <boost/algorithm/hex.hpp>

#include <algorithm>
#include <iterator>

namespace settled::aws {

namespace {

bool unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool blank(char c) {
  return c == ' ' || c == '\t';
}

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
           return lower(x) == lower(y);
         });
}

std::string hmac(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(digest_method(DigestAlgorithm::kSha256), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &length);
  return std::string(reinterpret_cast<const char*>(out), length);
}

}  // namespace

std::string uri_encode(std::string_view bytes, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size());
  for (char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    if (unreserved(c) || (keep_slash && c == '/')) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      const int high = hex_value(text[i + 1]), low = hex_value(text[i + 2]);
      if (high >= 0 && low >= 0) {
        out += static_cast<char>(high * 16 + low);
        i += 2;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

std::string normalize_path(std::string_view path) {
  if (path.empty()) return "/";
  std::vector<std::string_view> kept;
  std::size_t at = 0;
  while (at <= path.size()) {
    const std::size_t slash = std::min(path.find('/', at), path.size());
    const std::string_view segment = path.substr(at, slash - at);
    if (segment == "..") {
      if (!kept.empty()) kept.pop_back();
    } else if (!segment.empty() && segment != ".") {
      kept.push_back(segment);
    }
    at = slash + 1;
  }
  std::string out = path.front() == '/' ? "/" : "";
  for (std::size_t i = 0; i < kept.size(); ++i) {
    if (i > 0) out += '/';
    out += kept[i];
  }
  if (path.back() == '/' && !kept.empty()) out += '/';
  return out.empty() ? "/" : out;
}

std::string canonical_uri(std::string_view raw_path) {
  return uri_encode(normalize_path(raw_path), true);
}

std::string canonical_query(std::string_view raw_query) {
  std::vector<std::pair<std::string, std::string>> pairs;
  std::size_t at = 0;
  while (at <= raw_query.size()) {
    const std::size_t amp = std::min(raw_query.find('&', at), raw_query.size());
    const std::string_view part = raw_query.substr(at, amp - at);
    at = amp + 1;
    if (part.empty()) continue;
    const std::size_t eq = part.find('=');
    const std::string_view name = part.substr(0, eq);
    const std::string_view value =
        eq == std::string_view::npos ? std::string_view{} : part.substr(eq + 1);
    pairs.emplace_back(uri_encode(percent_decode(name), false),
                       uri_encode(percent_decode(value), false));
  }
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (const auto& [name, value] : pairs) {
    if (!out.empty()) out += '&';
    out += name;
    out += '=';
    out += value;
  }
  return out;
}

std::string trim_header_value(std::string_view value) {
  while (!value.empty() && blank(value.front())) value.remove_prefix(1);
  while (!value.empty() && blank(value.back())) value.remove_suffix(1);
  std::string out;
  out.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (blank(value[i])) {
      if (!blank(value[i - 1])) out += ' ';  // i > 0: value does not start with a blank
    } else {
      out += value[i];
    }
  }
  return out;
}

std::string canonical_headers(const std::vector<std::string>& signed_headers,
                              const HeaderList& headers) {
  std::string out;
  for (const auto& name : signed_headers) {
    out += name;
    out += ':';
    bool first = true;
    for (const auto& [header, value] : headers) {
      if (!same_name(header, name)) continue;
      if (!first) out += ',';
      out += trim_header_value(value);
      first = false;
    }
    out += '\n';
  }
  return out;
}

std::string canonical_request(std::string_view method, std::string_view raw_path,
                              std::string_view raw_query, const HeaderList& headers,
                              const std::vector<std::string>& signed_headers,
                              std::string_view payload_sha256_hex) {
  std::string joined;
  for (const auto& name : signed_headers) {
    if (!joined.empty()) joined += ';';
    joined += name;
  }
  std::string out(method);
  out += '\n';
  out += canonical_uri(raw_path);
  out += '\n';
  out += canonical_query(raw_query);
  out += '\n';
  out += canonical_headers(signed_headers, headers);
  out += '\n';
  out += joined;
  out += '\n';
  out += payload_sha256_hex;
  return out;
}

std::string credential_scope(std::string_view date, std::string_view region,
                             std::string_view service) {
  std::string out(date);
  out += '/';
  out += region;
  out += '/';
  out += service;
  out += '/';
  out += kTerminator;
  return out;
}

std::string string_to_sign(std::string_view amz_date, std::string_view scope,
                           std::string_view canonical_request) {
  std::string out(kAlgorithm);
  out += '\n';
  out += amz_date;
  out += '\n';
  out += scope;
  out += '\n';
  out += sha256_hex(canonical_request);
  return out;
}

std::string signing_key(std::string_view secret, std::string_view date, std::string_view region,
                        std::string_view service) {
  const std::string k_secret = "AWS4" + std::string(secret);
  const std::string k_date = hmac(k_secret, date);
  const std::string k_region = hmac(k_date, region);
  const std::string k_service = hmac(k_region, service);
  return hmac(k_service, kTerminator);
}

std::string signature(std::string_view key, std::string_view string_to_sign) {
  const std::string raw = hmac(key, string_to_sign);
  std::string out;
  boost::algorithm::hex_lower(raw.begin(), raw.end(), std::back_inserter(out));
  return out;
}

std::string payload_hash(std::string_view body) {
  return sha256_hex(body);
}

}  // namespace settled::aws
