#pragma once
// JSONPath as Amazon States Language uses it: the Jayway-compatible subset that Step Functions
// accepts in InputPath, Parameters ("x.$"), ResultSelector, ResultPath, OutputPath, ItemsPath and
// Choice rules. Paths are compiled once (when a definition is loaded) and evaluated many times.

#include "domain/result.hpp"

#include <boost/json/value.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace settled::jsonpath {

// Bounds that keep compiling and evaluating any text within a small, fixed stack: a path longer
// than kMaxPathLength bytes, or a filter whose parentheses and '!' nest deeper than
// kMaxFilterNesting, is refused. Real ASL paths are a few dozen bytes and nest two or three deep.
inline constexpr std::size_t kMaxPathLength = 4096;
inline constexpr int kMaxFilterNesting = 32;

namespace detail {
struct Compiled;
}  // namespace detail

// A compiled path. Immutable and cheap to copy (the compiled form is shared).
class Path {
 public:
  // The root path "$".
  Path();

  // The text the path was compiled from, exactly as written.
  const std::string& text() const;
  // Starts with "$$": refers to the context object, not the input.
  bool is_context() const;
  // Starts with "$name" (a letter or '_' after the '$'): reads the workflow variable `name`
  // (set by a state's Assign). Empty for input and context paths.
  const std::string& variable() const;
  // The path as Jayway prints it in errors ("$['a']['b'][0]"), which Step Functions quotes in
  // its causes; the text itself when it has more than names and indexes.
  std::string normalized() const;
  // Only plain children and non-negative indexes: no wildcard, slice, union, filter, recursive
  // descent, negative index. These are the only paths ResultPath may use.
  bool is_reference() const;
  // Selects at most one node (reference paths are definite; "$.a[-1]" is definite too).
  bool is_definite() const;

 private:
  friend Result<Path> compile(std::string_view text);
  friend Result<boost::json::value> select(const Path& path, const boost::json::value& root);
  friend Result<boost::json::value> assign(boost::json::value root, const Path& path,
                                           boost::json::value value);

  explicit Path(std::shared_ptr<const detail::Compiled> compiled);

  std::shared_ptr<const detail::Compiled> compiled_;
};

// Compiles "$", "$.a.b", "$['a b'].c", "$.a[0]", "$.a[-1]", "$.a[*]", "$.*", "$.a[1:3]",
// "$.a[0,2]", "$['a','b']", "$..price", "$.items[?(@.price < 10)]", "$.items[?(@.tag)]" (filters
// support == != < <= > >= against numbers, 'string' / "string", true, false, null and other
// paths, combined with &&, ||, ! and parentheses), and the same with a "$$" root.
// Fails with kInvalidDefinition and a message naming the offending position, e.g.
// "invalid JSONPath '$.a[': unterminated bracket at position 3"; a text over the limits above is
// refused the same way (quoting only its start).
Result<Path> compile(std::string_view text);

// What one indefinite selection may examine (values visited or selected, across its steps) and
// return (the JSON text of its matches): more fails with kPayloadTooLarge.
inline constexpr std::size_t kMaxSelectionSteps = 1'000'000;
inline constexpr std::size_t kMaxSelectionBytes = 256 * 1024;

// Selects from `root` (the input, the context object for a "$$" path, or the variable's value for
// a "$name" path).
// A definite path returns the node itself, or kInvalidRequest "path '$.x' does not exist in the
// input" when nothing matches. An indefinite path returns an array of all matches in document
// order (empty when none match, as Step Functions does).
Result<boost::json::value> select(const Path& path, const boost::json::value& root);

// ResultPath semantics: returns `root` with `value` placed at the reference path `path`. "$"
// replaces the whole document; missing intermediate objects are created; an index sets an
// existing array element. A non-object intermediate, a non-object root (unless the path is "$"),
// or an out-of-range index fails with kInvalidRequest; a path that is not a reference path, or a
// "$$" path, fails with kInvalidDefinition.
Result<boost::json::value> assign(boost::json::value root, const Path& path,
                                  boost::json::value value);

}  // namespace settled::jsonpath
