#include "adapters/http/request_target.hpp"

#include "domain/path_segment.hpp"
#include "domain/utf8.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <string>

namespace settled::adapters {

namespace {

constexpr std::size_t kShownTargetLength = 200;

// Why a decoded path segment is refused (the rule: domain/path_segment.hpp).
std::string segment_refusal(SegmentProblem problem) {
  switch (problem) {
    case SegmentProblem::kDotSegment:
      return "it has " + std::string(describe(problem));
    case SegmentProblem::kSlash:  // a raw one separates segments: this one was encoded
      return "a path segment has an encoded \"/\" or \"\\\"";
    default:
      return "a path segment has " + std::string(describe(problem));
  }
}

Error refused(std::string_view target, std::string_view why) {
  std::string shown(target.substr(0, kShownTargetLength));
  for (char& c : shown) {
    if (is_control_character(c) || static_cast<unsigned char>(c) >= 0x80) c = '?';
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
      if (const SegmentProblem problem = segment_problem(decoded); problem != SegmentProblem::kNone)
        return refused(target, segment_refusal(problem));
      out.segments.push_back(std::move(decoded));
    }
  }
  if (url.has_query()) {
    for (const auto& param : url.params()) {
      std::string key(param.key), value(param.value);
      for (const std::string* text : {&key, &value}) {
        if (const SegmentProblem problem = text_problem(*text); problem != SegmentProblem::kNone)
          return refused(target, "a query parameter has " + std::string(describe(problem)));
      }
      if (out.query_param(key))
        return refused(target,
                       "query parameter \"" + cut_for_display(key) + "\" is given more than once");
      out.query.emplace_back(std::move(key), std::move(value));
    }
  }
  return out;
}

}  // namespace settled::adapters
