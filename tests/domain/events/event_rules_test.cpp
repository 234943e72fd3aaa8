// Event rules (docs/event-rules.md): the rule files' format, which rules an event matches, the
// execution a rule's start names from the event id, and its input.

#include "domain/events/event_rules.hpp"

#include "domain/events/event.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <string>

namespace settled::events {
namespace {

namespace json = boost::json;

EventRule rule(const std::string& name, const char* body) {
  auto parsed = parse_event_rule(name, json::parse(body));
  EXPECT_TRUE(parsed.ok()) << name << ": " << parsed.error().message;
  return parsed.ok() ? *parsed : EventRule{};
}

TEST(EventRules, ParsesBothTargets) {
  auto start = rule("milestone-payment",
                    R"({"detailType": "milestone.approved", "source": "mindlinks.contracts",
                        "target": {"startExecution": {"stateMachine": "milestone-payment",
                                                      "inputPath": "$.detail"}}})");
  EXPECT_EQ(start.target, EventRule::Target::kStartExecution);
  EXPECT_EQ(start.state_machine, "milestone-payment");
  EXPECT_EQ(start.input_path, "$.detail");
  EXPECT_EQ(start.source, std::optional<std::string>("mindlinks.contracts"));
  auto whole = rule("w", R"({"detailType": "t", "target": {"startExecution":
                              {"stateMachine": "m"}}})");
  EXPECT_EQ(whole.input_path, "$");
  EXPECT_FALSE(whole.source);
  auto deliver = rule("d", R"({"detailType": "t", "target": {"deliver": {}}})");
  EXPECT_EQ(deliver.target, EventRule::Target::kDeliver);
}

TEST(EventRules, RefusesBrokenRulesNamingTheField) {
  for (const auto& [name, body, named] :
       std::vector<std::tuple<std::string, const char*, const char*>>{
           {"bad name", R"({"detailType": "t", "target": {"deliver": {}}})", "rule name"},
           {std::string(41, 'r'), R"({"detailType": "t", "target": {"deliver": {}}})", "rule name"},
           {"r", R"([])", "JSON object"},
           {"r", R"({"target": {"deliver": {}}})", "detailType"},
           {"r", R"({"detailType": "", "target": {"deliver": {}}})", "detailType"},
           {"r", R"({"detailType": "t", "source": 1, "target": {"deliver": {}}})", "source"},
           {"r", R"({"detailType": "t"})", "target"},
           {"r", R"({"detailType": "t", "target": {}})", "target"},
           {"r", R"({"detailType": "t", "target": {"deliver": {}, "startExecution": {}}})",
            "target"},
           {"r", R"({"detailType": "t", "target": {"deliver": true}})", "deliver"},
           {"r", R"({"detailType": "t", "target": {"startExecution": {}}})", "stateMachine"},
           {"r", R"({"detailType": "t", "target": {"startExecution": {"stateMachine": "m",
                     "inputPath": "detail"}}})",
            "inputPath"},
           {"r", R"({"detailType": "t", "target": {"startExecution": {"stateMachine": "m",
                     "name": "x"}}})",
            "name"},
           {"r", R"({"detailType": "t", "pattern": {}, "target": {"deliver": {}}})", "pattern"},
           {"r", R"({"detailType": "t", "target": {"deliver": {"as": ""}}})", "as"},
           {"r", R"({"detailType": "t", "target": {"deliver": {"as": 7}}})", "as"},
           {"r", R"({"detailType": "t", "posterScope": "a b", "target": {"deliver": {}}})",
            "posterScope"},
           {"r", R"({"detailType": "t", "posterScope": 1, "target": {"deliver": {}}})",
            "posterScope"},
           // Anyone's event renamed to one only a signed webhook delivers.
           {"r", R"({"detailType": "t", "target": {"deliver": {"as": "payout.paid"}}})",
            "\"payout.paid\" is Stripe's"},
           {"r", R"({"detailType": "t", "target": {"deliver": {"as": "veriff.decision"}}})",
            "\"veriff.decision\" is Veriff's"},
           {"r", R"({"detailType": "t", "target": {"deliver": {"correlationKeyPath": "x"}}})",
            "correlationKeyPath"},
           {"r", R"({"detailType": "t", "target": {"deliver": {"key": "$.x"}}})", "key"},
       }) {
    auto parsed = parse_event_rule(name, json::parse(body));
    ASSERT_FALSE(parsed.ok()) << body;
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidRequest);
    EXPECT_NE(parsed.error().message.find(named), std::string::npos) << parsed.error().message;
  }
}

TEST(EventRules, MatchesDetailTypeExactlyAndSourceWhenGiven) {
  const std::vector<EventRule> rules = {
      rule("b-pay", R"({"detailType": "milestone.approved", "target": {"startExecution":
                          {"stateMachine": "milestone-payment"}}})"),
      rule("a-audit", R"({"detailType": "milestone.approved", "source": "mindlinks.contracts",
                          "target": {"startExecution": {"stateMachine": "audit"}}})"),
      rule("c-wake", R"({"detailType": "kyc.approved", "target": {"deliver": {}}})"),
      rule("d-kyc", R"({"detailType": "kyc.approved", "target": {"startExecution":
                          {"stateMachine": "kyc"}}})"),
  };
  auto both = match_rules(rules, "milestone.approved", "mindlinks.contracts");
  ASSERT_EQ(both.starts.size(), 2u);
  EXPECT_EQ(both.starts[0].name, "a-audit");  // by name
  EXPECT_EQ(both.starts[1].name, "b-pay");
  EXPECT_FALSE(both.deliver);  // a matching rule took it, none says deliver
  auto other_source = match_rules(rules, "milestone.approved", "mindlinks.other");
  ASSERT_EQ(other_source.starts.size(), 1u);
  EXPECT_EQ(other_source.starts[0].name, "b-pay");
  auto kyc = match_rules(rules, "kyc.approved", "");
  EXPECT_EQ(kyc.starts.size(), 1u);
  EXPECT_TRUE(kyc.deliver);                                     // c-wake asks for delivery too
  auto none = match_rules(rules, "milestone.approved.v2", "");  // exact, not a prefix
  EXPECT_TRUE(none.starts.empty());
  EXPECT_TRUE(none.deliver);  // what an event no rule takes does
  EXPECT_TRUE(match_rules({}, "anything", "").deliver);
}

TEST(EventRules, ExecutionNameIsTheEventIdOrItsDigest) {
  EXPECT_EQ(rule_execution_name("pay", "6a7e8feb-b491-4cf7"), "pay-6a7e8feb-b491-4cf7");
  EXPECT_EQ(rule_execution_name("pay", "evt 1"), rule_execution_name("pay", "evt 1"));
  const std::string hashed = rule_execution_name("pay", "evt 1/with spaces");
  EXPECT_EQ(hashed.rfind("pay-sha256-", 0), 0u) << hashed;
  EXPECT_EQ(hashed.size(), std::string("pay-sha256-").size() + 32);
  EXPECT_NE(hashed, rule_execution_name("pay", "evt 2/with spaces"));
  const std::string long_id(100, 'a');
  EXPECT_LE(rule_execution_name(std::string(40, 'r'), long_id).size(), 80u);
  // An id spelled like a hash is hashed too: posted first, it would otherwise take the name of
  // the event whose id hashes to it, and that event's start would be refused (red team).
  const std::string lookalike = hashed.substr(std::string("pay-").size());
  EXPECT_NE(rule_execution_name("pay", lookalike), hashed);
  EXPECT_EQ(rule_execution_name("pay", lookalike).rfind("pay-sha256-", 0), 0u);
  EXPECT_EQ(rule_execution_name("pay", "sha256-short"), "pay-sha256-short");  // not the form
}

// "pay-late-<id>" is rule pay-late's name for <id> and rule pay's for "late-<id>": two such
// rules on one state machine are refused; on different machines, or unrelated, they are fine.
TEST(EventRules, RulesWhoseExecutionNamesCanCollideAreRefused) {
  const auto rule = [](const char* name, const char* machine) {
    auto parsed = parse_event_rule(
        name, json::parse(std::string(R"({"detailType": "t", "target": {"startExecution": {)"
                                      R"("stateMachine": ")") +
                          machine + R"("}}})"));
    EXPECT_TRUE(parsed.ok()) << parsed.error().message;
    return *parsed;
  };
  auto clash = check_rule_names({rule("pay", "payment"), rule("pay-late", "payment")});
  ASSERT_FALSE(clash.ok());
  EXPECT_NE(clash.error().message.find("rules pay and pay-late both start payment"),
            std::string::npos)
      << clash.error().message;
  EXPECT_EQ(rule_execution_name("pay-late", "x"), rule_execution_name("pay", "late-x"));
  EXPECT_TRUE(check_rule_names({rule("pay", "payment"), rule("pay-late", "refund")}).ok());
  EXPECT_TRUE(check_rule_names({rule("pay", "payment"), rule("payout", "payment")}).ok());
  EXPECT_TRUE(check_rule_names({rule("pay", "payment"), rule("pay_late", "payment")}).ok());
}

// A rule's execution names of its machine are refused to any other start without scope admin;
// other machines and other names are not.
TEST(EventRules, TheNamesARuleStartsUnderAreReserved) {
  auto rule = parse_event_rule("pay", json::parse(R"({"detailType": "t",
      "target": {"startExecution": {"stateMachine": "payment"}}})"));
  ASSERT_TRUE(rule.ok());
  auto deliver = parse_event_rule("redirect", json::parse(R"({"detailType": "t",
      "target": {"deliver": {}}})"));
  ASSERT_TRUE(deliver.ok());
  const auto prefixes = rule_name_prefixes({*rule, *deliver});
  const Caller bob{"bob", {"support"}};
  auto refused = refuse_rule_name(prefixes, "payment", rule_execution_name("pay", "evt-1"), bob);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->code, ErrorCode::kForbidden);
  EXPECT_NE(refused->message.find("event rule pay"), std::string::npos) << refused->message;
  EXPECT_FALSE(refuse_rule_name(prefixes, "refund", "pay-evt-1", bob));
  EXPECT_FALSE(refuse_rule_name(prefixes, "payment", "payout-1", bob));
  EXPECT_FALSE(refuse_rule_name(prefixes, "payment", "redirect-1", bob));
  // An operator may redo a rule's start by hand.
  EXPECT_FALSE(refuse_rule_name(prefixes, "payment", "pay-evt-1", Caller{"ops", {"admin"}}));
  EXPECT_FALSE(refuse_rule_name(prefixes, "payment", "pay-evt-1", Caller::local()));
}

// A rule's posterScope is the scope a key needs to post an event it matches; a poster without
// it is refused naming the rule, with it (or with every scope) it passes.
TEST(EventRules, APosterScopeIsNeededToPostAMatchingEvent) {
  auto rule = parse_event_rule("approve", json::parse(R"({"detailType": "milestone.approved",
      "posterScope": "approver",
      "target": {"startExecution": {"stateMachine": "milestone-payment"}}})"));
  ASSERT_TRUE(rule.ok()) << rule.error().message;
  EXPECT_EQ(rule->poster_scope, "approver");
  const auto match = match_rules({*rule}, "milestone.approved", "");
  auto refused = refuse_poster(match, "milestone.approved", Caller{"bob", {"support"}});
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->code, ErrorCode::kForbidden);
  EXPECT_NE(refused->message.find("scope \"approver\""), std::string::npos) << refused->message;
  EXPECT_NE(refused->message.find("rule approve"), std::string::npos) << refused->message;
  EXPECT_FALSE(refuse_poster(match, "milestone.approved", Caller{"pm", {"approver"}}));
  EXPECT_FALSE(refuse_poster(match, "milestone.approved", Caller::local()));
  EXPECT_FALSE(refuse_poster(match_rules({*rule}, "milestone.rejected", ""), "milestone.rejected",
                             Caller{"bob", {}}));
}

TEST(EventRules, InputIsTheInputPathOfTheEnvelope) {
  const auto envelope = json::parse(R"({"id": "e1", "detail": {"entityId": "ms_1"}})");
  auto whole = rule_input(rule("r", R"({"detailType": "t", "target": {"startExecution":
                                         {"stateMachine": "m"}}})"),
                          envelope);
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(*whole, envelope);
  auto detail = rule_input(rule("r", R"({"detailType": "t", "target": {"startExecution":
                                          {"stateMachine": "m", "inputPath": "$.detail"}}})"),
                           envelope);
  ASSERT_TRUE(detail.ok());
  EXPECT_EQ(*detail, envelope.at("detail"));
  auto missing = rule_input(rule("r", R"({"detailType": "t", "target": {"startExecution":
                                           {"stateMachine": "m", "inputPath": "$.nope"}}})"),
                            envelope);
  EXPECT_FALSE(missing.ok());
}

TEST(EventRules, ARedirectingDeliverRuleDeliversTheEnvelopeUnderItsTypeAndKey) {
  const std::vector<EventRule> rules = {
      rule("b-contract-milestones", R"({"detailType": "milestone.submitted", "target":
          {"deliver": {"as": "contract.activity",
                       "correlationKeyPath": "$.detail.metadata.contractId"}}})"),
      rule("a-plain", R"({"detailType": "milestone.submitted", "target": {"deliver": {}}})"),
      rule("c-other", R"({"detailType": "milestone.submitted", "target":
          {"deliver": {"as": "elsewhere"}}})")};
  const auto match = match_rules(rules, "milestone.submitted", "mindlinks.contracts");
  EXPECT_TRUE(match.deliver);
  ASSERT_TRUE(match.redirect);
  EXPECT_EQ(match.redirect->name, "b-contract-milestones");  // the first by name that redirects
  EXPECT_FALSE(match_rules(rules, "timesheet.submitted", "s").redirect);

  const auto envelope = json::parse(R"({"version": "1.0", "id": "e-1", "source": "s",
      "detail-type": "milestone.submitted", "time": "2026-12-04T10:00:00Z",
      "detail": {"entityId": "ms-1", "metadata": {"contractId": "ct-9"}}})");
  Event event;
  event.id = "e-1";
  event.type = "milestone.submitted";
  event.correlation_key = "ms-1";
  event.detail = envelope.at("detail");
  auto redirected = redirected_event(*match.redirect, event, envelope);
  ASSERT_TRUE(redirected.ok()) << redirected.error().message;
  EXPECT_EQ(redirected->type, "contract.activity");
  EXPECT_EQ(redirected->correlation_key, "ct-9");
  EXPECT_EQ(redirected->detail, envelope);
  EXPECT_EQ(redirected->id, "e-1");  // still deduplicated as the event it is

  // Only the type: the key stays the event's own.
  auto renamed = redirected_event(rules[2], event, envelope);
  ASSERT_TRUE(renamed.ok());
  EXPECT_EQ(renamed->type, "elsewhere");
  EXPECT_EQ(renamed->correlation_key, "ms-1");
}

TEST(EventRules, ARedirectWithoutItsKeyOrTooLargeIsRefused) {
  const auto redirect = rule("r", R"({"detailType": "t", "target": {"deliver":
      {"as": "contract.activity", "correlationKeyPath": "$.detail.metadata.contractId"}}})");
  Event event;
  event.type = "t";
  event.correlation_key = "k";
  for (const char* body :
       {R"({"detail": {"metadata": {}}})", R"({"detail": {"metadata": {"contractId": 7}}})",
        R"({"detail": {"metadata": {"contractId": ""}}})"}) {
    auto refused = redirected_event(redirect, event, json::parse(body));
    ASSERT_FALSE(refused.ok()) << body;
    EXPECT_EQ(refused.error().code, ErrorCode::kInvalidRequest);
    EXPECT_NE(refused.error().message.find("correlationKeyPath"), std::string::npos);
  }
  json::object big{{"detail", {{"metadata", {{"contractId", "ct"}}}}},
                   {"padding", std::string(kMaxDetailBytes, 'x')}};
  auto too_large = redirected_event(redirect, event, big);
  ASSERT_FALSE(too_large.ok());
  EXPECT_EQ(too_large.error().code, ErrorCode::kPayloadTooLarge);
  json::object long_key{{"detail", {{"metadata", {{"contractId", std::string(500, 'k')}}}}}};
  auto unfit = redirected_event(redirect, event, long_key);
  ASSERT_FALSE(unfit.ok());
  EXPECT_NE(unfit.error().message.find("exceed"), std::string::npos);
}

}  // namespace
}  // namespace settled::events
