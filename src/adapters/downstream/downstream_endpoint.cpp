#include "adapters/downstream/downstream_endpoint.hpp"

#include <boost/algorithm/string/case_conv.hpp>

namespace settled::adapters {

Result<DownstreamEndpoint> parse_downstream_endpoint(std::string_view base_url,
                                                     std::string_view name) {
  const std::string url(base_url);
  auto invalid = [&](const std::string& why) {
    return Error{ErrorCode::kInvalidRequest,
                 "invalid " + std::string(name) + " API base URL '" + url + "': " + why};
  };
  DownstreamEndpoint endpoint;
  std::string_view rest = base_url;
  const auto scheme_end = rest.find("://");
  if (scheme_end == std::string_view::npos) return invalid("expected https://host[:port]");
  const std::string scheme =
      boost::algorithm::to_lower_copy(std::string(rest.substr(0, scheme_end)));
  if (scheme == "https") {
    endpoint.tls = true;
    endpoint.port = 443;
  } else if (scheme == "http") {
    endpoint.tls = false;
    endpoint.port = 80;
  } else {
    return invalid("the scheme must be https");
  }
  rest.remove_prefix(scheme_end + 3);
  if (rest.find_first_of("?#") != std::string_view::npos)
    return invalid("no query or fragment allowed");
  const auto path_start = rest.find('/');
  std::string_view authority = rest.substr(0, path_start);
  std::string_view path =
      path_start == std::string_view::npos ? std::string_view{} : rest.substr(path_start);
  if (authority.find('@') != std::string_view::npos) return invalid("no user info allowed");

  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return invalid("unclosed '[' in the host");
    endpoint.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return invalid("junk after the host");
      port_text = after.substr(1);
    }
  } else {
    const auto colon = authority.find(':');
    endpoint.host = boost::algorithm::to_lower_copy(std::string(authority.substr(0, colon)));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
  }
  if (endpoint.host.empty()) return invalid("no host");
  if (!port_text.empty()) {
    unsigned long port = 0;
    for (char c : port_text) {
      if (!std::isdigit(static_cast<unsigned char>(c)) || port > 65535) return invalid("bad port");
      port = port * 10 + static_cast<unsigned long>(c - '0');
    }
    if (port == 0 || port > 65535) return invalid("bad port");
    endpoint.port = static_cast<std::uint16_t>(port);
  }
  if (!endpoint.tls && endpoint.host != "127.0.0.1" && endpoint.host != "localhost" &&
      endpoint.host != "::1") {
    return invalid("plain http is only allowed for 127.0.0.1, localhost or [::1]; use https");
  }
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  endpoint.path_prefix = std::string(path);

  const bool ipv6 = endpoint.host.find(':') != std::string::npos;
  endpoint.host_header = ipv6 ? "[" + endpoint.host + "]" : endpoint.host;
  const std::uint16_t default_port = endpoint.tls ? 443 : 80;
  if (endpoint.port != default_port) endpoint.host_header += ":" + std::to_string(endpoint.port);
  return endpoint;
}

}  // namespace settled::adapters
