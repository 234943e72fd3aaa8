#pragma once
// For the row codecs' tests: each text must decode to RecordCorrupt whose message names why.

#include "domain/error.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace settled::records {

template <class Decode>
void expect_corrupt(Decode decode, const std::vector<std::pair<const char*, const char*>>& bad) {
  for (const auto& [text, why] : bad) {
    auto decoded = decode(text);
    ASSERT_FALSE(decoded) << text;
    EXPECT_EQ(decoded.error().code, ErrorCode::kRecordCorrupt) << text;
    EXPECT_NE(decoded.error().message.find(why), std::string::npos)
        << text << ": " << decoded.error().message;
  }
}

}  // namespace settled::records
