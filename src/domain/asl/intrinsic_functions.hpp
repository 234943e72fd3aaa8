#pragma once
// The 18 States.* intrinsic functions: their arity, per-argument checks and implementations.

#include "domain/random_source.hpp"
#include "domain/result.hpp"

#include <boost/json/value.hpp>

#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace settled::asl::intrinsic {

inline constexpr std::size_t kVariadic = std::numeric_limits<std::size_t>::max();

// What a function is given once its arguments are evaluated and have passed check_arg.
struct Invocation {
  const std::vector<boost::json::value>& args;
  // States.Format with a literal template: the template split at its placeholders (escapes
  // already resolved, so "\{}" is text). Null when the template came from a path or a call.
  const std::vector<std::string>* literal_template = nullptr;
  RandomSource& random;
};

struct Function {
  std::string_view name;  // "States.Format"
  std::size_t min_args = 0;
  std::size_t max_args = 0;  // kVariadic: no limit
  // The problem with argument `index` (0-based) taken on its own, e.g. "must be an array, got a
  // string"; nullopt when acceptable. Run on literal arguments when the definition is parsed and
  // on every argument at run time.
  std::optional<std::string> (*check_arg)(std::size_t index,
                                          const boost::json::value& value) = nullptr;
  // Computes the result; fails with kIntrinsicFailure and a message saying why.
  Result<boost::json::value> (*run)(const Invocation& call) = nullptr;
};

// The function named `name` ("States.ArrayLength"), or nullptr.
const Function* find_function(std::string_view name);

// "a string", "an array", ... for messages.
std::string describe_kind(const boost::json::value& value);

}  // namespace settled::asl::intrinsic
