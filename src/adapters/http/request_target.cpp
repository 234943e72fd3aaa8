#include "adapters/http/request_target.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <algorithm>

namespace settled::adapters {

namespace {

constexpr std::size_t kShownTargetLength = 200;

// Well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
bool valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;  // bounds of the second byte
    if (lead < 0x80) {
      ++i;
      continue;
    } else if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) low = 0xA0;
      if (lead == 0xED) high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) low = 0x90;
      if (lead == 0xF4) high = 0x8F;
    } else {
      return false;
    }
    if (i + length > text.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      const auto c = static_cast<unsigned char>(text[i + k]);
      if (c < (k == 1 ? low : 0x80) || c > (k == 1 ? high : 0xBF)) return false;
    }
    i += length;
  }
  return true;
}

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
