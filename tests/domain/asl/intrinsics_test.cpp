// Tests for the ASL intrinsic functions (src/domain/asl/intrinsics.hpp) against Step Functions'
// documented behaviour: every function, the escapes of string literals, and each run-time refusal
// (kIntrinsicFailure -> States.IntrinsicFailure). Arguments, nesting, syntax and the wiring
// through PayloadTemplate, the interpreter and the parser: intrinsics_wiring_test.cpp.

#include "domain/asl/intrinsics.hpp"

#include "domain/asl/intrinsics_test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <chrono>
#include <regex>
#include <string>

namespace settled::asl {
namespace {

namespace json = boost::json;
using namespace intrinsics_test;

// ---------------------------------------------------------------------------------------------
// States.Format

TEST(IntrinsicFormat, FillsPlaceholdersFromLiteralAndPathTemplates) {
  const json::value input = j(R"({"name": "Arnav", "template": "Hello, my name is {}."})");
  EXPECT_EQ(eval("States.Format('Hello, my name is {}.', $.name)", input),
            json::value("Hello, my name is Arnav."));
  EXPECT_EQ(eval("States.Format($.template, $.name)", input),
            json::value("Hello, my name is Arnav."));
  EXPECT_EQ(eval("States.Format('no placeholders')"), json::value("no placeholders"));
  EXPECT_EQ(eval("States.Format('{}{}-{}', 'a', 'b', 'c')"), json::value("ab-c"));
  // Inserted values are not expanded again, and a template from the input has no escapes.
  EXPECT_EQ(eval("States.Format('{} {}', '{}', 'x')"), json::value("{} x"));
  EXPECT_EQ(eval("States.Format($.t, 1)", j(R"({"t": "a\\b {}"})")), json::value(R"(a\b 1)"));
}

TEST(IntrinsicFormat, WritesNumbersBooleansNullAndCollections) {
  const json::value input =
      j(R"({"i": 7, "neg": -3, "d": 1.5, "whole": 2.0, "big": 1e21, "small": 0.0001,
            "o": {"a": 1, "b": [true, null, "x"]}})");
  EXPECT_EQ(
      eval("States.Format('{} {} {} {} {} {}', $.i, $.neg, $.d, $.whole, $.big, $.small)", input),
      json::value("7 -3 1.5 2.0 1.0E21 1.0E-4"));
  EXPECT_EQ(eval("States.Format('{}|{}|{}|{}', true, false, null, 12)"),
            json::value("true|false|null|12"));
  EXPECT_EQ(eval("States.Format('{}', $.o)", input), json::value("{a=1, b=[true, null, x]}"));
}

TEST(IntrinsicFormat, EscapesInStringLiterals) {
  EXPECT_EQ(eval(R"(States.Format('it\'s'))"), json::value("it's"));
  EXPECT_EQ(eval(R"(States.Format('\{\} is not a placeholder, {} is', 'this'))"),
            json::value("{} is not a placeholder, this is"));
  EXPECT_EQ(eval(R"(States.Format('back\\slash {}', 1))"), json::value(R"(back\slash 1)"));
  // The escape ends at the backslash: "\\{}" is a backslash, then a placeholder.
  EXPECT_EQ(eval(R"(States.Format('\\{}', 'x'))"), json::value(R"(\x)"));
  // Commas and parentheses inside a string literal are text.
  EXPECT_EQ(eval("States.Format('a, b) {}', 'c')"), json::value("a, b) c"));
}

TEST(IntrinsicFormat, PlaceholderCountMustMatchTheValues) {
  EXPECT_THAT(refusal("States.Format('{} and {}', 'one')"),
              HasSubstr("template has 2 placeholders '{}' but 1 value follow it"));
  EXPECT_THAT(refusal("States.Format('{}')"), HasSubstr("1 placeholder '{}' but 0 values"));
  // A template from the input can only be checked at run time.
  EXPECT_THAT(failure("States.Format($.t, 1, 2)", j(R"({"t": "only {}"})")),
              HasSubstr("the template has 1 placeholder(s) '{}' but 2 value(s) follow it"));
}

TEST(IntrinsicFormat, TemplateMustBeAString) {
  EXPECT_THAT(refusal("States.Format(42)"),
              HasSubstr("States.Format argument 1 must be a string (the template), got a number"));
  EXPECT_THAT(failure("States.Format($.t)", j(R"({"t": [1]})")),
              HasSubstr("States.Format argument 1 must be a string (the template), got an array"));
  EXPECT_THAT(refusal("States.Format()"), HasSubstr("States.Format takes at least 1 argument"));
}

// ---------------------------------------------------------------------------------------------
// JSON

TEST(IntrinsicStringToJson, ParsesEscapedJson) {
  EXPECT_EQ(eval("States.StringToJson($.s)", j(R"({"s": "{\"foo\": \"bar\"}"})")),
            j(R"({"foo": "bar"})"));
  EXPECT_EQ(eval("States.StringToJson('[1, 2.5, null]')"), j("[1, 2.5, null]"));
  EXPECT_THAT(failure("States.StringToJson($.s)", j(R"({"s": "{not json"})")),
              HasSubstr("The function 'States.StringToJson($.s)' had the following error: the "
                        "string is not valid JSON"));
  EXPECT_THAT(failure("States.StringToJson($.s)", j(R"({"s": 5})")),
              HasSubstr("argument 1 must be a string, got a number (5)"));
}

// A number beyond a double's range would be kept as infinity, which no stored JSON can hold:
// the execution could not be read back. StringToJson fails the state; a literal is refused when
// the definition is parsed.
TEST(IntrinsicStringToJson, ANumberBeyondADoublesRangeFailsTheState) {
  EXPECT_THAT(failure("States.StringToJson($.s)", j(R"({"s": "{\"x\": [1, -1e400]}"})")),
              HasSubstr("the string has the number -1e400, beyond the range of a JSON number"));
  EXPECT_EQ(eval("States.StringToJson($.s)", j(R"({"s": "[1.7976931348623157e308, 1e-400]"})")),
            j("[1.7976931348623157e308, 0.0]"));
  EXPECT_THAT(refusal("States.Array(1, 1e400)"), HasSubstr("invalid number '1e400'"));
}

// An integer beyond int64 and uint64 would be rounded to a double, another number: the same.
TEST(IntrinsicStringToJson, AnIntegerBeyondSixtyFourBitsFailsTheState) {
  EXPECT_THAT(
      failure("States.StringToJson($.s)", j(R"({"s": "{\"n\": 123456789012345678901234}"})")),
      HasSubstr("the string has the number 123456789012345678901234, an integer beyond "
                "64 bits"));
  EXPECT_EQ(eval("States.StringToJson($.s)", j(R"({"s": "[18446744073709551615]"})")),
            j("[18446744073709551615]"));
  EXPECT_THAT(refusal("States.Array(1, 123456789012345678901234)"),
              HasSubstr("invalid number '123456789012345678901234': an integer beyond 64 bits"));
}

TEST(IntrinsicJsonToString, WritesCompactJson) {
  const json::value input = j(R"({"o": {"foo": "bar", "q": "say \"hi\"", "n": [1, 1.5, null]}})");
  EXPECT_EQ(eval("States.JsonToString($.o)", input),
            json::value(R"({"foo":"bar","q":"say \"hi\"","n":[1,1.5,null]})"));
  EXPECT_EQ(eval("States.JsonToString($.o.foo)", input), json::value(R"("bar")"));
  // Round trip.
  EXPECT_EQ(eval("States.StringToJson(States.JsonToString($.o))", input), input.at("o"));
}

TEST(IntrinsicJsonMerge, ShallowMergeLetsTheSecondObjectWin) {
  const json::value input = j(R"({"json1": {"a": {"a1": 1, "a2": 2}, "b": 2},
                                  "json2": {"a": {"a3": 1, "a4": 2}, "c": 3}})");
  EXPECT_EQ(eval("States.JsonMerge($.json1, $.json2, false)", input),
            j(R"({"a": {"a3": 1, "a4": 2}, "b": 2, "c": 3})"));
}

TEST(IntrinsicJsonMerge, RefusesDeepMergeAndNonObjects) {
  EXPECT_THAT(refusal("States.JsonMerge($.a, $.b, true)"),
              HasSubstr("argument 3 must be false: Step Functions only supports shallow merging"));
  EXPECT_THAT(refusal("States.JsonMerge($.a, $.b, 'false')"),
              HasSubstr("argument 3 must be a boolean"));
  EXPECT_THAT(failure("States.JsonMerge($.a, $.a, $.deep)", j(R"({"a": {}, "deep": true})")),
              HasSubstr("argument 3 must be false"));
  EXPECT_THAT(failure("States.JsonMerge($.a, $.b, false)", j(R"({"a": {}, "b": [1]})")),
              HasSubstr("States.JsonMerge argument 2 must be an object, got an array"));
  EXPECT_THAT(refusal("States.JsonMerge($.a, $.b)"), HasSubstr("takes 3 arguments, got 2"));
}

// ---------------------------------------------------------------------------------------------
// Arrays

TEST(IntrinsicArray, BuildsAnArrayOfItsArguments) {
  EXPECT_EQ(eval("States.Array()"), j("[]"));
  EXPECT_EQ(eval("States.Array($.Id)", j(R"({"Id": 123456})")), j("[123456]"));
  EXPECT_EQ(eval("States.Array('a', 1, -2.5, true, false, null, $.o, States.Array(1))",
                 j(R"({"o": {"k": "v"}})")),
            j(R"(["a", 1, -2.5, true, false, null, {"k": "v"}, [1]])"));
}

TEST(IntrinsicArrayPartition, ChunksWithAShorterLastChunk) {
  const json::value input = j(R"({"inputArray": [1, 2, 3, 4, 5, 6, 7, 8, 9]})");
  EXPECT_EQ(eval("States.ArrayPartition($.inputArray, 4)", input),
            j("[[1, 2, 3, 4], [5, 6, 7, 8], [9]]"));
  EXPECT_EQ(eval("States.ArrayPartition($.inputArray, 9)", input),
            j("[[1, 2, 3, 4, 5, 6, 7, 8, 9]]"));
  EXPECT_EQ(eval("States.ArrayPartition($.inputArray, 100)", input),
            j("[[1, 2, 3, 4, 5, 6, 7, 8, 9]]"));
  EXPECT_EQ(eval("States.ArrayPartition(States.Array(), 2)"), j("[]"));
  // A fraction is rounded to the nearest integer.
  EXPECT_EQ(eval("States.ArrayPartition($.inputArray, 3.5)", input),
            j("[[1, 2, 3, 4], [5, 6, 7, 8], [9]]"));
}

TEST(IntrinsicArrayPartition, RefusesNonPositiveChunksAndNonArrays) {
  EXPECT_THAT(failure("States.ArrayPartition(States.Array(1), 0)"),
              HasSubstr("chunk size must be a positive integer, got 0"));
  EXPECT_THAT(failure("States.ArrayPartition(States.Array(1), -2)"),
              HasSubstr("chunk size must be a positive integer, got -2"));
  EXPECT_THAT(failure("States.ArrayPartition(States.Array(1), 0.4)"),
              HasSubstr("chunk size must be a positive integer"));
  EXPECT_THAT(refusal("States.ArrayPartition('abc', 2)"),
              HasSubstr("States.ArrayPartition argument 1 must be an array, got a string"));
  EXPECT_THAT(refusal("States.ArrayPartition($.a, '2')"), HasSubstr("argument 2 must be a number"));
}

TEST(IntrinsicArrayContains, FindsEqualJsonValues) {
  const json::value input = j(R"({"inputArray": [1, 2, 3, 4, 5, 6, 7, 8, 9], "lookingFor": 5,
            "objs": [{"a": 1, "b": 2}, "x"], "probe": {"b": 2, "a": 1}})");
  EXPECT_EQ(eval("States.ArrayContains($.inputArray, $.lookingFor)", input), json::value(true));
  EXPECT_EQ(eval("States.ArrayContains($.inputArray, 10)", input), json::value(false));
  EXPECT_EQ(eval("States.ArrayContains($.inputArray, '5')", input), json::value(false));
  EXPECT_EQ(eval("States.ArrayContains($.objs, $.probe)", input), json::value(true));
  EXPECT_THAT(failure("States.ArrayContains($.lookingFor, 5)", input),
              HasSubstr("argument 1 must be an array, got a number (5)"));
}

TEST(IntrinsicArrayRange, CountsFromFirstToLastByStep) {
  EXPECT_EQ(eval("States.ArrayRange(1, 9, 2)"), j("[1, 3, 5, 7, 9]"));
  EXPECT_EQ(eval("States.ArrayRange(1, 8, 2)"), j("[1, 3, 5, 7]"));
  EXPECT_EQ(eval("States.ArrayRange(9, 1, -3)"), j("[9, 6, 3]"));
  EXPECT_EQ(eval("States.ArrayRange(5, 5, 1)"), j("[5]"));
  EXPECT_EQ(eval("States.ArrayRange(1, 2, -1)"), j("[]"));
  EXPECT_EQ(eval("States.ArrayRange(1.5, 3.4, 1)"), j("[2, 3]"));
  EXPECT_EQ(eval("States.ArrayRange($.a, $.b, $.c)", j(R"({"a": -2, "b": 2, "c": 2})")),
            j("[-2, 0, 2]"));
}

TEST(IntrinsicArrayRange, RefusesZeroStepAndMoreThan1000Items) {
  EXPECT_EQ(eval("States.ArrayRange(0, 999, 1)").as_array().size(), 1000u);
  EXPECT_THAT(failure("States.ArrayRange(0, 1000, 1)"), HasSubstr("more than 1000 items"));
  EXPECT_THAT(failure("States.ArrayRange(-9000000000000000000, 9000000000000000000, 1)"),
              HasSubstr("more than 1000 items"));
  EXPECT_THAT(failure("States.ArrayRange(1, 9, 0)"), HasSubstr("the step must not be 0"));
  EXPECT_THAT(failure("States.ArrayRange(1, 9, 0.2)"), HasSubstr("the step must not be 0"));
  EXPECT_THAT(refusal("States.ArrayRange(1, 9)"),
              HasSubstr("States.ArrayRange takes 3 arguments, got 2"));
  EXPECT_THAT(refusal("States.ArrayRange(1, '9', 1)"), HasSubstr("argument 2 must be a number"));
}

TEST(IntrinsicArrayGetItem, ReturnsTheItemAtAnIndex) {
  const json::value input = j(R"({"inputArray": [1, 2, 3, 4, 5, 6, 7, 8, 9], "index": 5})");
  EXPECT_EQ(eval("States.ArrayGetItem($.inputArray, $.index)", input), json::value(6));
  EXPECT_EQ(eval("States.ArrayGetItem($.inputArray, 0)", input), json::value(1));
  EXPECT_EQ(eval("States.ArrayGetItem($.inputArray, 8.0)", input), json::value(9));
  EXPECT_EQ(eval("States.ArrayGetItem(States.Array('a', States.Array('b')), 1)"), j(R"(["b"])"));
}

TEST(IntrinsicArrayGetItem, RefusesOutOfRangeAndFractionalIndexes) {
  const json::value input = j(R"({"a": [10, 20, 30]})");
  EXPECT_THAT(
      failure("States.ArrayGetItem($.a, 3)", input),
      HasSubstr("The function 'States.ArrayGetItem($.a, 3)' had the following error: the index 3 "
                "is out of range for an array of 3 item(s)"));
  EXPECT_THAT(failure("States.ArrayGetItem($.a, -1)", input),
              HasSubstr("the index -1 is out of range"));
  EXPECT_THAT(failure("States.ArrayGetItem($.a, 18446744073709551615)", input),
              HasSubstr("out of range"));
  EXPECT_THAT(failure("States.ArrayGetItem($.a, 1.5)", input),
              HasSubstr("the index must be an integer, got 1.5"));
  EXPECT_THAT(refusal("States.ArrayGetItem($.a, 'one')"), HasSubstr("argument 2 must be a number"));
}

TEST(IntrinsicArrayLength, CountsItems) {
  EXPECT_EQ(eval("States.ArrayLength($.a)", j(R"({"a": [1, 2, 3, 4, 5, 6, 7, 8, 9]})")),
            json::value(9));
  EXPECT_EQ(eval("States.ArrayLength(States.Array())"), json::value(0));
  EXPECT_THAT(failure("States.ArrayLength($.a)", j(R"({"a": {"k": 1}})")),
              HasSubstr("States.ArrayLength argument 1 must be an array, got an object"));
  EXPECT_THAT(refusal("States.ArrayLength()"),
              HasSubstr("States.ArrayLength takes 1 argument, got 0"));
}

TEST(IntrinsicArrayUnique, KeepsTheFirstOfEachValueInOrder) {
  EXPECT_EQ(eval("States.ArrayUnique($.a)", j(R"({"a": [1, 2, 3, 3, 3, 3, 3, 3, 4]})")),
            j("[1, 2, 3, 4]"));
  EXPECT_EQ(eval("States.ArrayUnique($.a)", j(R"({"a": ["b", "a", "b", null, null, true]})")),
            j(R"(["b", "a", null, true])"));
  // Objects are equal regardless of key order; arrays are not.
  EXPECT_EQ(eval("States.ArrayUnique($.a)",
                 j(R"({"a": [{"x": 1, "y": 2}, {"y": 2, "x": 1}, [1, 2], [2, 1], [1, 2]]})")),
            j(R"([{"x": 1, "y": 2}, [1, 2], [2, 1]])"));
  EXPECT_THAT(failure("States.ArrayUnique($.a)", j(R"({"a": "x"})")),
              HasSubstr("must be an array, got a string"));
}

// ---------------------------------------------------------------------------------------------
// Encoding and hashing

TEST(IntrinsicBase64, EncodesAndDecodesUtf8Text) {
  EXPECT_EQ(eval("States.Base64Encode($.input)", j(R"({"input": "Data to encode"})")),
            json::value("RGF0YSB0byBlbmNvZGU="));
  EXPECT_EQ(eval("States.Base64Decode($.b)", j(R"({"b": "RGF0YSB0byBlbmNvZGU="})")),
            json::value("Data to encode"));
  EXPECT_EQ(eval("States.Base64Encode('')"), json::value(""));
  EXPECT_EQ(eval("States.Base64Encode('ab')"), json::value("YWI="));
  EXPECT_EQ(eval("States.Base64Decode('YWI')"), json::value("ab"));     // padding may be left out
  EXPECT_EQ(eval("States.Base64Decode('YW\nI=')"), json::value("ab"));  // MIME line break
  EXPECT_EQ(eval("States.Base64Decode(States.Base64Encode('h\u00e9llo \u20ac'))"),
            json::value("h\u00e9llo \u20ac"));
}

TEST(IntrinsicBase64, RefusesBadInput) {
  EXPECT_THAT(failure("States.Base64Decode('a$b=')"), HasSubstr("not valid Base64"));
  EXPECT_THAT(failure("States.Base64Decode('YQ=a')"), HasSubstr("not valid Base64"));
  EXPECT_THAT(failure("States.Base64Decode('Y')"), HasSubstr("not valid Base64"));
  EXPECT_THAT(failure("States.Base64Decode('/w==')"), HasSubstr("not UTF-8 text"));  // 0xFF
  const json::value long_text = json::object{{"s", std::string(10'001, 'a')}};
  EXPECT_THAT(failure("States.Base64Encode($.s)", long_text),
              HasSubstr("must be at most 10000 characters long"));
  EXPECT_EQ(eval("States.Base64Encode($.s)", json::object{{"s", std::string(10'000, 'a')}})
                .as_string()
                .size(),
            13'336u);
  EXPECT_THAT(failure("States.Base64Encode($.n)", j(R"({"n": 1})")), HasSubstr("must be a string"));
}

TEST(IntrinsicHash, ComputesEachAlgorithmInLowercaseHex) {
  const json::value input = j(R"({"data": "abc"})");
  EXPECT_EQ(eval("States.Hash($.data, 'MD5')", input),
            json::value("900150983cd24fb0d6963f7d28e17f72"));
  EXPECT_EQ(eval("States.Hash($.data, 'SHA-1')", input),
            json::value("a9993e364706816aba3e25717850c26c9cd0d89d"));
  EXPECT_EQ(eval("States.Hash($.data, 'SHA-256')", input),
            json::value("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
  EXPECT_EQ(eval("States.Hash($.data, 'SHA-384')", input),
            json::value("cb00753f45a35e8bb5a03d699ac65007272c32ab0eded163"
                        "1a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"));
  EXPECT_EQ(eval("States.Hash($.data, 'SHA-512')", input),
            json::value("ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                        "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"));
}

TEST(IntrinsicHash, RefusesUnknownAlgorithmsAndNonStrings) {
  EXPECT_THAT(refusal("States.Hash('abc', 'SHA-3')"),
              HasSubstr("argument 2 must be one of MD5, SHA-1, SHA-256, SHA-384, SHA-512, got "
                        "\"SHA-3\""));
  EXPECT_THAT(failure("States.Hash('abc', $.alg)", j(R"({"alg": "sha-256"})")),
              HasSubstr("must be one of MD5"));
  EXPECT_THAT(failure("States.Hash($.d, 'MD5')", j(R"({"d": {"a": 1}})")),
              HasSubstr("States.Hash argument 1 must be a string, got an object"));
}

// ---------------------------------------------------------------------------------------------
// Math

TEST(IntrinsicMathRandom, DrawsFromTheInjectedSourceWithAnExclusiveEnd) {
  FixedRandom random({5});
  EXPECT_EQ(eval("States.MathRandom($.start, $.end)", j(R"({"start": 1, "end": 999})"), random),
            json::value(6));  // 1 + 5 % 998
  FixedRandom last({997});
  EXPECT_EQ(eval("States.MathRandom(1, 999)", json::object(), last), json::value(998));
  FixedRandom wraps({1000});
  EXPECT_EQ(eval("States.MathRandom(-10, 10)", json::object(), wraps), json::value(-10));
  FixedRandom any({123456789});
  EXPECT_EQ(eval("States.MathRandom(0.4, 1.4)", json::object(), any), json::value(0));
}

TEST(IntrinsicMathRandom, SameSeedSameNumberAsJavaRandom) {
  FixedRandom unused({1});
  // new java.util.Random(42).nextInt() is -1170105035, so nextInt(1000) is 130.
  EXPECT_EQ(eval("States.MathRandom(0, 1000, 42)", json::object(), unused), json::value(130));
  EXPECT_EQ(eval("States.MathRandom(0, 10, 42)", json::object(), unused), json::value(0));
  EXPECT_EQ(eval("States.MathRandom(100, 1100, $.seed)", j(R"({"seed": 42})"), unused),
            json::value(230));
  EXPECT_EQ(unused.draws, 0u);  // a seed never touches the injected source
}

TEST(IntrinsicMathRandom, RefusesAnEmptyRangeAndNonNumbers) {
  EXPECT_THAT(failure("States.MathRandom(5, 5)"),
              HasSubstr("the end (5) must be greater than the start (5)"));
  EXPECT_THAT(failure("States.MathRandom(5, 1)"), HasSubstr("must be greater than the start"));
  EXPECT_THAT(refusal("States.MathRandom(1)"),
              HasSubstr("States.MathRandom takes 2 or 3 arguments, got 1"));
  EXPECT_THAT(refusal("States.MathRandom(1, 2, 3, 4)"), HasSubstr("takes 2 or 3 arguments, got 4"));
  EXPECT_THAT(refusal("States.MathRandom(1, 2, 'seed')"), HasSubstr("argument 3 must be a number"));
}

TEST(IntrinsicMathAdd, AddsRoundedIntegers) {
  EXPECT_EQ(eval("States.MathAdd($.value1, $.step)", j(R"({"value1": 111, "step": -1})")),
            json::value(110));
  EXPECT_EQ(eval("States.MathAdd(1.5, 1)"), json::value(3));
  EXPECT_EQ(eval("States.MathAdd(-2.5, 0)"), json::value(-2));  // Java rounds halves up
  EXPECT_EQ(eval("States.MathAdd(0.49999999999999994, 0)"), json::value(0));
  EXPECT_EQ(eval("States.MathAdd(2147483647, 2147483647)"), json::value(4294967294LL));
  EXPECT_EQ(eval("States.MathAdd(States.ArrayLength($.a), 1)", j(R"({"a": [1, 2]})")),
            json::value(3));
}

TEST(IntrinsicMathAdd, RefusesValuesOutsideTheIntRange) {
  EXPECT_THAT(failure("States.MathAdd(2147483648, 0)"),
              HasSubstr("the value 2147483648 is outside the integer range"));
  EXPECT_THAT(failure("States.MathAdd(0, -2147483649)"), HasSubstr("outside the integer range"));
  EXPECT_THAT(refusal("States.MathAdd(1, '2')"),
              HasSubstr("States.MathAdd argument 2 must be a number, got a string"));
  EXPECT_THAT(refusal("States.MathAdd(1)"), HasSubstr("takes 2 arguments, got 1"));
}

// ---------------------------------------------------------------------------------------------
// Strings and identifiers

TEST(IntrinsicStringSplit, SplitsAtAnyDelimiterCharacterAndDropsEmptyPieces) {
  EXPECT_EQ(eval("States.StringSplit($.s, $.d)", j(R"({"s": "1,2,3,4,5", "d": ","})")),
            j(R"(["1", "2", "3", "4", "5"])"));
  EXPECT_EQ(
      eval("States.StringSplit($.s, $.d)", j(R"({"s": "This.is+a,test=string", "d": ".+,="})")),
      j(R"(["This", "is", "a", "test", "string"])"));
  EXPECT_EQ(eval("States.StringSplit(',a,,b,', ',')"), j(R"(["a", "b"])"));
  EXPECT_EQ(eval("States.StringSplit('a b', '')"), j(R"(["a b"])"));
  EXPECT_EQ(eval("States.StringSplit('', ',')"), j("[]"));
  EXPECT_EQ(eval("States.StringSplit('x\u2192y\u2192z', '\u2192')"), j(R"(["x", "y", "z"])"));
  EXPECT_THAT(failure("States.StringSplit($.n, ',')", j(R"({"n": 12})")),
              HasSubstr("argument 1 must be a string"));
}

// Each character of the text was looked up in a list of every delimiter character: two 60,000
// character strings (well within a payload) took 8 s of a CAF worker; the lookup is a set now.
TEST(IntrinsicStringSplit, ManyDelimitersCostNoMoreThanOne) {
  const json::value input =
      json::object{{"s", std::string(120'000, 'a') + ",b"}, {"d", std::string(120'000, 'z') + ","}};
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(eval("States.StringSplit($.s, $.d)", input),
            (json::array{json::string(std::string(120'000, 'a')), "b"}));
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
}

TEST(IntrinsicUuid, IsVersion4FromTheInjectedSource) {
  FixedRandom random({0x0123456789abcdefULL, 0xfedcba9876543210ULL});
  EXPECT_EQ(eval("States.UUID()", json::object(), random),
            json::value("01234567-89ab-4def-bedc-ba9876543210"));
  const std::regex v4("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  const std::string a(eval("States.UUID()").as_string());
  const std::string b(eval("States.UUID()").as_string());
  EXPECT_TRUE(std::regex_match(a, v4)) << a;
  EXPECT_NE(a, b);
  EXPECT_THAT(refusal("States.UUID(1)"), HasSubstr("States.UUID takes 0 arguments, got 1"));
}

}  // namespace
}  // namespace settled::asl
