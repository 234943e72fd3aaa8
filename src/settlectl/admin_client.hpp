#pragma once
// settlectl's side of the admin socket: one request line out, one reply line back.

#include "domain/result.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <string>

namespace settled::ctl {

// Sends `request` (with an "id" added) and returns the reply object
// ({"id", "ok", "result" | "error"}), or why the daemon could not be asked.
Result<boost::json::object> call(const std::string& socket_path, boost::json::object request,
                                 std::chrono::seconds timeout);

// A list paged as Stripe's are ({"<list>": [...], "has_more"}, asked again with
// "startingAfter" set to the last item's "<key>"): every page, `request` asking the largest one
// (its "limit"), answered as one reply whose result lists them all, with "has_more": false. A
// refusal (of any page) is the reply as it came; an answer with no "has_more" is the whole list.
Result<boost::json::object> call_every_page(const std::string& socket_path,
                                            boost::json::object request,
                                            std::chrono::seconds timeout, const char* list,
                                            const char* key);

}  // namespace settled::ctl
