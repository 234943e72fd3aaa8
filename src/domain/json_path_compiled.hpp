#pragma once
// A compiled JSONPath (json_path.hpp's Path): the parser (json_path_parser.cpp) builds it once,
// the evaluator (json_path.cpp) walks it for every select() and assign().

#include "domain/json_path.hpp"
#include "domain/result.hpp"

#include <boost/json/value.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <vector>

namespace settled::jsonpath {

namespace json = boost::json;

namespace detail {

// One step of a path inside a filter ("@.a[0]['b c']"): filters only need definite steps.
struct FilterStep {
  bool is_index = false;
  std::string name;
  std::int64_t index = 0;
};

struct Operand {
  enum class Kind { kCurrent, kRoot, kLiteral };
  Kind kind = Kind::kLiteral;
  std::vector<FilterStep> steps;
  json::value literal;
};

enum class CompareOp { kEq, kNe, kLt, kLe, kGt, kGe };

struct FilterExpr {
  enum class Kind { kOr, kAnd, kNot, kExists, kCompare };
  Kind kind = Kind::kExists;
  std::vector<FilterExpr> children;  // kOr, kAnd (two or more), kNot (one)
  Operand lhs;                       // kExists, kCompare
  Operand rhs;                       // kCompare
  CompareOp op = CompareOp::kEq;
};

enum class SelectorKind { kName, kIndex, kWildcard, kSlice, kNames, kIndexes, kFilter };

struct Selector {
  SelectorKind kind = SelectorKind::kName;
  std::vector<std::string> names;     // kName (exactly one), kNames
  std::vector<std::int64_t> indexes;  // kIndex (exactly one), kIndexes
  std::optional<std::int64_t> start;  // kSlice
  std::optional<std::int64_t> end;    // kSlice
  std::int64_t step = 1;              // kSlice
  FilterExpr filter;                  // kFilter
};

struct Segment {
  bool descendant = false;  // "..": apply the selector at every depth
  Selector selector;
  std::size_t end = 0;  // offset in the text just past this segment, to name prefixes in errors
};

struct Compiled {
  std::string text;
  bool context = false;
  std::string variable;  // "$name...": a workflow variable's name (Assign), else empty
  std::vector<Segment> segments;
  bool reference = true;
  bool definite = true;
};

}  // namespace detail

namespace detail {
// Compiles `text`, or says where it stopped making sense (kInvalidDefinition).
Result<Compiled> parse_path(std::string_view text);
}  // namespace detail

}  // namespace settled::jsonpath
