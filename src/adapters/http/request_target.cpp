#include "adapters/http/request_target.hpp"

#include "domain/utf8.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <algorithm>

namespace settled::adapters {

namespace {

constexpr std::size_t kShownTargetLength = 200;

bool has_control_character(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7F;
  });
}

// What is wrong with one decoded piece of the target, or "" if nothing.
std::string_view text_problem(std::string_view decoded) {
  if (has_control_character(decoded)) return "a NUL or control character";
  if (!valid_utf8(decoded)) return "text that is not UTF-8";
  return {};
}

Error refused(std::string_view target, std::string_view why) {
  std::string shown(target.substr(0, kShownTargetLength));
  for (char& c : shown) {
    if (has_control_character(std::string_view(&c, 1)) || static_cast<unsigned char>(c) >= 0x80)
      c = '?';
  }
  if (target.size() > kShownTargetLength) shown += "...";
  return Error{ErrorCode::kInvalidRequest, "request target \"" + shown +
                                               "\" refused: " + std::string(why) +
                                               "; send the canonical path, e.g. /v1/executions"};
}

}  // namespace

std::optional<std::string> RequestTarget::query_param(std::string_view name) const {
  for (const auto& [key, value] : query) {
    if (key == name) return value;
  }
  return std::nullopt;
}

Result<RequestTarget> parse_request_target(std::string_view target) {
  // A raw backslash is not a URI character, but some stacks read it as "/": name it plainly.
  if (target.find('\\') != std::string_view::npos)
    return refused(target, "it contains a backslash");
  auto parsed = boost::urls::parse_origin_form(target);
  if (!parsed)
    return refused(target,
                   "it is not an origin-form target (an absolute path with an optional query, "
                   "no scheme, host or fragment)");
  const boost::urls::url_view& url = *parsed;

  RequestTarget out;
  out.path = std::string(url.encoded_path());
  // "/" is the root: no segments. Anywhere else an empty segment ("//", a trailing "/") is
  // something a normaliser would have to guess about.
  if (out.path != "/") {
    for (const auto& encoded : url.encoded_segments()) {
      if (encoded.empty()) return refused(target, "it has an empty path segment");
      std::string decoded = encoded.decode();
      if (decoded == "." || decoded == "..")
        return refused(target, "it has a dot segment (\".\" or \"..\")");
      if (decoded.find('/') != std::string::npos || decoded.find('\\') != std::string::npos)
        return refused(target, "a path segment has an encoded \"/\" or \"\\\"");
      if (auto problem = text_problem(decoded); !problem.empty())
        return refused(target, "a path segment has " + std::string(problem));
      out.segments.push_back(std::move(decoded));
    }
  }
  if (url.has_query()) {
    for (const auto& param : url.params()) {
      std::string key(param.key), value(param.value);
      for (const std::string* text : {&key, &value}) {
        if (auto problem = text_problem(*text); !problem.empty())
          return refused(target, "a query parameter has " + std::string(problem));
      }
      if (out.query_param(key))
        return refused(target, "query parameter \"" + key + "\" is given more than once");
      out.query.emplace_back(std::move(key), std::move(value));
    }
  }
  return out;
}

}  // namespace settled::adapters
