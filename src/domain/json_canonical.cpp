#include "domain/json_canonical.hpp"

#include <cmath>
#include <cstdint>

namespace settled {

namespace json = boost::json;

namespace {

bool is_number(const json::value& v) {
  return v.is_int64() || v.is_uint64() || v.is_double();
}

// Exact: a double equals an integer only if it is that integer, with no rounding on the way.
bool double_equals_int64(double d, std::int64_t i) {
  constexpr double kTwo63 = 9223372036854775808.0;
  if (!(d >= -kTwo63 && d < kTwo63) || std::trunc(d) != d) return false;
  return static_cast<std::int64_t>(d) == i;
}

bool double_equals_uint64(double d, std::uint64_t u) {
  constexpr double kTwo64 = 18446744073709551616.0;
  if (!(d >= 0 && d < kTwo64) || std::trunc(d) != d) return false;
  return static_cast<std::uint64_t>(d) == u;
}

bool numbers_equal(const json::value& a, const json::value& b) {
  if (a.is_double() && b.is_double()) return a.get_double() == b.get_double();  // 0.0 == -0.0
  if (a.is_double()) return numbers_equal(b, a);
  // `a` is an integer from here on.
  if (b.is_double()) {
    return a.is_int64() ? double_equals_int64(b.get_double(), a.get_int64())
                        : double_equals_uint64(b.get_double(), a.get_uint64());
  }
  if (a.is_int64() && b.is_int64()) return a.get_int64() == b.get_int64();
  if (a.is_uint64() && b.is_uint64()) return a.get_uint64() == b.get_uint64();
  const std::int64_t i = a.is_int64() ? a.get_int64() : b.get_int64();
  const std::uint64_t u = a.is_uint64() ? a.get_uint64() : b.get_uint64();
  return i >= 0 && static_cast<std::uint64_t>(i) == u;
}

}  // namespace

bool canonical_equal(const json::value& a, const json::value& b) {
  if (is_number(a) || is_number(b)) return is_number(a) && is_number(b) && numbers_equal(a, b);
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case json::kind::object: {
      const auto& x = a.get_object();
      const auto& y = b.get_object();
      if (x.size() != y.size()) return false;
      for (const auto& [key, value] : x) {
        const json::value* other = y.if_contains(key);
        if (!other || !canonical_equal(value, *other)) return false;
      }
      return true;
    }
    case json::kind::array: {
      const auto& x = a.get_array();
      const auto& y = b.get_array();
      if (x.size() != y.size()) return false;
      for (std::size_t i = 0; i < x.size(); ++i) {
        if (!canonical_equal(x[i], y[i])) return false;
      }
      return true;
    }
    default:
      return a == b;  // strings, booleans, null
  }
}

}  // namespace settled
