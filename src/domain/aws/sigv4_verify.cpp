#include "domain/aws/sigv4_verify.hpp"

#include <openssl/crypto.h>

#include <algorithm>
#include <array>
#include <cstdio>

namespace settled::aws {

namespace {

using Failure = SigV4Failure;

SigV4Error fail(Failure failure, std::string message) {
  return SigV4Error{failure, std::move(message)};
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
           return lower(x) == lower(y);
         });
}

const std::string* header_of(const HeaderList& headers, std::string_view name) {
  for (const auto& [header, value] : headers)
    if (iequals(header, name)) return &value;
  return nullptr;
}

// Howard Hinnant's days_from_civil: days since 1970-01-01 of a proleptic Gregorian date.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool leap(std::int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

bool digits(std::string_view s, int& out) {
  if (s.empty()) return false;
  out = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  return true;
}

bool to_seconds(int y, int mo, int d, int h, int mi, int s, std::int64_t& seconds) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return false;
  if (d > kDays[mo - 1] + (mo == 2 && leap(y) ? 1 : 0)) return false;
  seconds = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 +
            h * 3600 + mi * 60 + s;
  return true;
}

struct Authorization {
  std::string_view credential, signed_headers, signature;
  bool has_credential = false, has_signed_headers = false, has_signature = false;
};

// AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...
Result<Authorization, SigV4Error> parse_authorization(std::string_view header, bool has_date) {
  Authorization out;
  std::string_view rest;
  if (header.size() > kAlgorithm.size() && header.substr(0, kAlgorithm.size()) == kAlgorithm &&
      (header[kAlgorithm.size()] == ' ' || header[kAlgorithm.size()] == '\t'))
    rest = header.substr(kAlgorithm.size() + 1);
  // Another scheme (Bearer, AWS's SigV2) parses as no part at all: AWS names what is missing.
  const bool sigv4 = !rest.empty();
  // Parts are separated by commas and blanks, as AWS reads them: "Credential=AKID /2015..."
  // is a Credential of "AKID" and a part "/2015..." without '='.
  while (sigv4 && !rest.empty()) {
    const std::size_t end = rest.find_first_of(", \t");
    const std::string_view element = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
    if (element.empty()) continue;
    const std::size_t eq = element.find('=');
    if (eq == std::string_view::npos)
      return fail(Failure::kIncompleteSignature,
                  "'" + std::string(element) +
                      "' not a valid key=value pair (missing equal-sign) in Authorization "
                      "header: '" +
                      std::string(header) + "'.");
    const std::string_view key = element.substr(0, eq), value = element.substr(eq + 1);
    if (key == "Credential") {
      out.credential = value;
      out.has_credential = true;
    } else if (key == "SignedHeaders") {
      out.signed_headers = value;
      out.has_signed_headers = true;
    } else if (key == "Signature") {
      out.signature = value;
      out.has_signature = true;
    }
  }
  std::string missing;
  if (!out.has_credential) missing += "Authorization header requires 'Credential' parameter. ";
  if (!out.has_signature) missing += "Authorization header requires 'Signature' parameter. ";
  if (!out.has_signed_headers)
    missing += "Authorization header requires 'SignedHeaders' parameter. ";
  if (!has_date)
    missing +=
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
  // AWS echoes the whole header; another scheme's value may be a native API key (Bearer) that
  // an error log would then keep, so only its scheme is shown.
  const std::string shown =
      sigv4
          ? std::string(header)
          : std::string(header.substr(0, std::min(header.find_first_of(" \t"), std::size_t{32}))) +
                " (value not shown)";
  if (!missing.empty())
    return fail(Failure::kIncompleteSignature, missing + "Authorization=" + shown);
  return out;
}

bool signed_header_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

Result<std::vector<std::string>, SigV4Error> parse_signed_headers(std::string_view text) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at <= text.size()) {
    const std::size_t semi = std::min(text.find(';', at), text.size());
    const std::string_view name = text.substr(at, semi - at);
    at = semi + 1;
    if (name.empty() || name.size() > kMaxSignedHeaderNameBytes ||
        !std::all_of(name.begin(), name.end(), signed_header_char))
      return fail(Failure::kIncompleteSignature,
                  "SignedHeaders must be lower-case header names separated by ';' (each 1-" +
                      std::to_string(kMaxSignedHeaderNameBytes) + " characters), got '" +
                      std::string(text) + "'.");
    if (out.size() == kMaxSignedHeaders)
      return fail(
          Failure::kIncompleteSignature,
          "SignedHeaders names more than " + std::to_string(kMaxSignedHeaders) + " headers.");
    out.emplace_back(name);
  }
  return out;
}

std::vector<std::string_view> split_credential(std::string_view credential) {
  std::vector<std::string_view> parts;
  std::size_t at = 0;
  while (at <= credential.size() && parts.size() <= 5) {
    const std::size_t slash = std::min(credential.find('/', at), credential.size());
    parts.push_back(credential.substr(at, slash - at));
    at = slash + 1;
  }
  return parts;
}

}  // namespace

std::string_view aws_error_name(SigV4Failure failure) {
  switch (failure) {
    case Failure::kMissingAuthenticationToken:
      return "MissingAuthenticationTokenException";
    case Failure::kUnrecognizedClient:
      return "UnrecognizedClientException";
    case Failure::kIncompleteSignature:
      return "IncompleteSignatureException";
    case Failure::kInvalidSignature:
      return "InvalidSignatureException";
  }
  return "InvalidSignatureException";
}

unsigned http_status(SigV4Failure) {
  return 400;
}

bool parse_amz_date(std::string_view text, std::int64_t& seconds) {
  if (text.size() != 16 || text[8] != 'T' || text[15] != 'Z') return false;
  int y, mo, d, h, mi, s;
  return digits(text.substr(0, 4), y) && digits(text.substr(4, 2), mo) &&
         digits(text.substr(6, 2), d) && digits(text.substr(9, 2), h) &&
         digits(text.substr(11, 2), mi) && digits(text.substr(13, 2), s) &&
         to_seconds(y, mo, d, h, mi, s, seconds);
}

bool parse_http_date(std::string_view text, std::int64_t& seconds) {
  // "Sun, 06 Nov 1994 08:49:37 GMT": 29 characters exactly.
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (text.size() != 29 || text.substr(3, 2) != ", " || text[7] != ' ' || text[11] != ' ' ||
      text[16] != ' ' || text[19] != ':' || text[22] != ':' || text.substr(25) != " GMT")
    return false;
  const auto month = std::find(kMonths.begin(), kMonths.end(), text.substr(8, 3));
  if (month == kMonths.end()) return false;
  int y, d, h, mi, s;
  return digits(text.substr(5, 2), d) && digits(text.substr(12, 4), y) &&
         digits(text.substr(17, 2), h) && digits(text.substr(20, 2), mi) &&
         digits(text.substr(23, 2), s) &&
         to_seconds(y, static_cast<int>(month - kMonths.begin()) + 1, d, h, mi, s, seconds);
}

std::string format_amz_date(std::int64_t seconds) {
  // Hinnant's civil_from_days.
  const std::int64_t days = (seconds >= 0 ? seconds : seconds - 86399) / 86400;
  const std::int64_t rem = seconds - days * 86400;
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
  char out[64];
  std::snprintf(out, sizeof out, "%04lld%02u%02uT%02d%02d%02dZ", static_cast<long long>(y), m, d,
                static_cast<int>(rem / 3600), static_cast<int>(rem / 60 % 60),
                static_cast<int>(rem % 60));
  return out;
}

namespace {

// What the headers alone establish: the form, the scope, the time window and the key.
struct SignedHeader {
  Authorization auth;
  std::vector<std::string_view> scope;  // key id, day, region, service, terminator
  std::vector<std::string> signed_headers;
  std::string request_time;
  const AccessKey* key = nullptr;
};

Result<SignedHeader, SigV4Error> read_signed_header(const HeaderList& headers,
                                                    const AccessKeys& keys,
                                                    const SigV4Settings& settings,
                                                    std::int64_t now) {
  const std::string* authorization = header_of(headers, "authorization");
  if (authorization == nullptr)
    return fail(Failure::kMissingAuthenticationToken, "Missing Authentication Token");
  if (authorization->size() > kMaxAuthorizationBytes)
    return fail(Failure::kIncompleteSignature, "The Authorization header is longer than " +
                                                   std::to_string(kMaxAuthorizationBytes) +
                                                   " bytes.");
  const std::string* amz_date = header_of(headers, "x-amz-date");
  const std::string* http_date = amz_date ? nullptr : header_of(headers, "date");
  auto auth = parse_authorization(*authorization, amz_date || http_date);
  if (!auth) return auth.error();

  const auto scope = split_credential(auth->credential);
  if (scope.size() != 5 || scope[0].empty())
    return fail(Failure::kIncompleteSignature,
                "Credential must have exactly 5 slash-delimited elements, e.g. "
                "keyid/date/region/service/term, got '" +
                    std::string(auth->credential.substr(0, 256)) + "'");
  std::int64_t signed_at = 0;
  const bool date_ok = amz_date ? parse_amz_date(trim(*amz_date), signed_at)
                                : parse_http_date(trim(*http_date), signed_at);
  if (!date_ok)
    return fail(Failure::kIncompleteSignature,
                "Date must be in ISO-8601 'basic format'. Got '" +
                    std::string(trim(amz_date ? *amz_date : *http_date).substr(0, 64)) +
                    "'. See http://en.wikipedia.org/wiki/ISO_8601");
  const std::string request_time = format_amz_date(signed_at);
  if (scope[4] != kTerminator)
    return fail(Failure::kInvalidSignature,
                "Credential should be scoped with a valid terminator: 'aws4_request', not '" +
                    std::string(scope[4].substr(0, 64)) + "'.");
  if (scope[3] != settings.service)
    return fail(Failure::kInvalidSignature,
                "Credential should be scoped to correct service: '" + settings.service + "'. ");
  if (scope[2] != settings.region)
    return fail(Failure::kInvalidSignature, "Credential should be scoped to a valid region, not '" +
                                                std::string(scope[2].substr(0, 64)) + "'. ");
  if (scope[1] != std::string_view(request_time).substr(0, 8))
    return fail(Failure::kInvalidSignature,
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date "
                "from HTTP: '" +
                    std::string(scope[1].substr(0, 64)) + "' != '" + request_time.substr(0, 8) +
                    "', from '" + request_time + "'.");
  auto signed_headers = parse_signed_headers(auth->signed_headers);
  if (!signed_headers) return signed_headers.error();
  if (std::find(signed_headers->begin(), signed_headers->end(), "host") == signed_headers->end())
    return fail(Failure::kIncompleteSignature,
                "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");

  // Session tokens come from STS, which settled does not have: none is valid here.
  if (header_of(headers, "x-amz-security-token") != nullptr)
    return fail(Failure::kUnrecognizedClient,
                "The security token included in the request is invalid.");
  const AccessKey* key = keys.find(scope[0]);
  if (key == nullptr)
    return fail(Failure::kUnrecognizedClient,
                "The security token included in the request is invalid.");

  if (signed_at < now - settings.max_skew_seconds)
    return fail(Failure::kInvalidSignature,
                "Signature expired: " + request_time + " is now earlier than " +
                    format_amz_date(now - settings.max_skew_seconds) + " (" + format_amz_date(now) +
                    " - " + std::to_string(settings.max_skew_seconds / 60) + " min.)");
  if (signed_at > now + settings.max_skew_seconds)
    return fail(Failure::kInvalidSignature,
                "Signature not yet current: " + request_time + " is still later than " +
                    format_amz_date(now + settings.max_skew_seconds) + " (" + format_amz_date(now) +
                    " + " + std::to_string(settings.max_skew_seconds / 60) + " min.)");
  return SignedHeader{*auth, scope, std::move(*signed_headers), request_time, key};
}

}  // namespace

Result<Caller, SigV4Error> check_sigv4_header(const HeaderList& headers, const AccessKeys& keys,
                                              const SigV4Settings& settings, std::int64_t now) {
  auto header = read_signed_header(headers, keys, settings, now);
  if (!header) return header.error();
  return header->key->caller;
}

Result<Caller, SigV4Error> verify_sigv4(std::string_view method, std::string_view target,
                                        const HeaderList& headers, std::string_view body,
                                        const AccessKeys& keys, const SigV4Settings& settings,
                                        std::int64_t now) {
  auto header = read_signed_header(headers, keys, settings, now);
  if (!header) return header.error();
  const auto& scope = header->scope;
  const AccessKey* key = header->key;
  const std::string body_hash = payload_hash(body);
  if (const std::string* sent = header_of(headers, "x-amz-content-sha256");
      sent != nullptr && trim(*sent) != body_hash)
    return fail(Failure::kInvalidSignature,
                "The provided 'x-amz-content-sha256' header does not match what was computed.");

  if (target.size() > kMaxTargetBytes)
    return fail(Failure::kInvalidSignature,
                "The request target is longer than " + std::to_string(kMaxTargetBytes) + " bytes.");
  const std::size_t question = target.find('?');
  const std::string_view path = target.substr(0, question);
  const std::string_view query =
      question == std::string_view::npos ? std::string_view{} : target.substr(question + 1);
  if (static_cast<std::size_t>(std::count(query.begin(), query.end(), '&')) >= kMaxQueryParameters)
    return fail(Failure::kInvalidSignature,
                "The query has more than " + std::to_string(kMaxQueryParameters) + " parameters.");

  const std::string canonical =
      canonical_request(method, path, query, headers, header->signed_headers, body_hash);
  const std::string expected =
      signature(signing_key(key->secret, scope[1], scope[2], scope[3]),
                string_to_sign(header->request_time, credential_scope(scope[1], scope[2], scope[3]),
                               canonical));
  const std::string_view sent = header->auth.signature;
  if (sent.size() != expected.size() ||
      CRYPTO_memcmp(sent.data(), expected.data(), expected.size()) != 0)
    return fail(Failure::kInvalidSignature,
                "The request signature we calculated does not match the signature you provided. "
                "Check your AWS Secret Access Key and signing method. Consult the service "
                "documentation for details.");
  return key->caller;
}

}  // namespace settled::aws
