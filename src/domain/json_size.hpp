#pragma once
// The size of a JSON value as serialized text, computed without serializing it: the engine
// checks every state's input and output against Step Functions' 256 KiB payload limit.

#include <boost/json/value.hpp>

#include <cstddef>

namespace settled {

// Bytes of boost::json::serialize(value), counting at most up to `limit` (stops early and
// returns a number above `limit` once the value is known to be larger).
std::size_t serialized_size(const boost::json::value& value, std::size_t limit);

}  // namespace settled
