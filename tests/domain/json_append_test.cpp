#include "domain/json_append.hpp"
#include "domain/json_size.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <random>
#include <string>

namespace settled {
namespace {

namespace json = boost::json;

std::string appended(const json::value& value) {
  std::string out = "prefix";
  append_json(out, value);
  return out.substr(6);
}

TEST(JsonAppend, WritesWhatSerializeWritesByteForByte) {
  const char* documents[] = {
      "null",
      "true",
      "false",
      "0",
      "-9223372036854775808",
      "18446744073709551615",
      "1.5",
      "1e300",
      "-0.0",
      "\"\"",
      "\"plain text\"",
      R"("quote \" backslash \\ slash / tab \t newline \n nul \u0000 bell \u0007")",
      R"("ünïcödé €, and an emoji 😀")",
      "[]",
      "{}",
      R"({"paymentId":"p-1","amount":1250,"nested":{"list":[1,2.25,"x",null,true,{}]},"k\"ey":1})",
  };
  for (const char* document : documents) {
    const json::value value = json::parse(document);
    EXPECT_EQ(appended(value), json::serialize(value)) << document;
  }
}

TEST(JsonAppend, EveryByteIsEscapedAsSerializeEscapesIt) {
  std::string every_byte;
  for (int c = 1; c < 256; ++c) every_byte += static_cast<char>(c);
  every_byte += '\0';
  const json::value value(json::string(every_byte.data(), every_byte.size()));
  EXPECT_EQ(appended(value), json::serialize(value));
  EXPECT_EQ(appended(json::object{{every_byte, 1}}),
            json::serialize(json::object{{every_byte, 1}}));
}

// The writer and the size estimate skip plain bytes eight at a time: every byte that needs an
// escape is found at every offset within and across those eight, among neighbours whose
// arithmetic could hide it (0x7f, 0x80, 0xff, the bytes just above and below the escapes).
TEST(JsonAppend, AnEscapeIsFoundAtEveryOffsetAmongAnyNeighbours) {
  std::string escaped;
  for (int c = 0; c < 0x20; ++c) escaped += static_cast<char>(c);
  escaped += "\"\\";
  const std::string neighbours = std::string("a!#[]\x1f\x7f\x80\xff ", 10);
  for (const char filler : neighbours) {
    if (static_cast<unsigned char>(filler) < 0x20) continue;
    for (const char special : escaped) {
      for (std::size_t at = 0; at < 19; ++at) {
        std::string text(19, filler);
        text[at] = special;
        const json::value value(json::string(text.data(), text.size()));
        const std::string expected = json::serialize(value);
        ASSERT_EQ(appended(value), expected) << "byte " << int(special) << " at " << at;
        ASSERT_EQ(serialized_size(value, 1 << 20), expected.size())
            << "byte " << int(special) << " at " << at;
      }
    }
  }
  std::mt19937 random(7);
  std::uniform_int_distribution<int> byte(0, 255), length(0, 40);
  for (int round = 0; round < 2000; ++round) {
    std::string text(static_cast<std::size_t>(length(random)), 'x');
    for (char& c : text)
      if (byte(random) < 16) c = static_cast<char>(byte(random));
    const json::value value(json::string(text.data(), text.size()));
    const std::string expected = json::serialize(value);
    ASSERT_EQ(appended(value), expected);
    ASSERT_EQ(serialized_size(value, 1 << 20), expected.size());
  }
}

TEST(JsonAppend, ADeepValueIsWrittenWhole) {
  // Deeper than the appender recurses: the rest is json::serialize's.
  std::string document;
  for (int i = 0; i < 200; ++i) document += "{\"a\":[";
  document += "1";
  for (int i = 0; i < 200; ++i) document += "]}";
  json::parse_options options;
  options.max_depth = 1000;
  const json::value value = json::parse(document, {}, options);
  EXPECT_EQ(appended(value), json::serialize(value));
  EXPECT_EQ(appended(value), document);
}

TEST(JsonObjectWriter, WritesWhatSerializeWritesForTheSameMembers) {
  std::string out;
  JsonObjectWriter o(out);
  o.text("name", "a \"b\"\n").number("n", -9'223'372'036'854'775'807 - 1);
  JsonObjectWriter nested(o.member("nested"));
  nested.value("list", json::array{1, "x", nullptr}).close();
  o.value("any", json::value(2.5)).value("object", json::object{{"k", true}}).close();
  EXPECT_EQ(out, json::serialize(json::object{{"name", "a \"b\"\n"},
                                              {"n", -9'223'372'036'854'775'807 - 1},
                                              {"nested", json::object{{"list", {1, "x", nullptr}}}},
                                              {"any", 2.5},
                                              {"object", json::object{{"k", true}}}}));
  std::string empty;
  JsonObjectWriter(empty).close();
  EXPECT_EQ(empty, "{}");
}

// A member is put together on the stack when its name is short; names either side of that
// limit, first and later, with the widest numbers, come out as json::serialize writes them.
TEST(JsonObjectWriter, NamesOfEveryLengthAndTheWidestNumbers) {
  for (std::size_t length = 0; length <= 70; ++length) {
    SCOPED_TRACE(length);
    const std::string name(length, 'k');
    const std::string other = name + "2";
    std::string out;
    JsonObjectWriter o(out);
    o.number(name, -9'223'372'036'854'775'807 - 1).number(other, 9'223'372'036'854'775'807);
    o.text(name + "3", "t").member(name + "4") += "[]";
    o.close();
    EXPECT_EQ(out, json::serialize(json::object{{name, -9'223'372'036'854'775'807 - 1},
                                                {other, 9'223'372'036'854'775'807},
                                                {name + "3", "t"},
                                                {name + "4", json::array()}}));
  }
}

// Short plain strings are quoted on the stack: every length either side of that, plain or with
// an escape at its start or end, comes out as json::serialize writes it.
TEST(JsonAppend, StringsOfEveryLengthAsSerializeWritesThem) {
  for (std::size_t length = 0; length <= 80; ++length) {
    SCOPED_TRACE(length);
    const std::string plain(length, 'a');
    for (const std::string& text :
         {plain, "\"" + plain, plain + "\n", plain + "\xc3\xa9", std::string(length, '\\')}) {
      std::string out = "x";
      append_json_string(out, text);
      EXPECT_EQ(out, "x" + json::serialize(json::string(text)));
    }
  }
}

// A value's text up to a limit: whole when it fits (exactly at the limit too), nothing past it.
TEST(JsonAppend, TextWithinALimit) {
  json::array list;
  for (int i = 0; i < 2000; ++i) list.push_back(json::object{{"n", i}, {"s", "abc"}});
  const json::value values[] = {
      json::value(list),           json::value("a string"),
      json::value("say \"hi\"\n"), json::value(std::string(300000, 'x')),
      json::value(12345),          json::value(json::object{{"k", list}})};
  for (const json::value& value : values) {
    const std::string text = json::serialize(value);
    EXPECT_EQ(json_text_within(value, text.size()), text);
    EXPECT_EQ(json_text_within(value, text.size() + 100), text);
    EXPECT_FALSE(json_text_within(value, text.size() - 1).has_value());
    EXPECT_FALSE(json_text_within(value, 3).has_value());
  }
}

TEST(JsonAppend, AStringTokenEscapesWhatJsonRequires) {
  std::string out;
  append_json_string(out, "say \"hi\"\n");
  EXPECT_EQ(out, R"("say \"hi\"\n")");
  out.clear();
  append_json_string(out, "stateEnteredEventDetails");
  EXPECT_EQ(out, "\"stateEnteredEventDetails\"");
}

}  // namespace
}  // namespace settled
