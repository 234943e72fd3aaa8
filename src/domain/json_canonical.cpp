#include "domain/json_canonical.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

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

namespace {

void write_number(const json::value& v, std::string& out) {
  if (v.is_double()) {
    const double d = v.get_double();
    constexpr double kTwo63 = 9223372036854775808.0;
    constexpr double kTwo64 = 18446744073709551616.0;
    if (std::trunc(d) == d && d >= -kTwo63 && d < kTwo63) {
      out += std::to_string(static_cast<std::int64_t>(d));  // -0.0 too: "0"
    } else if (std::trunc(d) == d && d >= 0 && d < kTwo64) {
      out += std::to_string(static_cast<std::uint64_t>(d));
    } else {
      out += json::serialize(v);
    }
  } else if (v.is_uint64()) {
    out += std::to_string(v.get_uint64());
  } else {
    out += std::to_string(v.get_int64());
  }
}

// Keys sorted; numbers by value (canonical_text) or as Boost.JSON writes them (sorted_keys_text).
void write_canonical(const json::value& value, bool numbers_by_value, std::string& out) {
  if (numbers_by_value && is_number(value)) return write_number(value, out);
  if (value.is_object()) {
    const auto& obj = value.get_object();
    std::vector<const json::key_value_pair*> fields;
    fields.reserve(obj.size());
    for (const auto& field : obj) fields.push_back(&field);
    std::sort(fields.begin(), fields.end(),
              [](const auto* a, const auto* b) { return a->key() < b->key(); });
    out.push_back('{');
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (i) out.push_back(',');
      out += json::serialize(json::string_view(fields[i]->key()));
      out.push_back(':');
      write_canonical(fields[i]->value(), numbers_by_value, out);
    }
    out.push_back('}');
  } else if (value.is_array()) {
    const auto& arr = value.get_array();
    out.push_back('[');
    for (std::size_t i = 0; i < arr.size(); ++i) {
      if (i) out.push_back(',');
      write_canonical(arr[i], numbers_by_value, out);
    }
    out.push_back(']');
  } else {
    out += json::serialize(value);
  }
}

}  // namespace

std::string canonical_text(const json::value& value) {
  std::string out;
  write_canonical(value, true, out);
  return out;
}

std::string sorted_keys_text(const json::value& value) {
  std::string out;
  write_canonical(value, false, out);
  return out;
}

}  // namespace settled
