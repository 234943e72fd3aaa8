#pragma once
// Where a downstream client (Stripe, Veriff) sends its requests, parsed from the configured base
// URL.

#include "domain/result.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace settled::adapters {

struct DownstreamEndpoint {
  bool tls = true;
  std::string host;  // as written, without brackets for IPv6 ("::1")
  std::uint16_t port = 443;
  std::string path_prefix;  // "" or e.g. "/stripe", never ending in '/'
  std::string host_header;  // Host: value, port only when not the scheme's default
};

// "https://host[:port][/prefix]", or "http://..." for 127.0.0.1, localhost or [::1] only:
// plain HTTP would put the secret key and card data on the wire, so it is for loopback fakes.
// kInvalidRequest saying what is wrong otherwise (other schemes, user info, query, fragment),
// naming the downstream (`name`: "Stripe", "Veriff").
Result<DownstreamEndpoint> parse_downstream_endpoint(std::string_view base_url,
                                                     std::string_view name);

}  // namespace settled::adapters
