#pragma once
// The one place where the domain's answers become HTTP statuses: every route answers an
// ErrorCode or an Outcome with the status given here.

#include "domain/error.hpp"
#include "domain/outcome.hpp"

namespace settled::api {

// 400, 401, 404, 405, 409, 413, 429, 500, 503 or 504.
unsigned http_status(ErrorCode code);
// 201 created, 200 existing or applied, 202 kept.
unsigned http_status(Outcome outcome);

}  // namespace settled::api
