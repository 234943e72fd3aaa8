#include "domain/path_segment.hpp"

#include "domain/utf8.hpp"

namespace settled {

bool is_control_character(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7F;
}

SegmentProblem text_problem(std::string_view decoded) {
  for (const char c : decoded)
    if (is_control_character(c)) return SegmentProblem::kControlCharacter;
  if (!valid_utf8(decoded)) return SegmentProblem::kNotUtf8;
  return SegmentProblem::kNone;
}

SegmentProblem segment_problem(std::string_view decoded) {
  for (const char c : decoded) {
    if (is_control_character(c)) return SegmentProblem::kControlCharacter;
    if (c == '/' || c == '\\') return SegmentProblem::kSlash;
  }
  if (decoded == "." || decoded == "..") return SegmentProblem::kDotSegment;
  if (!valid_utf8(decoded)) return SegmentProblem::kNotUtf8;
  return SegmentProblem::kNone;
}

std::string_view describe(SegmentProblem problem) {
  switch (problem) {
    case SegmentProblem::kNone:
      return {};
    case SegmentProblem::kControlCharacter:
      return "a control character (U+0000 to U+001F or U+007F)";
    case SegmentProblem::kSlash:
      return "a \"/\" or \"\\\"";
    case SegmentProblem::kDotSegment:
      return "a dot segment (\".\" or \"..\")";
    case SegmentProblem::kNotUtf8:
      return "text that is not UTF-8";
  }
  return {};
}

}  // namespace settled
