// The bounds of domain/asl/limits.hpp: each recursive part of a definition is accepted at its
// limit and refused one past it with kInvalidDefinition naming the field, so that no definition
// can exhaust the stack of the parser, the validator or the evaluator.

#include "domain/asl/limits.hpp"
#include "domain/asl/parser.hpp"
#include "domain/asl/payload_template.hpp"
#include "domain/json_path.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <string>

namespace settled::asl {
namespace {

namespace json = boost::json;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// "" when the definition parses, else the refusal's message (which must be kInvalidDefinition).
std::string refusal(const json::value& definition) {
  auto result = parse_state_machine(definition, "limits");
  if (result.ok()) return "";
  EXPECT_EQ(result.error().code, ErrorCode::kInvalidDefinition);
  return result.error().message;
}

// A machine whose single state "S" is `state`.
json::value alone(json::object state) {
  return json::object{{"StartAt", "S"}, {"States", json::object{{"S", std::move(state)}}}};
}

json::object pass_with(const char* field, json::value value) {
  json::object state{{"Type", "Pass"}, {"End", true}};
  state[field] = std::move(value);
  return state;
}

// ---- JSONPath fields ----

TEST(AslLimits, RefusesTheHundredThousandParenthesisInputPathNamingTheField) {
  const std::string bomb = "$[?(" + std::string(100000, '(');
  const std::string message = refusal(alone(pass_with("InputPath", json::string(bomb))));
  EXPECT_THAT(message, StartsWith("invalid definition: $.States['S'].InputPath: invalid JSONPath"));
  EXPECT_THAT(message, HasSubstr("longer than the limit of 4096 bytes"));
  EXPECT_LT(message.size(), 300u);
}

TEST(AslLimits, RefusesAFilterNestedPastTheLimitNamingTheField) {
  const auto nested = [](std::size_t depth) {
    return "$[?(" + std::string(depth, '(') + "@.a" + std::string(depth, ')') + ")]";
  };
  EXPECT_EQ(refusal(alone(pass_with("OutputPath", json::string(nested(32))))), "");
  EXPECT_THAT(refusal(alone(pass_with("OutputPath", json::string(nested(33))))),
              AllOf(StartsWith("invalid definition: $.States['S'].OutputPath: "),
                    HasSubstr("filter expression nested more than 32 deep")));
}

// ---- Choice rules ----

// A Choice state whose one rule is `nots` Not rules around a comparison: the comparison is at
// nesting nots + 1.
json::value choice_with_nots(int nots) {
  json::value rule = json::object{{"Variable", "$.x"}, {"IsPresent", true}};
  for (int i = 0; i < nots; ++i) rule = json::object{{"Not", std::move(rule)}};
  rule.as_object()["Next"] = "Done";
  return json::object{
      {"StartAt", "S"},
      {"States", json::object{{"S", json::object{{"Type", "Choice"},
                                                 {"Choices", json::array{std::move(rule)}}}},
                              {"Done", json::object{{"Type", "Succeed"}}}}}};
}

TEST(AslLimits, AcceptsChoiceRulesNestedToTheLimitAndRefusesOneMore) {
  EXPECT_EQ(refusal(choice_with_nots(kMaxChoiceRuleNesting - 1)), "");
  std::string where = "$.States['S'].Choices[0]";
  for (int i = 0; i < kMaxChoiceRuleNesting; ++i) where += ".Not";
  EXPECT_THAT(refusal(choice_with_nots(kMaxChoiceRuleNesting)),
              StartsWith("invalid definition: " + where +
                         ": And, Or and Not rules are nested more than 32 deep"));
}

TEST(AslLimits, CountsAndOrNestingTheSameWay) {
  json::value rule = json::object{{"Variable", "$.x"}, {"IsPresent", true}};
  for (int i = 0; i < kMaxChoiceRuleNesting; ++i)
    rule = json::object{{i % 2 ? "And" : "Or", json::array{std::move(rule)}}};
  rule.as_object()["Next"] = "Done";
  json::value definition = json::object{
      {"StartAt", "S"},
      {"States", json::object{{"S", json::object{{"Type", "Choice"},
                                                 {"Choices", json::array{std::move(rule)}}}},
                              {"Done", json::object{{"Type", "Succeed"}}}}}};
  EXPECT_THAT(refusal(definition), HasSubstr("nested more than 32 deep"));
}

// ---- Parallel branches and Map item processors ----

// `levels` Parallel states inside one another (each in the only branch of the one around it);
// state names are unique across the whole machine, as ASL requires.
json::value nested_parallels(int levels, const char* kind = "Parallel") {
  json::value machine = json::object{
      {"StartAt", "Leaf"},
      {"States", json::object{{"Leaf", json::object{{"Type", "Pass"}, {"End", true}}}}}};
  for (int i = 1; i <= levels; ++i) {
    const std::string name = "P" + std::to_string(i);
    json::object state{{"Type", kind}, {"End", true}};
    if (std::string(kind) == "Parallel")
      state["Branches"] = json::array{std::move(machine)};
    else
      state["ItemProcessor"] = std::move(machine);
    machine = json::object{{"StartAt", name}, {"States", json::object{{name, std::move(state)}}}};
  }
  return machine;
}

TEST(AslLimits, AcceptsBranchesNestedToTheLimitAndRefusesOneMore) {
  EXPECT_EQ(refusal(nested_parallels(kMaxBranchNesting)), "");
  const std::string message = refusal(nested_parallels(kMaxBranchNesting + 1));
  std::string where = "$";
  for (int i = kMaxBranchNesting + 1; i >= 1; --i)
    where += ".States['P" + std::to_string(i) + "'].Branches[0]";
  EXPECT_THAT(message, StartsWith("invalid definition: " + where +
                                  ": Parallel branches and Map item processors are nested more "
                                  "than 16 deep"));
}

TEST(AslLimits, CountsMapItemProcessorsAsBranches) {
  EXPECT_EQ(refusal(nested_parallels(kMaxBranchNesting, "Map")), "");
  EXPECT_THAT(refusal(nested_parallels(kMaxBranchNesting + 1, "Map")),
              AllOf(HasSubstr("$.States['P17'].ItemProcessor.States['P16'].ItemProcessor"),
                    HasSubstr("nested more than 16 deep")));
}

// ---- Payload templates ----

json::value nested_objects(int depth) {
  json::value v = 1;
  for (int i = 0; i < depth; ++i) v = json::object{{"a", std::move(v)}};
  return v;
}

TEST(AslLimits, AcceptsTemplatesNestedToTheLimitAndRefusesOneMore) {
  EXPECT_EQ(refusal(alone(pass_with("Parameters", nested_objects(kMaxTemplateNesting)))), "");
  std::string where = "$.States['S'].Parameters";
  for (int i = 0; i < kMaxTemplateNesting; ++i) where += "['a']";
  EXPECT_THAT(refusal(alone(pass_with("Parameters", nested_objects(kMaxTemplateNesting + 1)))),
              StartsWith("invalid definition: " + where +
                         ": objects and arrays are nested more than 32 deep"));
}

TEST(AslLimits, CountsArraysInTemplatesAsNesting) {
  json::value v = json::object{{"x.$", "$.x"}};
  for (int i = 1; i < kMaxTemplateNesting; ++i) v = json::array{std::move(v)};
  json::value too_deep = json::array{v};
  auto ok = PayloadTemplate::compile(json::object{{"t", v}}, "$.P");
  EXPECT_FALSE(ok.ok());  // the object around adds one level: 33
  auto at_limit = PayloadTemplate::compile(v, "$.P");
  ASSERT_TRUE(at_limit.ok()) << at_limit.error().message;
  // Rendering the template at the limit works (its recursion is bounded by the same limit).
  auto out = at_limit->render(json::object{{"x", 7}}, json::object{});
  ASSERT_TRUE(out.ok()) << out.error().message;
  const json::value* inner = &*out;
  for (int i = 1; i < kMaxTemplateNesting; ++i) inner = &inner->as_array().at(0);
  EXPECT_EQ(*inner, (json::object{{"x", 7}}));
  auto refused = PayloadTemplate::compile(too_deep, "$.P");
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.error().message, HasSubstr("nested more than 32 deep"));
}

// ---- Intrinsic functions ----

TEST(AslLimits, AcceptsAnIntrinsicOfTheMaximumLengthAndRefusesOneByteMore) {
  const auto format_of = [](std::size_t total) {
    const std::string head = "States.Format('", tail = "')";
    return head + std::string(total - head.size() - tail.size(), 'x') + tail;
  };
  const auto state_for = [](const std::string& call) {
    return alone(pass_with("Parameters", json::object{{"v.$", json::string(call)}}));
  };
  EXPECT_EQ(refusal(state_for(format_of(kMaxIntrinsicLength))), "");
  EXPECT_THAT(refusal(state_for(format_of(kMaxIntrinsicLength + 1))),
              AllOf(StartsWith("invalid definition: $.States['S'].Parameters['v.$']: invalid "
                               "intrinsic function \"States.Format('xxx"),
                    HasSubstr("(8193 bytes): longer than the limit of 8192 bytes")));
}

TEST(AslLimits, RefusesIntrinsicsNestedPastTheLimitNamingTheField) {
  std::string call = "1";
  for (int i = 0; i < kMaxIntrinsicNesting + 1; ++i) call = "States.Array(" + call + ")";
  EXPECT_THAT(refusal(alone(pass_with("Parameters", json::object{{"v.$", json::string(call)}}))),
              AllOf(StartsWith("invalid definition: $.States['S'].Parameters['v.$']: "),
                    HasSubstr("nested more than 10 deep")));
}

// Found by the payload_template fuzzer: a number literal that overflows to infinity made the
// text of the refusal throw std::invalid_argument (an uncaught exception in the parser).
TEST(AslLimits, AnInfiniteNumberLiteralIsRefusedNotThrown) {
  auto refused =
      PayloadTemplate::compile(json::object{{"g.$", "States.Format(24000425e17736)"}}, "$.P");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidDefinition);
  EXPECT_THAT(refused.error().message, HasSubstr("invalid number '24000425e17736'"));
}

// ---- The whole definition ----

TEST(AslLimits, RefusesADefinitionOverOneMegabyte) {
  // A long Comment keeps the definition valid in every other way.
  const auto with_comment = [](std::size_t bytes) {
    json::value d = alone(json::object{{"Type", "Succeed"}});
    d.as_object()["Comment"] = std::string(bytes, 'c');
    return d;
  };
  const std::size_t overhead = json::serialize(with_comment(0)).size();
  EXPECT_EQ(refusal(with_comment(kMaxDefinitionBytes - overhead)), "");
  EXPECT_THAT(refusal(with_comment(kMaxDefinitionBytes - overhead + 1)),
              HasSubstr("larger than the limit of 1048576 bytes"));
  const std::string text = json::serialize(with_comment(kMaxDefinitionBytes - overhead + 1));
  auto from_text = parse_state_machine_text(text, "limits");
  ASSERT_FALSE(from_text.ok());
  EXPECT_EQ(from_text.error().code, ErrorCode::kInvalidDefinition);
  EXPECT_THAT(from_text.error().message, HasSubstr("1048577 bytes, larger than the limit"));
}

}  // namespace
}  // namespace settled::asl
