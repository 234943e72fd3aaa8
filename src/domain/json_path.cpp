#include "domain/json_path.hpp"

#include "domain/json_path_compiled.hpp"
#include "domain/json_size.hpp"

#include <boost/json/value.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace settled::jsonpath {

namespace json = boost::json;

namespace {

// The compiled form (json_path_compiled.hpp), named without its namespace.
using namespace detail;

// ---- evaluation ----

using Nodes = std::vector<const json::value*>;

const json::value* array_at(const json::array& arr, std::int64_t index) {
  const auto size = static_cast<std::int64_t>(arr.size());
  if (index < 0) index += size;
  if (index < 0 || index >= size) return nullptr;
  return &arr[static_cast<std::size_t>(index)];
}

const json::value* resolve(const Operand& op, const json::value& current, const json::value& root) {
  if (op.kind == Operand::Kind::kLiteral) return &op.literal;
  const json::value* node = op.kind == Operand::Kind::kCurrent ? &current : &root;
  for (const FilterStep& step : op.steps) {
    if (step.is_index) {
      if (!node->is_array()) return nullptr;
      node = array_at(node->get_array(), step.index);
    } else {
      if (!node->is_object()) return nullptr;
      node = node->get_object().if_contains(step.name);
    }
    if (node == nullptr) return nullptr;
  }
  return node;
}

// Three-way comparison of two JSON numbers. Integers compare exactly (amounts are int64 minor
// units and must not be rounded through double); a double against an integer compares the
// integral part exactly and then the fraction.
int sign_of(bool less, bool greater) {
  return less ? -1 : (greater ? 1 : 0);
}

// What compare_numbers answers when either side is NaN: no ordering holds and nothing is equal.
// Boost.JSON reads some valid JSON numbers as NaN ("-0e365" is 0 times an overflowed 10^365).
constexpr int kUnordered = 2;

bool is_nan(const json::value& v) {
  return v.is_double() && std::isnan(v.get_double());
}

int compare_double_int(double d, std::int64_t i) {
  if (d < -9223372036854775808.0) return -1;
  if (d >= 9223372036854775808.0) return 1;
  const double t = std::trunc(d);
  const auto ti = static_cast<std::int64_t>(t);
  if (ti != i) return sign_of(ti<i, ti> i);
  return sign_of(d<t, d> t);
}

int compare_double_uint(double d, std::uint64_t u) {
  if (d < 9223372036854775808.0) return -1;  // every such u is >= 2^63
  if (d >= 18446744073709551616.0) return 1;
  const double t = std::trunc(d);
  const auto tu = static_cast<std::uint64_t>(t);
  if (tu != u) return sign_of(tu<u, tu> u);
  return sign_of(d<t, d> t);
}

int compare_numbers(const json::value& a, const json::value& b) {
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  // Normalise uint64 values that fit into int64 so only genuinely huge ones stay unsigned.
  const auto as_int = [&](const json::value& v, std::int64_t& out) {
    if (v.is_int64()) {
      out = v.get_int64();
      return true;
    }
    if (v.is_uint64() && v.get_uint64() <= kMax) {
      out = static_cast<std::int64_t>(v.get_uint64());
      return true;
    }
    return false;
  };
  if (is_nan(a) || is_nan(b)) return kUnordered;
  std::int64_t ia = 0;
  std::int64_t ib = 0;
  const bool a_int = as_int(a, ia);
  const bool b_int = as_int(b, ib);
  if (a_int && b_int) return sign_of(ia<ib, ia> ib);
  if (a.is_double() && b.is_double()) {
    return sign_of(a.get_double() < b.get_double(), a.get_double() > b.get_double());
  }
  if (a.is_double()) {
    return b_int ? compare_double_int(a.get_double(), ib)
                 : compare_double_uint(a.get_double(), b.get_uint64());
  }
  if (b.is_double()) return -compare_numbers(b, a);  // neither is NaN here
  // Both integers, at least one a uint64 above INT64_MAX.
  if (a.is_uint64() && b.is_uint64()) {
    return sign_of(a.get_uint64() < b.get_uint64(), a.get_uint64() > b.get_uint64());
  }
  return a.is_uint64() ? 1 : -1;
}

bool values_equal(const json::value& a, const json::value& b) {
  if (a.is_number() && b.is_number()) return compare_numbers(a, b) == 0;
  return a == b;
}

bool compare(CompareOp op, const json::value* a, const json::value* b) {
  // A missing path equals nothing, so "!=" holds for it (as in Jayway).
  if (op == CompareOp::kEq) return a && b && values_equal(*a, *b);
  if (op == CompareOp::kNe) return !(a && b && values_equal(*a, *b));
  if (!a || !b) return false;
  int c = 0;
  if (a->is_number() && b->is_number()) {
    c = compare_numbers(*a, *b);
    if (c == kUnordered) return false;
  } else if (a->is_string() && b->is_string()) {
    const int r = a->get_string().subview().compare(b->get_string().subview());
    c = sign_of(r<0, r> 0);
  } else {
    return false;  // ordering is only defined between numbers and between strings
  }
  switch (op) {
    case CompareOp::kLt:
      return c < 0;
    case CompareOp::kLe:
      return c <= 0;
    case CompareOp::kGt:
      return c > 0;
    case CompareOp::kGe:
      return c >= 0;
    default:
      return false;
  }
}

bool matches(const FilterExpr& e, const json::value& current, const json::value& root) {
  switch (e.kind) {
    case FilterExpr::Kind::kOr:
      for (const FilterExpr& child : e.children) {
        if (matches(child, current, root)) return true;
      }
      return false;
    case FilterExpr::Kind::kAnd:
      for (const FilterExpr& child : e.children) {
        if (!matches(child, current, root)) return false;
      }
      return true;
    case FilterExpr::Kind::kNot:
      return !matches(e.children.front(), current, root);
    case FilterExpr::Kind::kExists:
      return resolve(e.lhs, current, root) != nullptr;
    case FilterExpr::Kind::kCompare:
      return compare(e.op, resolve(e.lhs, current, root), resolve(e.rhs, current, root));
  }
  return false;
}

void apply(const Selector& sel, const json::value& node, const json::value& root, Nodes& out) {
  switch (sel.kind) {
    case SelectorKind::kName:
    case SelectorKind::kNames:
      if (const json::object* obj = node.if_object()) {
        for (const std::string& name : sel.names) {
          if (const json::value* child = obj->if_contains(name)) out.push_back(child);
        }
      }
      return;
    case SelectorKind::kIndex:
    case SelectorKind::kIndexes:
      if (const json::array* arr = node.if_array()) {
        for (std::int64_t index : sel.indexes) {
          if (const json::value* child = array_at(*arr, index)) out.push_back(child);
        }
      }
      return;
    case SelectorKind::kWildcard:
      if (const json::object* obj = node.if_object()) {
        for (const auto& member : *obj) out.push_back(&member.value());
      } else if (const json::array* arr = node.if_array()) {
        for (const json::value& element : *arr) out.push_back(&element);
      }
      return;
    case SelectorKind::kSlice:
      if (const json::array* arr = node.if_array()) {
        // Python-style bounds: negatives count from the end, then clamp to the array.
        const auto size = static_cast<std::int64_t>(arr->size());
        const auto clamp = [size](std::int64_t i) {
          if (i < 0) i += size;
          return i < 0 ? 0 : (i > size ? size : i);
        };
        const std::int64_t begin = clamp(sel.start.value_or(0));
        const std::int64_t end = clamp(sel.end.value_or(size));
        // Stop before stepping past the end: a step near INT64_MAX must not overflow i.
        for (std::int64_t i = begin; i<end; i = end - i> sel.step ? i + sel.step : end) {
          out.push_back(&(*arr)[static_cast<std::size_t>(i)]);
        }
      }
      return;
    case SelectorKind::kFilter:
      // Jayway: a filter on an array tests each element; on an object it tests the object itself.
      if (const json::array* arr = node.if_array()) {
        for (const json::value& element : *arr) {
          if (matches(sel.filter, element, root)) out.push_back(&element);
        }
      } else if (node.is_object() && matches(sel.filter, node, root)) {
        out.push_back(&node);
      }
      return;
  }
}

// "..": apply the selector to `node`, then to each descendant, depth first in document order.
// A filter instead tests every descendant once (otherwise objects inside arrays would be seen
// twice: as an element and as an object). An explicit stack instead of recursion: documents
// built at run time (ResultPath into ResultPath, loop after loop) can nest arbitrarily deep.
// Each node visited spends one of `steps`; false once they are spent (the walk is cut short).
bool apply_descendant(const Selector& sel, const json::value& node, const json::value& root,
                      Nodes& out, std::size_t& steps) {
  const bool filter = sel.kind == SelectorKind::kFilter;
  std::vector<const json::value*> pending{&node};
  std::vector<const json::value*> children;
  while (!pending.empty()) {
    if (steps == 0) return false;
    --steps;
    const json::value* current = pending.back();
    pending.pop_back();
    if (filter) {
      if (current != &node && matches(sel.filter, *current, root)) out.push_back(current);
    } else {
      apply(sel, *current, root, out);
    }
    children.clear();
    if (const json::object* obj = current->if_object()) {
      for (const auto& member : *obj) children.push_back(&member.value());
    } else if (const json::array* arr = current->if_array()) {
      for (const json::value& element : *arr) children.push_back(&element);
    }
    // Reversed onto the stack so the first child is visited next: document order.
    pending.insert(pending.end(), children.rbegin(), children.rend());
  }
  return true;
}

Error selects_too_much(const Compiled& c, const std::string& what) {
  return Error{ErrorCode::kPayloadTooLarge,
               "The JSONPath '" + c.text.substr(0, 256) + "' selects " + what +
                   " (unions and descents multiply what a path selects; Step Functions' "
                   "payloads are at most 256 KiB)"};
}

std::string_view kind_name(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      return "null";
    case json::kind::bool_:
      return "a boolean";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      return "a number";
    case json::kind::string:
      return "a string";
    case json::kind::array:
      return "an array";
    case json::kind::object:
      return "an object";
  }
  return "a value";
}

const std::shared_ptr<const Compiled>& root_compiled() {
  static const std::shared_ptr<const Compiled> root = [] {
    auto c = std::make_shared<Compiled>();
    c->text = "$";
    return std::shared_ptr<const Compiled>(std::move(c));
  }();
  return root;
}

}  // namespace

Path::Path() : compiled_(root_compiled()) {}
Path::Path(std::shared_ptr<const detail::Compiled> compiled) : compiled_(std::move(compiled)) {}

const std::string& Path::text() const {
  return compiled_->text;
}
bool Path::is_context() const {
  return compiled_->context;
}
std::string Path::normalized() const {
  const Compiled& c = *compiled_;
  std::string out = c.context ? "$$" : "$" + c.variable;
  for (const Segment& seg : c.segments) {
    if (seg.descendant) return c.text;
    if (seg.selector.kind == SelectorKind::kName) {
      out += "['" + seg.selector.names.front() + "']";
    } else if (seg.selector.kind == SelectorKind::kIndex) {
      out += "[" + std::to_string(seg.selector.indexes.front()) + "]";
    } else {
      return c.text;
    }
  }
  return out;
}

const std::string& Path::variable() const {
  return compiled_->variable;
}
bool Path::is_reference() const {
  return compiled_->reference;
}
bool Path::is_definite() const {
  return compiled_->definite;
}

Result<Path> compile(std::string_view text) {
  Result<Compiled> compiled = detail::parse_path(text);
  if (!compiled) return compiled.error();
  return Path(std::make_shared<const Compiled>(std::move(compiled).value()));
}

namespace {

// The value a definite path (single names and indexes only, the parser's `definite`: nearly
// every path a definition holds) selects, walked straight down without node lists; nullptr when
// it selects nothing.
const json::value* walk_definite(const Compiled& c, const json::value& root) {
  const json::value* node = &root;
  for (const Segment& seg : c.segments) {
    if (seg.selector.kind == SelectorKind::kName) {
      const json::object* object = node->if_object();
      node = object ? object->if_contains(seg.selector.names.front()) : nullptr;
    } else {
      const json::array* array = node->if_array();
      node = array ? array_at(*array, seg.selector.indexes.front()) : nullptr;
    }
    if (!node) return nullptr;
  }
  return node;
}

Error not_found(const Compiled& c) {
  return Error(ErrorCode::kInvalidRequest,
               "path '" + c.text + "' does not exist in the " +
                   (c.context             ? std::string("context object")
                    : !c.variable.empty() ? "variable '" + c.variable + "'"
                                          : std::string("input")));
}

}  // namespace

Result<json::value> select(const Path& path, const json::value& root) {
  const Compiled& c = *path.compiled_;
  if (c.definite) {
    const json::value* found = walk_definite(c, root);
    if (!found) return not_found(c);
    // Copy into default storage: the result must not borrow the caller's memory resource.
    return json::value(*found, json::storage_ptr());
  }
  // Bounded in the work it does and in what it returns: "$[0,0,...][0,0,...]..." selects
  // width^depth nodes, each copied, from a few bytes of input.
  std::size_t steps = kMaxSelectionSteps;
  const auto too_many = [&c] {
    return selects_too_much(c, "more than " + std::to_string(kMaxSelectionSteps) + " values");
  };
  Nodes nodes{&root};
  for (const Segment& seg : c.segments) {
    Nodes next;
    for (const json::value* node : nodes) {
      if (seg.descendant) {
        if (!apply_descendant(seg.selector, *node, root, next, steps)) return too_many();
      } else {
        apply(seg.selector, *node, root, next);
      }
      if (next.size() > steps) return too_many();
    }
    steps -= next.size();
    nodes.swap(next);
    if (nodes.empty()) break;
  }
  std::size_t bytes = 2;  // "[]"
  for (const json::value* node : nodes) {
    bytes += serialized_size(*node, kMaxSelectionBytes) + 1;
    if (bytes > kMaxSelectionBytes)
      return selects_too_much(c,
                              "more than " + std::to_string(kMaxSelectionBytes) + " bytes of JSON");
  }
  json::array matches_out;
  matches_out.reserve(nodes.size());
  for (const json::value* node : nodes) matches_out.push_back(*node);
  return json::value(std::move(matches_out));
}

Result<json::value> assign(json::value root, const Path& path, json::value value) {
  const Compiled& c = *path.compiled_;
  if (c.context) {
    return Error(ErrorCode::kInvalidDefinition,
                 "cannot assign to '" + c.text + "': the context object ('$$') is read-only");
  }
  if (!c.variable.empty()) {
    return Error(ErrorCode::kInvalidDefinition,
                 "cannot assign to '" + c.text + "': a variable is set with Assign, not a path");
  }
  if (!c.reference) {
    return Error(ErrorCode::kInvalidDefinition,
                 "cannot assign to '" + c.text +
                     "': only reference paths (plain names and non-negative indexes) can be "
                     "assigned");
  }
  if (c.segments.empty()) return Result<json::value>(std::move(value));
  const auto fail = [&c](std::string why) {
    return Error(ErrorCode::kInvalidRequest, "cannot assign to '" + c.text + "': " + why);
  };
  json::value* node = &root;
  for (std::size_t i = 0; i < c.segments.size(); ++i) {
    const Selector& sel = c.segments[i].selector;
    const bool last = i + 1 == c.segments.size();
    // How the node being stepped into is named in errors: the whole input, or a path prefix.
    const std::string where =
        i == 0 ? std::string("the input") : "'" + c.text.substr(0, c.segments[i - 1].end) + "'";
    if (sel.kind == SelectorKind::kName) {
      json::object* obj = node->if_object();
      if (obj == nullptr) {
        return fail(where + " is " + std::string(kind_name(*node)) + ", not an object");
      }
      const std::string& name = sel.names.front();
      if (last) {
        (*obj)[name] = std::move(value);
        break;
      }
      json::value* child = obj->if_contains(name);
      if (child == nullptr) {
        if (c.segments[i + 1].selector.kind == SelectorKind::kIndex) {
          return fail("'" + c.text.substr(0, c.segments[i].end) +
                      "' does not exist, so it has no element to set");
        }
        child = &(*obj)[name];
        child->emplace_object();
      }
      node = child;
    } else {
      json::array* arr = node->if_array();
      if (arr == nullptr) {
        return fail(where + " is " + std::string(kind_name(*node)) + ", not an array");
      }
      const auto index = static_cast<std::size_t>(sel.indexes.front());
      if (index >= arr->size()) {
        return fail("index " + std::to_string(index) + " is out of range for " + where + " (size " +
                    std::to_string(arr->size()) + ")");
      }
      if (last) {
        (*arr)[index] = std::move(value);
        break;
      }
      node = &(*arr)[index];
    }
  }
  return Result<json::value>(std::move(root));
}

}  // namespace settled::jsonpath