#pragma once
// Workflow variables in the JSONPath dialect: a state's "Assign" sets them, "$name" paths read
// them (Parameters, ResultSelector, ItemSelector, Choice rules, *Path fields, intrinsic
// arguments, InputPath/OutputPath). Step Functions' rules ("Passing data between states with
// variables", developer guide):
//   - Assign is evaluated against the state's result (a Task's after ResultSelector, a
//     Parallel's or Map's array of branch outputs, a Pass state's Result or effective input, a
//     Choice's or Wait's input after InputPath; in a Catch, the error output), and every
//     reference in it reads the values the variables had when the state was entered; the new
//     values are visible from the next state on;
//   - the top-level states share one scope; each Parallel branch and Map iteration has its own,
//     which reads the outer scopes' variables but never changes them (nothing flows out of a
//     branch but its output);
//   - the values of one Assign are at most 256 KiB of JSON text, and all the variables an
//     execution stores at most 10 MiB (States.DataLimitExceeded).
// The engine keeps an execution's own variables in its durable record and hands the visible
// ones to the interpreter inside the context value (under kVariablesKey, which no "$$" path can
// name or see).

#include "domain/asl/payload_template.hpp"
#include "domain/json_path.hpp"
#include "domain/result.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace settled::asl {

// Where the visible variables travel inside the context value. Starts with a byte no
// definition's path can contain, so "$$..." never reaches it.
inline constexpr std::string_view kVariablesKey = "\x01variables";
// The id of the state's StateEntered event, for the "(entered at the event id #N)" of Step
// Functions' runtime error causes; travels in the context value the same way.
inline constexpr std::string_view kEnteredEventKey = "\x01enteredEventId";

// Step Functions: the values one Assign sets are at most 256 KiB of JSON text.
inline constexpr std::size_t kAssignLimitBytes = 256 * 1024;
// Step Functions: all the variables one execution stores are at most 10 MiB
// (States.DataLimitExceeded past it). Counted as the JSON text of the object of every variable
// visible to a state (its own scope's and, in a Parallel branch or Map iteration, the outer
// scopes' it reads).
inline constexpr std::size_t kVariablesTotalLimitBytes = 10 * 1024 * 1024;
// Step Functions: a variable name is at most 80 characters.
inline constexpr std::size_t kMaxVariableNameLength = 80;

// A name Assign may set: 1 to 80 characters, a letter or '_' then letters, digits or '_' (what
// a "$name" path can read), and not the reserved "states".
bool valid_variable_name(std::string_view name);

// The context value with `variables` as the visible workflow variables.
boost::json::value with_variables(boost::json::value context, const boost::json::object& variables);
// The context value carrying the id of the state's StateEntered event (0: unknown).
boost::json::value with_entered_event(boost::json::value context, std::int64_t event_id);
std::int64_t entered_event(const boost::json::value& context);

// Evaluates a path of any root: "$..." reads `input`, "$$..." the context object, "$name..."
// the workflow variable `name` (kInvalidRequest if it is not set).
Result<boost::json::value> select_path(const jsonpath::Path& path, const boost::json::value& input,
                                       const boost::json::value& context);

// The size of the JSON text of the variables visible in `context` once `assigned` is set over
// them (`{"name":value,...}`), counting at most up to `limit` (a number above `limit` once the
// total is known to be larger).
std::size_t stored_variables_size(const boost::json::value& context,
                                  const boost::json::object& assigned, std::size_t limit);

// Renders a state's Assign against `root` (see above for what that is per state type). Fails
// as a Parameters template does, or with kPayloadTooLarge past kAssignLimitBytes.
Result<boost::json::object> evaluate_assign(const PayloadTemplate& assign,
                                            const boost::json::value& root,
                                            const boost::json::value& context);

}  // namespace settled::asl
