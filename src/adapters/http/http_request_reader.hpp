#pragma once
// Turns a request Beast has parsed into the plain HttpRequest the handler takes: the target
// parsed once (refused here if not canonical), headers lower-cased, the method as received (the
// routes answer a HEAD as its GET; the session drops the body). One function, so that the server
// and the HTTP fuzzer (tests/fuzz/http_request_fuzz.cpp) hand the routes the same thing.

#include "adapters/http/http_message.hpp"
#include "domain/error.hpp"

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <string>

namespace settled::adapters {

// The request, or the 400 InvalidRequest error its target gets.
Result<HttpRequest> read_http_request(
    boost::beast::http::request<boost::beast::http::string_body>&& message,
    std::string remote_address);

}  // namespace settled::adapters
