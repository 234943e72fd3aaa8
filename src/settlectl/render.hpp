#pragma once
// How settlectl shows a command's result to a person: aligned tables and key/value lines.
// (--json prints the result object as the daemon sent it instead.)

#include <boost/json/value.hpp>

#include <string>
#include <vector>

namespace settled::ctl {

// Columns padded to their widest cell; the first row is the header.
std::string table(const std::vector<std::vector<std::string>>& rows);

// The text for `command`'s result (e.g. "status", "executions.list").
std::string render(const std::string& command, const boost::json::value& result);

}  // namespace settled::ctl
