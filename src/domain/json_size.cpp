#include "domain/json_size.hpp"

#include "domain/json_escape_scan.hpp"

#include <boost/json.hpp>

#include <string>

namespace settled {

namespace json = boost::json;

namespace {

std::size_t digits(std::uint64_t n) {
  std::size_t count = 1;
  while (n >= 10) {
    n /= 10;
    ++count;
  }
  return count;
}

// As Boost.JSON's serializer escapes: quote, backslash and control characters; nothing else.
std::size_t string_size(json::string_view s) {
  const std::string_view text(s.data(), s.size());
  std::size_t size = 2 + text.size();
  for (std::size_t i = next_json_escape(text, 0); i < text.size();
       i = next_json_escape(text, i + 1)) {
    // \u00XX, or a backslash and one letter.
    size += json_escape_of(static_cast<unsigned char>(text[i])) == 'u' ? 5 : 1;
  }
  return size;
}

std::size_t size_of(const json::value& v, std::size_t budget) {
  switch (v.kind()) {
    case json::kind::null:
      return 4;
    case json::kind::bool_:
      return v.get_bool() ? 4 : 5;
    case json::kind::int64: {
      const std::int64_t n = v.get_int64();
      return n < 0 ? 1 + digits(0 - static_cast<std::uint64_t>(n))
                   : digits(static_cast<std::uint64_t>(n));
    }
    case json::kind::uint64:
      return digits(v.get_uint64());
    case json::kind::double_:
      return json::serialize(v).size();  // rare in payloads; exactness over speed
    case json::kind::string:
      return string_size(v.get_string());
    case json::kind::array: {
      const auto& a = v.get_array();
      std::size_t size = 2 + (a.empty() ? 0 : a.size() - 1);
      for (const auto& item : a) {
        size += size_of(item, budget - std::min(size, budget));
        if (size > budget) return size;
      }
      return size;
    }
    case json::kind::object: {
      const auto& o = v.get_object();
      std::size_t size = 2 + (o.empty() ? 0 : o.size() - 1);
      for (const auto& [key, item] : o) {
        size += string_size(key) + 1;
        size += size_of(item, budget - std::min(size, budget));
        if (size > budget) return size;
      }
      return size;
    }
  }
  return 0;
}

}  // namespace

std::size_t serialized_size(const json::value& value, std::size_t limit) {
  return size_of(value, limit);
}

}  // namespace settled
