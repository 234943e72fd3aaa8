#pragma once
// The two ways settled reads JSON text, so every parse has a deliberate depth limit:
// - request JSON (HTTP bodies, admin requests, callback outputs): nesting up to
//   kRequestJsonMaxDepth, and an object that names a key twice is refused (Boost.JSON would
//   keep the last one silently, so the client and settled would read different documents);
// - stored JSON (records, history, rows settled wrote itself): a larger limit, because what is
//   stored wraps what was accepted (the execution record, history events) and workflows may
//   nest their data further. Anything accepted can therefore always be read back.

#include "domain/result.hpp"

#include <boost/json/value.hpp>
#include <boost/system/error_code.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace settled {

constexpr std::size_t kRequestJsonMaxDepth = 64;
constexpr std::size_t kStoredJsonMaxDepth = 512;
// The deepest a payload may nest once a workflow has built it (a state's output, an assigned
// variable; a Pass that wraps its input in an object, looped, nests it one level a turn): what
// settled stores around it (the record, a variable's name) must still read back within
// kStoredJsonMaxDepth.
constexpr std::size_t kPayloadMaxDepth = kStoredJsonMaxDepth - 12;

// Whether `json_text` (valid JSON, as settled writes it) nests arrays and objects deeper than
// `depth`. Counts the brackets first: most payloads have fewer than `depth` of them in all.
bool text_nests_deeper_than(std::string_view json_text, std::size_t depth);
// The same for a value.
bool nests_deeper_than(const boost::json::value& value, std::size_t depth);

// `text` as request JSON, or kInvalidJson whose message names `what` ("request body") and the
// problem: not JSON, deeper than kRequestJsonMaxDepth, a key given twice in one object, or a
// number settled cannot keep exactly (named, with why: beyond a double's range, or an integer
// beyond int64 and uint64, which would be rounded to a double).
Result<boost::json::value> parse_request_json(std::string_view text,
                                              std::string_view what = "request body");

// JSON text that is a value inside settled's data, not a request (States.StringToJson's
// argument): read as json::parse reads it (its default depth, 32; of a repeated key the last
// stands), with numbers read exactly and one settled cannot keep exactly refused, as
// parse_request_json does. kInvalidJson: "<what> is not valid JSON (<reason>)" or "<what> has
// the number <text>, <why>".
Result<boost::json::value> parse_json_exactly(std::string_view text, std::string_view what);

// Why settled cannot keep exactly the number `number` that Boost.JSON read from the text `text`
// (one number, e.g. an intrinsic's literal or a DynamoDB N), or "" when it can: beyond a
// double's range (infinity, which JSON cannot write), or an integer literal beyond int64 and
// uint64 (rounded to a double, which changes it).
std::string inexact_number_problem(const boost::json::value& number, std::string_view text);

// Whether `value` holds a number no double can (a parse of 1e400 keeps it as infinity): JSON
// text cannot hold one, so such a value stored would be a record nobody can read back. Every
// source of values other than request JSON (refused there) checks with it.
bool holds_non_finite_number(const boost::json::value& value);

// `value` as a signed 64-bit integer, or nullopt if it is not one: a fraction, a non-number, or
// an unsigned number past INT64_MAX (Boost.JSON's to_number<std::int64_t> throws on that, and a
// number a client sent must fail one request or state, never unwind through an actor).
std::optional<std::int64_t> exact_int64(const boost::json::value& value);

// `text` as stored JSON (up to kStoredJsonMaxDepth). Like boost::json::parse: the first form
// throws boost::system::system_error, the second sets `ec`.
boost::json::value parse_stored_json(std::string_view text);
boost::json::value parse_stored_json(std::string_view text, boost::system::error_code& ec);
// Never throws: a row that does not parse (corrupt, or deeper than the limit) is a
// kRecordCorrupt error naming it (`what`, e.g. "execution payment:p-1"), so the caller fails
// one request or quarantines one execution instead of unwinding through an actor.
Result<boost::json::value> parse_stored_json(std::string_view text, std::string_view what);

}  // namespace settled
