// Tests for Choice rules (src/domain/asl/choice.hpp): every comparison operator of the Amazon
// States Language, the *Path variants, Is* tests, And/Or/Not, and the error/no-match split
// (a value of the wrong type is no match; a Variable that does not exist is an error).

#include "domain/asl/choice.hpp"

#include "domain/asl/parser.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <chrono>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>

namespace settled::asl {
namespace {

namespace json = boost::json;

// Compiles one top-level rule (JSON object text without "Next") through the parser.
ChoiceRule rule(std::string_view text) {
  json::value r = json::parse(text);
  r.as_object()["Next"] = "Done";
  const std::string definition =
      R"({"StartAt": "C", "States": {"C": {"Type": "Choice", "Default": "Done", "Choices": [)" +
      json::serialize(r) + R"(]}, "Done": {"Type": "Succeed"}}})";
  auto machine = parse_state_machine_text(definition, "choice");
  if (!machine.ok()) {
    ADD_FAILURE() << "rule refused: " << machine.error().message;
    throw std::runtime_error("rule refused");
  }
  return machine->find("C")->choices.at(0);
}

const json::value& context() {
  static const json::value ctx = json::parse(
      R"({"State": {"Name": "C", "RetryCount": 2}, "Execution": {"Input": {"limit": 10}}})");
  return ctx;
}

// Evaluates `rule_text` on `input_text`; the evaluation must not fail.
bool matches(std::string_view rule_text, std::string_view input_text) {
  auto r = evaluate_choice(rule(rule_text), json::parse(input_text), context());
  if (!r.ok()) {
    ADD_FAILURE() << "evaluation failed: " << r.error().message;
    return false;
  }
  return *r;
}

// The evaluation must fail (a missing Variable or operand path).
std::string fails(std::string_view rule_text, std::string_view input_text) {
  auto r = evaluate_choice(rule(rule_text), json::parse(input_text), context());
  if (r.ok()) {
    ADD_FAILURE() << "expected an error, got " << *r;
    return "";
  }
  return r.error().message;
}

// ---------------------------------------------------------------------------------------------
// Strings

TEST(AslChoiceString, Equals) {
  EXPECT_TRUE(matches(R"({"Variable": "$.s", "StringEquals": "abc"})", R"({"s": "abc"})"));
  EXPECT_FALSE(matches(R"({"Variable": "$.s", "StringEquals": "abc"})", R"({"s": "ABC"})"));
  EXPECT_FALSE(matches(R"({"Variable": "$.s", "StringEquals": "abc"})", R"({"s": "abc "})"));
  EXPECT_TRUE(matches(R"({"Variable": "$.s", "StringEquals": ""})", R"({"s": ""})"));
}

TEST(AslChoiceString, Ordering) {
  const char* in = R"({"s": "b"})";
  EXPECT_TRUE(matches(R"({"Variable": "$.s", "StringLessThan": "c"})", in));
  EXPECT_FALSE(matches(R"({"Variable": "$.s", "StringLessThan": "b"})", in));
  EXPECT_FALSE(matches(R"({"Variable": "$.s", "StringLessThan": "a"})", in));
  EXPECT_TRUE(matches(R"({"Variable": "$.s", "StringGreaterThan": "a"})", in));
  EXPECT_FALSE(matches(R"({"Variable": "$.s", "StringGreaterThan": "b"})", in));
  EXPECT_TRUE(matches(R"({"Variable": "$.s", "StringLessThanEquals": "b"})", in));
  EXPECT_TRUE(matches(R"({"Variable": "$.s", "StringLessThanEquals": "ba"})", in));
  EXPECT_FALSE(matches(R"({"Variable": "$.s", "StringLessThanEquals": "a"})", in));
  EXPECT_TRUE(matches(R"({"Variable": "$.s", "StringGreaterThanEquals": "b"})", in));
  EXPECT_FALSE(matches(R"({"Variable": "$.s", "StringGreaterThanEquals": "ba"})", in));
  // Lexicographic: a prefix sorts first; upper case sorts before lower case (code points).
  EXPECT_TRUE(matches(R"({"Variable": "$.s", "StringLessThan": "abcd"})", R"({"s": "abc"})"));
  EXPECT_TRUE(matches(R"({"Variable": "$.s", "StringLessThan": "a"})", R"({"s": "Z"})"));
  EXPECT_TRUE(matches(R"({"Variable": "$.s", "StringGreaterThan": "z"})", R"({"s": "\u00e9"})"));
}

TEST(AslChoiceString, PathVariantsCompareTwoFields) {
  const char* in = R"({"a": "apple", "b": "banana", "c": "apple", "n": 5})";
  EXPECT_TRUE(matches(R"({"Variable": "$.a", "StringEqualsPath": "$.c"})", in));
  EXPECT_FALSE(matches(R"({"Variable": "$.a", "StringEqualsPath": "$.b"})", in));
  EXPECT_TRUE(matches(R"({"Variable": "$.a", "StringLessThanPath": "$.b"})", in));
  EXPECT_TRUE(matches(R"({"Variable": "$.b", "StringGreaterThanPath": "$.a"})", in));
  EXPECT_TRUE(matches(R"({"Variable": "$.a", "StringLessThanEqualsPath": "$.c"})", in));
  EXPECT_TRUE(matches(R"({"Variable": "$.b", "StringGreaterThanEqualsPath": "$.c"})", in));
  // The path's value is of another type: no match.
  EXPECT_FALSE(matches(R"({"Variable": "$.a", "StringEqualsPath": "$.n"})", in));
}

// ---------------------------------------------------------------------------------------------
// StringMatches

TEST(AslChoiceMatches, StarMatchesAnyRun) {
  // The examples of the ASL specification.
  EXPECT_TRUE(
      matches(R"({"Variable": "$.f", "StringMatches": "foo*.log"})", R"({"f": "foo23.log"})"));
  EXPECT_TRUE(matches(R"({"Variable": "$.f", "StringMatches": "*.log"})", R"({"f": "zebra.log"})"));
  EXPECT_TRUE(
      matches(R"({"Variable": "$.f", "StringMatches": "foo*.*"})", R"({"f": "foobar.zebra"})"));
  EXPECT_FALSE(
      matches(R"({"Variable": "$.f", "StringMatches": "foo*.log"})", R"({"f": "foo23.txt"})"));
  EXPECT_FALSE(
      matches(R"({"Variable": "$.f", "StringMatches": "*.log"})", R"({"f": "zebra.log.gz"})"));
  // A star matches the empty run too.
  EXPECT_TRUE(
      matches(R"({"Variable": "$.f", "StringMatches": "foo*.log"})", R"({"f": "foo.log"})"));
  EXPECT_TRUE(matches(R"({"Variable": "$.f", "StringMatches": "*"})", R"({"f": ""})"));
  // Matching is on the whole string, not a substring.
  EXPECT_FALSE(matches(R"({"Variable": "$.f", "StringMatches": "bar"})", R"({"f": "foobar"})"));
  // No other character is special.
  EXPECT_FALSE(matches(R"({"Variable": "$.f", "StringMatches": "a?c"})", R"({"f": "abc"})"));
  EXPECT_TRUE(matches(R"({"Variable": "$.f", "StringMatches": "a?c"})", R"({"f": "a?c"})"));
  EXPECT_TRUE(matches(R"({"Variable": "$.f", "StringMatches": "[ab].*"})", R"({"f": "[ab].x"})"));
  // Not a string: no match.
  EXPECT_FALSE(matches(R"({"Variable": "$.f", "StringMatches": "*"})", R"({"f": 1})"));
}

TEST(AslChoiceMatches, BacktracksOverSeveralStars) {
  EXPECT_TRUE(matches(R"({"Variable": "$.f", "StringMatches": "a*b*c"})", R"({"f": "aXbYbZc"})"));
  EXPECT_TRUE(matches(R"({"Variable": "$.f", "StringMatches": "*a*a*"})", R"({"f": "banana"})"));
  EXPECT_FALSE(matches(R"({"Variable": "$.f", "StringMatches": "a*b*c"})", R"({"f": "aXbYcZ"})"));
  EXPECT_TRUE(matches(R"({"Variable": "$.f", "StringMatches": "**x**"})", R"({"f": "x"})"));
}

TEST(AslChoiceMatches, EscapedStarAndBackslash) {
  // In JSON text "\\*" is the two characters \* : a literal star.
  EXPECT_TRUE(matches(R"({"Variable": "$.f", "StringMatches": "log-\\*"})", R"({"f": "log-*"})"));
  EXPECT_FALSE(matches(R"({"Variable": "$.f", "StringMatches": "log-\\*"})", R"({"f": "log-x"})"));
  EXPECT_FALSE(matches(R"({"Variable": "$.f", "StringMatches": "log-\\*"})", R"({"f": "log-"})"));
  EXPECT_TRUE(matches(R"({"Variable": "$.f", "StringMatches": "\\**"})", R"({"f": "*anything"})"));
  EXPECT_FALSE(matches(R"({"Variable": "$.f", "StringMatches": "\\**"})", R"({"f": "anything"})"));
  // "\\\\" in JSON is \\ : one literal backslash.
  EXPECT_TRUE(
      matches(R"({"Variable": "$.f", "StringMatches": "C:\\\\*"})", R"({"f": "C:\\temp"})"));
  EXPECT_FALSE(matches(R"({"Variable": "$.f", "StringMatches": "C:\\\\*"})", R"({"f": "C:temp"})"));
}

// The matcher that backtracked to the last star, kept as the reference the linear one must agree
// with on every text and pattern.
bool backtracking_matches(std::string_view text, std::string_view pattern) {
  std::size_t t = 0, p = 0, star_p = std::string_view::npos, star_t = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '\\' && p + 1 < pattern.size()) {
      if (text[t] == pattern[p + 1]) {
        ++t;
        p += 2;
        continue;
      }
    } else if (p < pattern.size() && pattern[p] == '*') {
      star_p = p++;
      star_t = t;
      continue;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++t;
      ++p;
      continue;
    }
    if (star_p == std::string_view::npos) return false;
    p = star_p + 1;
    t = ++star_t;
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

TEST(AslChoiceMatches, AgreesWithBacktrackingOnEveryShortTextAndPattern) {
  std::mt19937 random(20261206);
  const std::string alphabet = "ab*\\";
  const auto word = [&](std::size_t most, std::size_t letters) {
    std::string out(random() % (most + 1), 'a');
    for (char& c : out) c = alphabet[random() % letters];
    return out;
  };
  for (int i = 0; i < 200000; ++i) {
    const std::string text = word(8, 4), pattern = word(7, 4);
    ASSERT_EQ(string_matches(text, pattern), backtracking_matches(text, pattern))
        << "text \"" << text << "\" pattern \"" << pattern << "\"";
  }
}

// Backtracking took text x pattern steps: this pair (inputs a workflow may carry) held a CAF
// worker for tens of seconds per Choice evaluation; the matcher is linear now.
TEST(AslChoiceMatches, APathologicalPatternIsLinear) {
  const std::string text(250'000, 'a');
  const std::string pattern = "*" + std::string(125'000, 'a') + "b";
  const auto started = std::chrono::steady_clock::now();
  EXPECT_FALSE(string_matches(text, pattern));
  EXPECT_TRUE(string_matches(text + "b", pattern));
  EXPECT_TRUE(string_matches(text, "*a*a*a*" + std::string(1000, 'a')));
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
}

TEST(AslChoiceMatches, StringMatchesFunctionDirectly) {
  EXPECT_TRUE(string_matches("", ""));
  EXPECT_FALSE(string_matches("a", ""));
  EXPECT_FALSE(string_matches("", "a"));
  EXPECT_TRUE(string_matches("", "**"));
  EXPECT_TRUE(string_matches("abc", "abc"));
  EXPECT_TRUE(string_matches("a*c", "a\\*c"));
  EXPECT_FALSE(string_matches("abc", "a\\*c"));
  EXPECT_TRUE(string_matches("a\\c", "a\\\\c"));
  EXPECT_TRUE(string_matches("mississippi", "m*iss*ppi"));
  EXPECT_FALSE(string_matches("mississippi", "m*iss*ppx"));
  EXPECT_TRUE(string_matches("xx*yy", "*\\**"));
  EXPECT_FALSE(string_matches("xxyy", "*\\**"));
}

// ---------------------------------------------------------------------------------------------
// Numbers

TEST(AslChoiceNumeric, ComparesIntegersAndFractions) {
  const char* in = R"({"n": 10, "f": 2.5, "neg": -3})";
  EXPECT_TRUE(matches(R"({"Variable": "$.n", "NumericEquals": 10})", in));
  EXPECT_TRUE(matches(R"({"Variable": "$.n", "NumericEquals": 10.0})", in));
  EXPECT_FALSE(matches(R"({"Variable": "$.n", "NumericEquals": 10.5})", in));
  EXPECT_TRUE(matches(R"({"Variable": "$.f", "NumericLessThan": 3})", in));
  EXPECT_FALSE(matches(R"({"Variable": "$.f", "NumericLessThan": 2.5})", in));
  EXPECT_TRUE(matches(R"({"Variable": "$.f", "NumericLessThanEquals": 2.5})", in));
  EXPECT_TRUE(matches(R"({"Variable": "$.f", "NumericGreaterThan": 2})", in));
  EXPECT_FALSE(matches(R"({"Variable": "$.f", "NumericGreaterThan": 2.5})", in));
  EXPECT_TRUE(matches(R"({"Variable": "$.f", "NumericGreaterThanEquals": 2.5})", in));
  EXPECT_FALSE(matches(R"({"Variable": "$.f", "NumericGreaterThanEquals": 2.6})", in));
  EXPECT_TRUE(matches(R"({"Variable": "$.neg", "NumericLessThan": -2})", in));
  EXPECT_TRUE(matches(R"({"Variable": "$.neg", "NumericGreaterThan": -3.5})", in));
}

TEST(AslChoiceNumeric, LargeIntegersCompareExactly) {
  // 2^53 + 1 and 2^53 are equal as doubles but not as integers.
  EXPECT_FALSE(matches(R"({"Variable": "$.n", "NumericEquals": 9007199254740992})",
                       R"({"n": 9007199254740993})"));
  EXPECT_TRUE(matches(R"({"Variable": "$.n", "NumericGreaterThan": 9007199254740992})",
                      R"({"n": 9007199254740993})"));
  // uint64 above INT64_MAX against int64 values.
  EXPECT_TRUE(matches(R"({"Variable": "$.n", "NumericGreaterThan": 9223372036854775807})",
                      R"({"n": 18446744073709551615})"));
  EXPECT_TRUE(
      matches(R"({"Variable": "$.n", "NumericLessThan": 18446744073709551615})", R"({"n": -1})"));
  EXPECT_FALSE(
      matches(R"({"Variable": "$.n", "NumericEquals": 18446744073709551615})", R"({"n": -1})"));
  EXPECT_TRUE(matches(R"({"Variable": "$.n", "NumericEquals": 18446744073709551615})",
                      R"({"n": 18446744073709551615})"));
}

TEST(AslChoiceNumeric, PathVariants) {
  const char* in = R"({"total": 250, "limit": 100, "same": 250.0})";
  EXPECT_TRUE(matches(R"({"Variable": "$.total", "NumericGreaterThanPath": "$.limit"})", in));
  EXPECT_FALSE(matches(R"({"Variable": "$.total", "NumericLessThanPath": "$.limit"})", in));
  EXPECT_TRUE(matches(R"({"Variable": "$.total", "NumericEqualsPath": "$.same"})", in));
  EXPECT_TRUE(matches(R"({"Variable": "$.total", "NumericLessThanEqualsPath": "$.same"})", in));
  EXPECT_TRUE(matches(R"({"Variable": "$.limit", "NumericGreaterThanEqualsPath": "$.limit"})", in));
  // The operand path may read the context object.
  EXPECT_TRUE(matches(
      R"({"Variable": "$.total", "NumericGreaterThanPath": "$$.Execution.Input.limit"})", in));
}

// ---------------------------------------------------------------------------------------------
// Booleans

TEST(AslChoiceBoolean, EqualsAndPath) {
  EXPECT_TRUE(matches(R"({"Variable": "$.b", "BooleanEquals": true})", R"({"b": true})"));
  EXPECT_FALSE(matches(R"({"Variable": "$.b", "BooleanEquals": true})", R"({"b": false})"));
  EXPECT_TRUE(matches(R"({"Variable": "$.b", "BooleanEquals": false})", R"({"b": false})"));
  EXPECT_TRUE(
      matches(R"({"Variable": "$.a", "BooleanEqualsPath": "$.b"})", R"({"a": false, "b": false})"));
  EXPECT_FALSE(
      matches(R"({"Variable": "$.a", "BooleanEqualsPath": "$.b"})", R"({"a": true, "b": false})"));
}

// ---------------------------------------------------------------------------------------------
// Timestamps

TEST(AslChoiceTimestamp, ComparesInstantsAcrossOffsets) {
  // 10:00+02:00 is 08:00Z.
  const char* in = R"({"t": "2025-01-01T10:00:00+02:00"})";
  EXPECT_TRUE(matches(R"({"Variable": "$.t", "TimestampEquals": "2025-01-01T08:00:00Z"})", in));
  EXPECT_TRUE(
      matches(R"({"Variable": "$.t", "TimestampEquals": "2025-01-01T03:00:00-05:00"})", in));
  EXPECT_FALSE(matches(R"({"Variable": "$.t", "TimestampEquals": "2025-01-01T10:00:00Z"})", in));
  EXPECT_TRUE(matches(R"({"Variable": "$.t", "TimestampLessThan": "2025-01-01T09:00:00Z"})", in));
  EXPECT_FALSE(matches(R"({"Variable": "$.t", "TimestampLessThan": "2025-01-01T08:00:00Z"})", in));
  EXPECT_TRUE(
      matches(R"({"Variable": "$.t", "TimestampGreaterThan": "2025-01-01T07:59:59.999Z"})", in));
  EXPECT_FALSE(
      matches(R"({"Variable": "$.t", "TimestampGreaterThan": "2025-01-01T08:00:00Z"})", in));
  EXPECT_TRUE(
      matches(R"({"Variable": "$.t", "TimestampLessThanEquals": "2025-01-01T08:00:00.000Z"})", in));
  EXPECT_TRUE(
      matches(R"({"Variable": "$.t", "TimestampGreaterThanEquals": "2025-01-01T08:00:00Z"})", in));
  EXPECT_FALSE(matches(
      R"({"Variable": "$.t", "TimestampGreaterThanEquals": "2025-01-01T08:00:00.001Z"})", in));
  // Across a date boundary: 2024-12-31T23:30:00-01:00 is 2025-01-01T00:30:00Z.
  EXPECT_TRUE(matches(R"({"Variable": "$.t", "TimestampGreaterThan": "2025-01-01T00:00:00Z"})",
                      R"({"t": "2024-12-31T23:30:00-01:00"})"));
}

TEST(AslChoiceTimestamp, FractionsCount) {
  EXPECT_TRUE(matches(R"({"Variable": "$.t", "TimestampLessThan": "2025-01-01T00:00:00.5Z"})",
                      R"({"t": "2025-01-01T00:00:00.499Z"})"));
  EXPECT_TRUE(matches(R"({"Variable": "$.t", "TimestampEquals": "2025-01-01T00:00:00.5Z"})",
                      R"({"t": "2025-01-01T00:00:00.500Z"})"));
}

TEST(AslChoiceTimestamp, PathVariants) {
  const char* in =
      R"({"a": "2025-06-15T05:00:00Z", "b": "2025-06-15T07:00:00+02:00", "c": "2025-06-16T00:00:00Z"})";
  EXPECT_TRUE(matches(R"({"Variable": "$.a", "TimestampEqualsPath": "$.b"})", in));
  EXPECT_TRUE(matches(R"({"Variable": "$.a", "TimestampLessThanPath": "$.c"})", in));
  EXPECT_TRUE(matches(R"({"Variable": "$.c", "TimestampGreaterThanPath": "$.b"})", in));
  EXPECT_TRUE(matches(R"({"Variable": "$.a", "TimestampLessThanEqualsPath": "$.b"})", in));
  EXPECT_FALSE(matches(R"({"Variable": "$.a", "TimestampGreaterThanEqualsPath": "$.c"})", in));
}

TEST(AslChoiceTimestamp, NonTimestampValuesDoNotMatch) {
  const char* rule_text = R"({"Variable": "$.t", "TimestampLessThan": "2030-01-01T00:00:00Z"})";
  EXPECT_FALSE(matches(rule_text, R"({"t": "yesterday"})"));
  EXPECT_FALSE(matches(rule_text, R"({"t": "2025-02-30T00:00:00Z"})"));
  EXPECT_FALSE(matches(rule_text, R"({"t": "2025-01-01"})"));
  EXPECT_FALSE(matches(rule_text, R"({"t": 1735689600})"));
  EXPECT_FALSE(matches(rule_text, R"({"t": null})"));
  EXPECT_TRUE(matches(rule_text, R"({"t": "2025-01-01T00:00:00Z"})"));
}

// ---------------------------------------------------------------------------------------------
// Is* tests

TEST(AslChoiceIs, IsNull) {
  EXPECT_TRUE(matches(R"({"Variable": "$.v", "IsNull": true})", R"({"v": null})"));
  EXPECT_FALSE(matches(R"({"Variable": "$.v", "IsNull": true})", R"({"v": 0})"));
  EXPECT_FALSE(matches(R"({"Variable": "$.v", "IsNull": true})", R"({"v": "null"})"));
  EXPECT_TRUE(matches(R"({"Variable": "$.v", "IsNull": false})", R"({"v": {}})"));
  EXPECT_FALSE(matches(R"({"Variable": "$.v", "IsNull": false})", R"({"v": null})"));
}

TEST(AslChoiceIs, IsPresent) {
  EXPECT_TRUE(matches(R"({"Variable": "$.v", "IsPresent": true})", R"({"v": null})"));
  EXPECT_TRUE(matches(R"({"Variable": "$.v", "IsPresent": true})", R"({"v": false})"));
  EXPECT_FALSE(matches(R"({"Variable": "$.missing", "IsPresent": true})", R"({"v": 1})"));
  EXPECT_TRUE(matches(R"({"Variable": "$.missing", "IsPresent": false})", R"({"v": 1})"));
  EXPECT_FALSE(matches(R"({"Variable": "$.v", "IsPresent": false})", R"({"v": 1})"));
  EXPECT_FALSE(matches(R"({"Variable": "$.a.b.c", "IsPresent": true})", R"({"a": {"b": 5}})"));
  EXPECT_TRUE(matches(R"({"Variable": "$.list[2]", "IsPresent": false})", R"({"list": [1, 2]})"));
  EXPECT_TRUE(matches(R"({"Variable": "$.list[1]", "IsPresent": true})", R"({"list": [1, 2]})"));
}

TEST(AslChoiceIs, IsNumericIsStringIsBoolean) {
  EXPECT_TRUE(matches(R"({"Variable": "$.v", "IsNumeric": true})", R"({"v": 1})"));
  EXPECT_TRUE(matches(R"({"Variable": "$.v", "IsNumeric": true})", R"({"v": -1.5e3})"));
  EXPECT_FALSE(matches(R"({"Variable": "$.v", "IsNumeric": true})", R"({"v": "1"})"));
  EXPECT_TRUE(matches(R"({"Variable": "$.v", "IsNumeric": false})", R"({"v": "1"})"));
  EXPECT_TRUE(matches(R"({"Variable": "$.v", "IsString": true})", R"({"v": ""})"));
  EXPECT_FALSE(matches(R"({"Variable": "$.v", "IsString": true})", R"({"v": null})"));
  EXPECT_TRUE(matches(R"({"Variable": "$.v", "IsBoolean": true})", R"({"v": false})"));
  EXPECT_FALSE(matches(R"({"Variable": "$.v", "IsBoolean": true})", R"({"v": "true"})"));
  EXPECT_FALSE(matches(R"({"Variable": "$.v", "IsBoolean": true})", R"({"v": 0})"));
}

TEST(AslChoiceIs, IsTimestamp) {
  EXPECT_TRUE(matches(R"({"Variable": "$.v", "IsTimestamp": true})",
                      R"({"v": "2024-02-29T23:59:59.999Z"})"));
  EXPECT_TRUE(matches(R"({"Variable": "$.v", "IsTimestamp": true})",
                      R"({"v": "2024-02-29T23:59:59+05:30"})"));
  EXPECT_FALSE(
      matches(R"({"Variable": "$.v", "IsTimestamp": true})", R"({"v": "2023-02-29T00:00:00Z"})"));
  EXPECT_FALSE(matches(R"({"Variable": "$.v", "IsTimestamp": true})", R"({"v": "2024-02-29"})"));
  EXPECT_FALSE(matches(R"({"Variable": "$.v", "IsTimestamp": true})", R"({"v": 1700000000})"));
  EXPECT_TRUE(matches(R"({"Variable": "$.v", "IsTimestamp": false})", R"({"v": "not a time"})"));
}

TEST(AslChoiceIs, IsOperatorsOtherThanIsPresentNeedTheVariable) {
  EXPECT_NE(fails(R"({"Variable": "$.missing", "IsNull": true})", "{}"), "");
  EXPECT_NE(fails(R"({"Variable": "$.missing", "IsString": false})", "{}"), "");
}

// ---------------------------------------------------------------------------------------------
// And / Or / Not

TEST(AslChoiceLogic, AndOrNot) {
  const char* and_rule =
      R"({"And": [{"Variable": "$.a", "NumericGreaterThan": 1}, {"Variable": "$.b", "StringEquals": "x"}]})";
  EXPECT_TRUE(matches(and_rule, R"({"a": 2, "b": "x"})"));
  EXPECT_FALSE(matches(and_rule, R"({"a": 2, "b": "y"})"));
  EXPECT_FALSE(matches(and_rule, R"({"a": 0, "b": "x"})"));

  const char* or_rule =
      R"({"Or": [{"Variable": "$.a", "NumericGreaterThan": 1}, {"Variable": "$.b", "StringEquals": "x"}]})";
  EXPECT_TRUE(matches(or_rule, R"({"a": 2, "b": "y"})"));
  EXPECT_TRUE(matches(or_rule, R"({"a": 0, "b": "x"})"));
  EXPECT_FALSE(matches(or_rule, R"({"a": 0, "b": "y"})"));

  const char* not_rule = R"({"Not": {"Variable": "$.b", "StringEquals": "x"}})";
  EXPECT_FALSE(matches(not_rule, R"({"b": "x"})"));
  EXPECT_TRUE(matches(not_rule, R"({"b": "y"})"));
}

TEST(AslChoiceLogic, DeepNesting) {
  // (a > 1 AND NOT(b == "x")) OR (c is present AND NOT(NOT(d)))
  const char* r = R"({"Or": [
      {"And": [{"Variable": "$.a", "NumericGreaterThan": 1}, {"Not": {"Variable": "$.b", "StringEquals": "x"}}]},
      {"And": [{"Variable": "$.c", "IsPresent": true},
               {"Not": {"Not": {"Variable": "$.d", "BooleanEquals": true}}}]}]})";
  EXPECT_TRUE(matches(r, R"({"a": 5, "b": "y", "d": false})"));
  EXPECT_FALSE(matches(r, R"({"a": 5, "b": "x", "d": false})"));
  EXPECT_TRUE(matches(r, R"({"a": 0, "b": "x", "c": null, "d": true})"));
  EXPECT_FALSE(matches(r, R"({"a": 0, "b": "x", "c": null, "d": false})"));
  EXPECT_FALSE(matches(r, R"({"a": 0, "b": "x", "d": true})"));
}

TEST(AslChoiceLogic, NotOfATypeMismatchIsTrue) {
  // A type mismatch is "no match", not an error, so Not turns it into a match.
  EXPECT_TRUE(matches(R"({"Not": {"Variable": "$.v", "StringEquals": "5"}})", R"({"v": 5})"));
}

TEST(AslChoiceLogic, ErrorsInsideNestedRulesPropagate) {
  EXPECT_NE(
      fails(
          R"({"And": [{"Variable": "$.a", "IsPresent": true}, {"Variable": "$.zzz", "NumericEquals": 1}]})",
          R"({"a": 1})"),
      "");
  EXPECT_NE(fails(R"({"Not": {"Variable": "$.zzz", "BooleanEquals": true}})", R"({})"), "");
}

// ---------------------------------------------------------------------------------------------
// Type mismatches and missing values

TEST(AslChoiceTypes, MismatchIsNoMatch) {
  EXPECT_FALSE(matches(R"({"Variable": "$.v", "StringEquals": "5"})", R"({"v": 5})"));
  EXPECT_FALSE(matches(R"({"Variable": "$.v", "StringLessThan": "z"})", R"({"v": null})"));
  EXPECT_FALSE(matches(R"({"Variable": "$.v", "NumericEquals": 5})", R"({"v": "5"})"));
  EXPECT_FALSE(matches(R"({"Variable": "$.v", "NumericLessThan": 5})", R"({"v": true})"));
  EXPECT_FALSE(matches(R"({"Variable": "$.v", "BooleanEquals": true})", R"({"v": "true"})"));
  EXPECT_FALSE(matches(R"({"Variable": "$.v", "BooleanEquals": false})", R"({"v": 0})"));
  EXPECT_FALSE(
      matches(R"({"Variable": "$.v", "TimestampEquals": "2025-01-01T00:00:00Z"})", R"({"v": {}})"));
  EXPECT_FALSE(
      matches(R"({"Variable": "$.v", "NumericEqualsPath": "$.w"})", R"({"v": 1, "w": "1"})"));
}

TEST(AslChoiceTypes, MissingVariableIsAnError) {
  const std::string message =
      fails(R"({"Variable": "$.missing", "StringEquals": "x"})", R"({"v": 1})");
  EXPECT_NE(message.find("$.missing"), std::string::npos) << message;
  EXPECT_NE(fails(R"({"Variable": "$.a.b", "NumericEquals": 1})", R"({"a": 1})"), "");
}

TEST(AslChoiceTypes, MissingOperandPathIsAnError) {
  const std::string message =
      fails(R"({"Variable": "$.v", "NumericEqualsPath": "$.nope"})", R"({"v": 1})");
  EXPECT_NE(message.find("$.nope"), std::string::npos) << message;
}

TEST(AslChoiceTypes, VariableMayReadTheContext) {
  EXPECT_TRUE(
      matches(R"({"Variable": "$$.State.RetryCount", "NumericGreaterThanEquals": 2})", "{}"));
  EXPECT_TRUE(matches(R"({"Variable": "$$.State.Name", "StringEquals": "C"})", "{}"));
}

}  // namespace
}  // namespace settled::asl

namespace settled::asl {
namespace {

// A NaN (Boost.JSON reads "-0e365" as one) matches no numeric comparison, Equals included.
TEST(AslChoiceNumeric, ANaNMatchesNoComparison) {
  for (const char* op : {"NumericEquals", "NumericLessThan", "NumericGreaterThan",
                         "NumericLessThanEquals", "NumericGreaterThanEquals"}) {
    const std::string on_value = std::string(R"({"Variable": "$.n", ")") + op + R"(": 1})";
    EXPECT_FALSE(matches(on_value, R"({"n": -0e365})")) << op;
    const std::string on_operand =
        std::string(R"({"Variable": "$.n", ")") + op + R"(Path": "$.m"})";
    EXPECT_FALSE(matches(on_operand, R"({"n": 1, "m": -0e365})")) << op;
  }
}

}  // namespace
}  // namespace settled::asl
