#pragma once
// The JSON responses every route answers with: a body and its status (http_status.hpp), an
// error in the one JSON error shape, or an actor's answer.

#include "actors/messages.hpp"
#include "adapters/http/http_message.hpp"
#include "domain/error.hpp"

#include <boost/json/value.hpp>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace settled::api {

adapters::HttpResponse json_response(unsigned status, const boost::json::value& body);
adapters::HttpResponse error_response(const Error& error);
adapters::HttpResponse error_response(ErrorCode code, std::string message);
// 405 MethodNotAllowed for `req`, with the Allow header RFC 9110 15.5.6 asks for: `allowed` are
// the route's methods, and HEAD is added after GET (a HEAD is answered as its GET).
adapters::HttpResponse method_not_allowed(const adapters::HttpRequest& req,
                                          std::initializer_list<const char*> allowed);
// 403 Forbidden unless the caller holds `scope`: "<what> need(s) an identity with scope ...".
// Nothing when it does.
std::optional<adapters::HttpResponse> forbidden_without_scope(const adapters::HttpRequest& req,
                                                              std::string_view scope,
                                                              std::string_view what);
// An actor's answer: its outcome's status and body, or its refusal.
adapters::HttpResponse answer_response(const actors::Answer& answer);

}  // namespace settled::api
