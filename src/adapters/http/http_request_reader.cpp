#include "adapters/http/http_request_reader.hpp"

#include <boost/algorithm/string/case_conv.hpp>

#include <string_view>
#include <utility>

namespace settled::adapters {

namespace http = boost::beast::http;

Result<HttpRequest> read_http_request(http::request<http::string_body>&& message,
                                      std::string remote_address) {
  HttpRequest request;
  // As received: a HEAD stays HEAD, so that a 405 and the logs name it. Routes answer it as
  // their GET (HttpRequest::is_get_or_head), and the session drops the body of that answer.
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  auto parsed_target = parse_request_target(request.target);
  if (!parsed_target) return parsed_target.error();
  request.parsed_target = std::move(*parsed_target);
  request.authorization = std::string(message[http::field::authorization]);
  request.content_type = std::string(message[http::field::content_type]);
  request.remote_address = std::move(remote_address);
  for (const auto& field : message) {
    request.headers.emplace_back(boost::algorithm::to_lower_copy(std::string(field.name_string())),
                                 std::string(field.value()));
  }
  request.body = std::move(message.body());
  return request;
}

}  // namespace settled::adapters
