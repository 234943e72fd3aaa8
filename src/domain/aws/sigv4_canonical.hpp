#pragma once
// AWS Signature Version 4, the computing half (docs/aws-auth.md): the canonical request, the
// string to sign, the signing key and the signature, as AWS's SigV4 reference gives them for
// every service but S3. Pure computation: the verifier (sigv4_verify.hpp) feeds it what a
// request carried. OpenSSL's libcrypto for SHA-256 and HMAC, as domain/digest.cpp uses it.
//
//   CanonicalRequest = Method \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n
//                      SignedHeaders \n hex(SHA256(body))
//   StringToSign     = "AWS4-HMAC-SHA256" \n <yyyymmddThhmmssZ> \n <scope> \n
//                      hex(SHA256(CanonicalRequest))
//   SigningKey       = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, yyyymmdd), region), service),
//                      "aws4_request")
//   Signature        = hex(HMAC(SigningKey, StringToSign))

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace settled::aws {

inline constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
inline constexpr std::string_view kTerminator = "aws4_request";

// A request's headers in the order received; names in any case.
using HeaderList = std::vector<std::pair<std::string, std::string>>;

// RFC 3986 percent-encoding as SigV4 wants it: the unreserved characters (A-Z a-z 0-9 - _ . ~)
// stay, every other byte becomes %XX with upper-case hex; '/' stays too when `keep_slash`.
std::string uri_encode(std::string_view bytes, bool keep_slash);

// %XX sequences decoded (a '%' not followed by two hex digits is kept as it is); '+' is not a
// space: SigV4 signers encode a space as %20.
std::string percent_decode(std::string_view text);

// The path with "." and ".." segments resolved and runs of '/' made one, a trailing '/' kept
// (as AWS's SDKs normalise it); "" -> "/".
std::string normalize_path(std::string_view path);

// The canonical URI of a path as received on the wire (still percent-encoded once by the
// client): normalised, then encoded once more, '/' kept. A path a client signed as
// "/example space" travels as "/example%20space" and is signed as "/example%2520space": AWS's
// "each path segment URI-encoded twice" for services other than S3.
std::string canonical_uri(std::string_view raw_path);

// The canonical query of a raw query string (after '?', without it): each name and value
// decoded and encoded again as uri_encode does, sorted by name then value, joined with '&';
// "a" without '=' is "a=". Empty parts ("a=1&&b=2") are dropped.
std::string canonical_query(std::string_view raw_query);

// A header value as SigV4 signs it: leading and trailing spaces and tabs removed, each inner
// run of them made one space.
std::string trim_header_value(std::string_view value);

// "name:value\n" for each name of `signed_headers` (lower case, in the order given), the value
// being every header of that name (any case) trimmed and joined with ',', in the order
// received; a signed header the request lacks gives "name:\n".
std::string canonical_headers(const std::vector<std::string>& signed_headers,
                              const HeaderList& headers);

std::string canonical_request(std::string_view method, std::string_view raw_path,
                              std::string_view raw_query, const HeaderList& headers,
                              const std::vector<std::string>& signed_headers,
                              std::string_view payload_sha256_hex);

// "<yyyymmdd>/<region>/<service>/aws4_request"
std::string credential_scope(std::string_view date, std::string_view region,
                             std::string_view service);

std::string string_to_sign(std::string_view amz_date, std::string_view scope,
                           std::string_view canonical_request);

// The 32-byte key of one secret, day, region and service (raw bytes in a string).
std::string signing_key(std::string_view secret, std::string_view date, std::string_view region,
                        std::string_view service);

// Lower-case hex HMAC-SHA256 of `string_to_sign` under `key`.
std::string signature(std::string_view key, std::string_view string_to_sign);

// Lower-case hex SHA-256 (domain/digest.hpp's, named here for the payload hash).
std::string payload_hash(std::string_view body);

}  // namespace settled::aws
