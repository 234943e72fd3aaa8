#pragma once
// Choice state rules: the comparison operators of ASL and And/Or/Not.

#include "domain/asl/state_machine.hpp"
#include "domain/result.hpp"

namespace settled::asl {

// True if the rule matches. A Variable that does not exist is an error (States.Runtime),
// except for IsPresent; a value of another type than the operator compares is simply no match.
Result<bool> evaluate_choice(const ChoiceRule& rule, const boost::json::value& input,
                             const boost::json::value& context);

// "*" matches any run of characters; "\*" a literal star; "\\" a literal backslash.
bool string_matches(std::string_view text, std::string_view pattern);

}  // namespace settled::asl
