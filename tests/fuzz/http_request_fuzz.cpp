// libFuzzer target: the HTTP request path without a network. The bytes are one request as it
// arrives on a connection: Beast's parser with the server's header and body limits (as
// adapters/http_session.cpp reads it), the HttpRequest the session builds from it, the API-key
// check in front of /v1 (adapters/api_keys.cpp, keys configured), the request-target parser
// (adapters/request_target.cpp, where the tree has it), then the body's JSON parse the API does.
// The routing behind it needs the actor system and LMDB, and is not run here.

#include "adapters/api_keys.hpp"
#include "adapters/http_message.hpp"
#include "fuzz_input.hpp"
#ifdef SETTLED_FUZZ_REQUEST_TARGET
#include "adapters/request_target.hpp"
#endif

#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

namespace http = boost::beast::http;

namespace {

// Both the key and its hash are public test values; the fuzzer finds "Bearer fuzz-key" from
// the seed corpus.
const settled::adapters::ApiKeys& keys() {
  static const settled::adapters::ApiKeys configured({settled::adapters::sha256_hex("fuzz-key")});
  return configured;
}

void check_response(const settled::adapters::HttpResponse& response) {
  if (response.status < 100 || response.status > 599) __builtin_trap();
  // Every refusal is the one JSON error shape.
  if (response.status >= 400) {
    boost::system::error_code ec;
    const auto body = boost::json::parse(response.body, ec);
    if (ec || !body.is_object() || !body.as_object().contains("error")) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace settled;
  const adapters::HttpServerOptions options;
  http::request_parser<http::string_body> parser;
  parser.eager(true);
  parser.body_limit(static_cast<std::uint64_t>(options.body_limit));
  parser.header_limit(static_cast<std::uint32_t>(options.header_limit));
  boost::system::error_code ec;
  std::string_view rest = fuzz::as_text(data, size);
  while (!rest.empty() && !parser.is_done()) {
    const std::size_t used = parser.put(boost::asio::buffer(rest.data(), rest.size()), ec);
    if (ec == http::error::need_more) break;
    if (ec) return 0;
    if (used == 0) break;
    rest.remove_prefix(used);
  }
  if (!parser.is_done()) {
    // The connection closing mid-message, as http::read reports it (only after some bytes).
    if (!parser.got_some()) return 0;
    parser.put_eof(ec);
    if (ec || !parser.is_done()) return 0;
  }
  auto message = parser.release();

  adapters::HttpRequest request;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  request.authorization = std::string(message[http::field::authorization]);
  request.content_type = std::string(message[http::field::content_type]);
  request.remote_address = "127.0.0.1:1";
  for (const auto& field : message) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    request.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  request.body = std::move(message.body());
  (void)request.header("idempotency-key");
#ifdef SETTLED_FUZZ_REQUEST_TARGET
  // The one parse of the target that authentication and routing both read: whatever it
  // accepts has no segment a normaliser would rewrite.
  if (auto target = adapters::parse_request_target(request.target)) {
    for (const std::string& segment : target->segments) {
      if (segment.empty() || segment == "." || segment == ".." ||
          segment.find('/') != std::string::npos || segment.find('\\') != std::string::npos ||
          segment.find('\0') != std::string::npos)
        __builtin_trap();
    }
  }
#endif

  const adapters::HttpHandler api = [](adapters::HttpRequest req, adapters::HttpResponder respond) {
    boost::system::error_code parse_ec;
    const auto body = boost::json::parse(req.body, parse_ec);
    adapters::HttpResponse response;
    response.status = parse_ec ? 400 : 200;
    response.body =
        parse_ec ? R"({"error":"InvalidJson","message":"x"})" : boost::json::serialize(body);
    respond(std::move(response));
  };
  const adapters::HttpHandler guarded = adapters::require_api_key(keys(), api);
  guarded(std::move(request), check_response);
  return 0;
}
