#include "api/http_responses.hpp"

#include "api/http_status.hpp"

#include <boost/json.hpp>

#include <string_view>

namespace settled::api {

adapters::HttpResponse json_response(unsigned status, const boost::json::value& body) {
  adapters::HttpResponse response{status, boost::json::serialize(body), "application/json", {}};
  // Every "not now" (overload, a store that cannot write, draining) says when to come back.
  if (status == 503 || status == 429) response.headers.emplace_back("Retry-After", "1");
  return response;
}

adapters::HttpResponse error_response(const Error& error) {
  return json_response(http_status(error.code), to_json(error));
}

adapters::HttpResponse error_response(ErrorCode code, std::string message) {
  return error_response(Error{code, std::move(message)});
}

adapters::HttpResponse method_not_allowed(const adapters::HttpRequest& req,
                                          std::initializer_list<const char*> allowed) {
  std::string allow;
  for (const char* method : allowed) {
    allow += (allow.empty() ? "" : ", ") + std::string(method);
    if (std::string_view(method) == "GET") allow += ", HEAD";
  }
  adapters::HttpResponse response = error_response(
      ErrorCode::kMethodNotAllowed, req.method_for_display() + " is not allowed on " +
                                        req.path_for_display() + " (allowed: " + allow + ")");
  response.headers.emplace_back("Allow", std::move(allow));
  return response;
}

adapters::HttpResponse answer_response(const actors::Answer& answer) {
  if (!answer) return error_response(answer.error());
  return json_response(http_status(answer->outcome), answer->body);
}

std::optional<adapters::HttpResponse> forbidden_without_scope(const adapters::HttpRequest& req,
                                                              std::string_view scope,
                                                              std::string_view what) {
  if (req.caller.has_scope(scope)) return std::nullopt;
  return error_response(
      ErrorCode::kForbidden,
      std::string(what) + " an identity with scope \"" + std::string(scope) + "\"" +
          (req.caller.identity.empty() ? std::string()
                                       : "; \"" + req.caller.identity + "\" does not have it"));
}

}  // namespace settled::api
