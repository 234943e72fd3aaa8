#include "domain/utf8.hpp"

#include "domain/error.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <string>

namespace settled {
namespace {

TEST(Utf8, WellFormedTextIsValid) {
  EXPECT_TRUE(valid_utf8(""));
  EXPECT_TRUE(valid_utf8("plain ascii"));
  EXPECT_TRUE(valid_utf8("\xC3\xA9t\xC3\xA9"));  // été
  EXPECT_TRUE(valid_utf8("\xE2\x82\xAC"));       // €
  EXPECT_TRUE(valid_utf8("\xF0\x9F\x92\xB6"));   // 💶
  EXPECT_TRUE(valid_utf8("\xF4\x8F\xBF\xBF"));   // U+10FFFF
}

TEST(Utf8, MalformedTextIsNot) {
  EXPECT_FALSE(valid_utf8("\x80"));              // a continuation byte alone
  EXPECT_FALSE(valid_utf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(valid_utf8("\xE0\x80\xAF"));      // overlong
  EXPECT_FALSE(valid_utf8("\xED\xA0\x80"));      // a surrogate
  EXPECT_FALSE(valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(valid_utf8("\xE2\x82"));          // cut short
  EXPECT_FALSE(valid_utf8("\xFF"));
}

TEST(Utf8, InvalidBytesAreReplacedOneEach) {
  EXPECT_EQ(valid_utf8_or_replaced("ok \xC3\xA9"), "ok \xC3\xA9");
  EXPECT_EQ(valid_utf8_or_replaced("a\x89\x85z"), "a\xEF\xBF\xBD\xEF\xBF\xBDz");
  EXPECT_EQ(valid_utf8_or_replaced("\xE2\x82"), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(valid_utf8_or_replaced("x\xE2\x82\xAC\xFF"), "x\xE2\x82\xAC\xEF\xBF\xBD");
  EXPECT_TRUE(valid_utf8(valid_utf8_or_replaced("\xC0\xAF\xED\xA0\x80\xF4\x90\x80\x80")));
}

// Found by the http_request fuzzer: a SigV4 refusal quoted a header of raw bytes, and the error
// body was not JSON text. The one error shape stays parseable whatever the message quotes.
TEST(Utf8, AnErrorBodyQuotingRawBytesIsStillJson) {
  // \x89 and \x85 start nothing; \xD2\x94 is U+0494 and is kept.
  const Error error{ErrorCode::kUnauthorized, "Authorization=\x89\x85\xD2\x94 (value not shown)"};
  const std::string body = boost::json::serialize(to_json(error));
  boost::system::error_code ec;
  const auto parsed = boost::json::parse(body, ec);
  ASSERT_FALSE(ec) << body;
  EXPECT_EQ(parsed.at("message").as_string(),
            "Authorization=\xEF\xBF\xBD\xEF\xBF\xBD\xD2\x94 (value not shown)");
}

TEST(Utf8, CutForDisplayKeepsShortTextAndCutsLongTextOnASequenceBoundary) {
  EXPECT_EQ(cut_for_display("short", 64), "short");
  EXPECT_EQ(cut_for_display(std::string(64, 'a'), 64), std::string(64, 'a'));
  EXPECT_EQ(cut_for_display(std::string(65, 'a'), 64), std::string(64, 'a') + "...");
  // "\xE2\x82\xAC" (U+20AC) straddles the cut at 3: it is left out whole.
  EXPECT_EQ(cut_for_display("ab\xE2\x82\xAC", 3), "ab...");
  EXPECT_EQ(cut_for_display("ab\xE2\x82\xAC", 5), "ab\xE2\x82\xAC");
  EXPECT_EQ(cut_for_display("ab\xE2\x82\xAC" + std::string(10, 'x'), 5), "ab\xE2\x82\xAC...");
}

// A name as long as a name of its kind may be is quoted whole, even past cut_for_display's 64
// bytes; a longer one names nothing and is cut to 64.
TEST(Utf8, QuoteNameKeepsANameWithinItsLimitAndCutsALongerOneTo64Bytes) {
  EXPECT_EQ(quote_name("payment", 80), "payment");
  EXPECT_EQ(quote_name(std::string(80, 'a'), 80), std::string(80, 'a'));
  EXPECT_EQ(quote_name(std::string(81, 'a'), 80), std::string(64, 'a') + "...");
  EXPECT_EQ(quote_name(std::string(100000, 'a'), 80), std::string(64, 'a') + "...");
}

}  // namespace
}  // namespace settled
