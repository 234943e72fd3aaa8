#pragma once
// JSON equality by meaning, not by spelling: what decides whether a repeated request is a replay
// of the first (same execution) or a different request (409). Numbers are compared by value
// (100, 100.0 and 1e2 are one number; 2^53+1 is not 2^53), object key order does not matter.

#include <boost/json/value.hpp>

#include <string>

namespace settled {

bool canonical_equal(const boost::json::value& a, const boost::json::value& b);

// The JSON text of `value` in that meaning's one spelling: object keys sorted, a number that is
// a whole number in 64 bits written as an integer (100.0 and 1e2 as 100, -0.0 as 0), any other
// as Boost.JSON writes a double (shortest round trip). canonical_equal values have the same
// text, so its SHA-256 stands for the value in a stored row.
std::string canonical_text(const boost::json::value& value);

// The same with numbers as Boost.JSON writes them: what a stored definition's sha256 was
// computed over (state_machine_versions.hpp, canonical_json), which must never change.
std::string sorted_keys_text(const boost::json::value& value);

}  // namespace settled
