#pragma once
// How large and how deeply nested an ASL definition may be. Every recursive step of parsing and
// validating (and of evaluating what was parsed) is bounded by one of these, so no definition can
// exhaust the stack; each refusal is kInvalidDefinition naming the field and the limit.
// JSONPath's own bounds (length and filter nesting) are in domain/json_path.hpp.

#include <cstddef>

namespace settled::asl {

// Step Functions refuses definitions over 1 MB; so does settled (workflow files included).
inline constexpr std::size_t kMaxDefinitionBytes = 1024 * 1024;
// Parallel branches and Map item processors inside one another.
inline constexpr int kMaxBranchNesting = 16;
// And / Or / Not inside one another in one Choices[] rule.
inline constexpr int kMaxChoiceRuleNesting = 32;
// Objects and arrays inside one another in Parameters, ResultSelector or ItemSelector.
inline constexpr int kMaxTemplateNesting = 32;
// Step Functions allows up to 10 nested intrinsic function calls in one field.
inline constexpr int kMaxIntrinsicNesting = 10;
// Bytes of one intrinsic function call ("States.Format('...', $.a, ...)").
inline constexpr std::size_t kMaxIntrinsicLength = 8192;
// A refused definition's message lists its first problems, each cut to a length, and counts
// the rest: a megabyte of hostile definition made a message of hundreds of megabytes (every
// problem named the path to it, and a path repeats the names of the states around it).
inline constexpr std::size_t kMaxListedProblems = 20;
inline constexpr std::size_t kMaxProblemBytes = 1024;
// A state name is 1 to 80 characters; a longer one is quoted cut to this length.
inline constexpr std::size_t kMaxStateNameLength = 80;

}  // namespace settled::asl
