#include "api/http_responses.hpp"

#include "api/http_status.hpp"

#include <boost/json.hpp>

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

adapters::HttpResponse answer_response(const actors::Answer& answer) {
  if (!answer) return error_response(answer.error());
  return json_response(http_status(answer->outcome), answer->body);
}

}  // namespace settled::api
