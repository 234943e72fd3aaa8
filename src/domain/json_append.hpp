#pragma once
// JSON text appended to a string the caller reuses: byte for byte what boost::json::serialize
// writes, without the temporary string serialize returns for each value. The history chunk,
// the execution record, the Stripe simulator's rows and the ledger's rows are written with it.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <string_view>

namespace settled {

// `text` as a JSON string token, quotes included.
void append_json_string(std::string& out, std::string_view text);

// `value` as JSON text (no white space, as json::serialize writes it).
void append_json(std::string& out, const boost::json::value& value);
// The same for an object or array held as such (no copy into a value first).
void append_json(std::string& out, const boost::json::object& object);
void append_json(std::string& out, const boost::json::array& array);

}  // namespace settled
