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

}  // namespace settled::ctl
