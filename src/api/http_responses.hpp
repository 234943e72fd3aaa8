#pragma once
// The JSON responses every route answers with: a body and its status (http_status.hpp), an
// error in the one JSON error shape, or an actor's answer.

#include "actors/messages.hpp"
#include "adapters/http/http_message.hpp"
#include "domain/error.hpp"

#include <boost/json/value.hpp>

#include <string>

namespace settled::api {

adapters::HttpResponse json_response(unsigned status, const boost::json::value& body);
adapters::HttpResponse error_response(const Error& error);
adapters::HttpResponse error_response(ErrorCode code, std::string message);
// An actor's answer: its outcome's status and body, or its refusal.
adapters::HttpResponse answer_response(const actors::Answer& answer);

}  // namespace settled::api
