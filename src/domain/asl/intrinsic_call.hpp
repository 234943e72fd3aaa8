#pragma once
// The parsed form of an intrinsic function call (internal to intrinsics, parser and evaluator).

#include "domain/json_path.hpp"

#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <vector>

namespace settled::asl::intrinsic {

struct Function;

struct Call;

struct Arg {
  enum class Kind { kLiteral, kPath, kCall };
  Kind kind = Kind::kLiteral;
  boost::json::value literal;
  std::optional<jsonpath::Path> path;
  std::vector<Call> call;  // exactly one element for kCall (a vector: Call is incomplete here)
  // For a string literal: its text split at each unescaped "{}" (States.Format placeholders);
  // an escaped "\{" or "\}" stays text. One element when there is no placeholder.
  std::vector<std::string> segments;
};

struct Call {
  const Function* function = nullptr;
  std::vector<Arg> args;
};

}  // namespace settled::asl::intrinsic
