#pragma once
// Reading back what settled stored: never throws. A row that does not parse (corrupt, or deeper
// than the parser allows) is a kRecordCorrupt error naming the table and key, so the caller fails
// one request or quarantines one execution instead of unwinding through an actor.

#include "domain/result.hpp"

#include <boost/json/value.hpp>

#include <string_view>

namespace settled {

// `what` names the row in the error, e.g. "execution payment:p-1".
Result<boost::json::value> parse_stored_json(std::string_view text, std::string_view what);

}  // namespace settled
