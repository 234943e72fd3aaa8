// What decoded text can never be one path segment of a request target. The HTTP edge refuses a
// target with such a segment (adapters/http/request_target.cpp), so an id holding such text (a
// ledger account or escrow: ledger/request.cpp refuses it where it enters) could never be named
// by a GET. One rule for both, so that what is written can always be read back.
#pragma once

#include <string_view>

namespace settled {

enum class SegmentProblem {
  kNone,
  kControlCharacter,  // U+0000 to U+001F or U+007F
  kSlash,             // "/" or "\": a separator, to some stacks the second too
  kDotSegment,        // "." or "..": a normaliser would resolve it
  kNotUtf8,
};

// U+0000 to U+001F or U+007F.
bool is_control_character(char c);

// What keeps decoded text from being a query parameter's name or value: a control character,
// or text that is not UTF-8 (the first found, in that order).
SegmentProblem text_problem(std::string_view decoded);

// What keeps decoded text from being one path segment: a control character or a "/" or "\"
// (whichever comes first), "." or "..", or text that is not UTF-8.
SegmentProblem segment_problem(std::string_view decoded);

// The problem in words, e.g. "a control character (U+0000 to U+001F or U+007F)"; "" for kNone.
std::string_view describe(SegmentProblem problem);

}  // namespace settled
