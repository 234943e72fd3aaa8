#include "domain/stored_json.hpp"

#include <boost/json/parse.hpp>

namespace settled {

Result<boost::json::value> parse_stored_json(std::string_view text, std::string_view what) {
  boost::system::error_code ec;
  // parse(…, ec) reports syntax errors and the depth limit through ec; it throws only on
  // allocation failure, which is caught too so that no stored byte can unwind an actor.
  try {
    boost::json::value value = boost::json::parse(text, ec);
    if (!ec) return value;
  } catch (const std::exception& e) {
    return Error{ErrorCode::kRecordCorrupt, std::string(what) + " cannot be read: " + e.what()};
  }
  return Error{ErrorCode::kRecordCorrupt, std::string(what) + " cannot be read: " + ec.message()};
}

}  // namespace settled
