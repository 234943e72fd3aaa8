#pragma once
// The request target, parsed once (Boost.URL) where the HTTP session receives it: the API-key
// check, the router and the logs all read these same decoded segments, so no layer can see a
// different path than another. Anything a normaliser would have to guess at is refused instead
// of normalised (see parse_request_target).

#include "domain/result.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace settled::adapters {

struct RequestTarget {
  // The path as received, e.g. "/v1/executions/payment:p-1" (still percent-encoded); for logs.
  std::string path;
  // Decoded path segments: "/v1/executions/a%20b" -> {"v1", "executions", "a b"}; "/" -> {}.
  std::vector<std::string> segments;
  // Decoded query parameters in the order received; a name appears at most once.
  std::vector<std::pair<std::string, std::string>> query;

  // The decoded value of query parameter `name`, nullopt if absent ("" if given without "=").
  std::optional<std::string> query_param(std::string_view name) const;
};

// Parses an HTTP request target. Refused (kInvalidRequest, the message says why):
// - a target that is not origin-form ("http://host/v1/...", "host:443", "*"), or has a fragment;
// - an empty segment anywhere but the root "/": "//v1/executions", "/v1/executions/";
// - a dot segment, plain or encoded: "/v1/./executions", "/v1/%2e%2e/x";
// - an encoded "/" or "\" inside a segment ("/v1%2Fexecutions"), or a raw "\";
// - NUL or another control character, or text that is not UTF-8, in a segment or a parameter;
// - a query parameter given twice ("?limit=1&limit=2").
Result<RequestTarget> parse_request_target(std::string_view target);

}  // namespace settled::adapters
