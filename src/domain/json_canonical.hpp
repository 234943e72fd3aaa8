#pragma once
// JSON equality by meaning, not by spelling: what decides whether a repeated request is a replay
// of the first (same execution) or a different request (409). Numbers are compared by value
// (100, 100.0 and 1e2 are one number; 2^53+1 is not 2^53), object key order does not matter.

#include <boost/json/value.hpp>

namespace settled {

bool canonical_equal(const boost::json::value& a, const boost::json::value& b);

}  // namespace settled
