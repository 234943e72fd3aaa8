#include "adapters/http/http_message.hpp"

#include <boost/beast/core/string.hpp>

namespace settled::adapters {

std::string HttpRequest::method_for_display() const {
  constexpr std::size_t kShown = 32;
  return method.size() <= kShown ? method : method.substr(0, kShown) + "...";
}

std::string HttpRequest::path_for_display() const {
  constexpr std::size_t kShown = 200;
  const std::string& path = parsed_target.path;
  return path.size() <= kShown ? path : path.substr(0, kShown) + "...";
}

std::optional<std::string_view> HttpRequest::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (boost::beast::iequals(key, name)) return std::string_view(value);
  }
  return std::nullopt;
}

}  // namespace settled::adapters
