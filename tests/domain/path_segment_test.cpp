// The one rule for what decoded text a path segment can never carry, shared by the HTTP edge's
// target parser and the ledger's ids (so an id accepted is one a GET can name).

#include "domain/path_segment.hpp"

#include <gtest/gtest.h>

#include <string>

namespace settled {
namespace {

TEST(PathSegment, WhatASegmentCanCarryHasNoProblem) {
  for (const std::string text :
       {"alice", "payment:p-1", "arn:aws:states:us-east-1:0:execution:m:n", "a b", "...", ".a",
        "a..", "%2F", "\xC3\xA9t\xC3\xA9", "\xF0\x9F\x92\xB6", "~!@$&'()*+,;=", ""}) {
    SCOPED_TRACE(text);
    EXPECT_EQ(segment_problem(text), SegmentProblem::kNone);
    EXPECT_EQ(text_problem(text), SegmentProblem::kNone);
  }
}

TEST(PathSegment, ControlCharactersSlashesDotSegmentsAndNonUtf8AreRefused) {
  const std::pair<std::string, SegmentProblem> cases[] = {
      {std::string("a\0b", 3), SegmentProblem::kControlCharacter},
      {"a\nb", SegmentProblem::kControlCharacter},
      {"\x1F", SegmentProblem::kControlCharacter},
      {"a\x7F", SegmentProblem::kControlCharacter},
      {"a/b", SegmentProblem::kSlash},
      {"/", SegmentProblem::kSlash},
      {"a\\b", SegmentProblem::kSlash},
      {".", SegmentProblem::kDotSegment},
      {"..", SegmentProblem::kDotSegment},
      {"\xFF", SegmentProblem::kNotUtf8},
      {"\xC0\xAF", SegmentProblem::kNotUtf8},      // an overlong "/"
      {"\xED\xA0\x80", SegmentProblem::kNotUtf8},  // a surrogate
      // Whichever of a control character and a slash comes first names the refusal.
      {"a/\n", SegmentProblem::kSlash},
      {"a\n/", SegmentProblem::kControlCharacter},
  };
  for (const auto& [text, problem] : cases) {
    SCOPED_TRACE(text);
    EXPECT_EQ(segment_problem(text), problem);
    EXPECT_FALSE(describe(problem).empty());
  }
  EXPECT_EQ(describe(SegmentProblem::kNone), "");
  EXPECT_EQ(describe(SegmentProblem::kControlCharacter),
            "a control character (U+0000 to U+001F or U+007F)");
}

TEST(PathSegment, AQueryParameterMayHoldSlashesAndDotsButNotControlCharactersOrNonUtf8) {
  EXPECT_EQ(text_problem("a/b\\c"), SegmentProblem::kNone);
  EXPECT_EQ(text_problem(".."), SegmentProblem::kNone);
  EXPECT_EQ(text_problem("a\tb"), SegmentProblem::kControlCharacter);
  EXPECT_EQ(text_problem("\xFF\n"), SegmentProblem::kControlCharacter);
  EXPECT_EQ(text_problem("\xFF"), SegmentProblem::kNotUtf8);
}

TEST(PathSegment, ControlCharactersAreU0000ToU001FAndU007F) {
  for (int c = 0; c < 256; ++c) {
    SCOPED_TRACE(c);
    EXPECT_EQ(is_control_character(static_cast<char>(c)), c < 0x20 || c == 0x7F);
  }
}

}  // namespace
}  // namespace settled
