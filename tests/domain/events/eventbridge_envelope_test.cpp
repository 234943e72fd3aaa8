// EventBridge-shaped events (seed 001's envelope): POST /v1/events' second form and
// settled:events.put's Parameters, checked strictly, mapped onto an Event.

#include "domain/events/eventbridge_envelope.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <string>
#include <vector>

namespace settled::events {
namespace {

namespace json = boost::json;

json::object envelope() {
  return json::parse(R"j({"version": "0", "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
    "source": "mindlinks.contracts", "detail-type": "milestone.approved",
    "time": "2026-12-04T10:00:00Z",
    "detail": {"entityId": "ms_42", "entityType": "contract", "action": "approved",
               "actorId": "u_7", "actorType": "client", "metadata": {"amount": 125000}}})j")
      .as_object();
}

TEST(EventBridgeEnvelope, MapsTypeKeyIdSourceAndTime) {
  auto posted = parse_posted_event(envelope(), 1000, 500);
  ASSERT_TRUE(posted.ok()) << posted.error().message;
  const Event& e = posted->event;
  EXPECT_EQ(e.type, "milestone.approved");
  EXPECT_EQ(e.correlation_key, "ms_42");
  EXPECT_EQ(e.id, "6a7e8feb-b491-4cf7-a9f1-bf3703467718");
  EXPECT_EQ(e.source, "mindlinks.contracts");
  EXPECT_EQ(e.time, "2026-12-04T10:00:00Z");
  EXPECT_EQ(e.detail, envelope().at("detail"));
  EXPECT_EQ(e.received_at, 1000);
  EXPECT_EQ(e.expires_at, 1500);
  EXPECT_EQ(posted->envelope, json::value(envelope()));
  const auto result = e.task_result().as_object();
  EXPECT_EQ(result.at("source"), "mindlinks.contracts");
  EXPECT_EQ(result.at("correlationKey"), "ms_42");
}

TEST(EventBridgeEnvelope, SeedVersionAndEventBridgeExtrasAreTaken) {
  auto body = envelope();
  body["version"] = "1.0";  // seed 001 writes "1.0"
  body["account"] = "123456789012";
  body["region"] = "eu-west-1";
  body["resources"] = json::array{"arn:aws:x"};
  body["detail"].as_object()["custom"] = json::array{1, 2};
  EXPECT_TRUE(parse_posted_event(body, 0, 1).ok());
}

TEST(EventBridgeEnvelope, SettledFormStaysAsItWas) {
  auto posted = parse_posted_event(
      json::parse(R"({"type": "shipment.delivered", "correlationKey": "sh_1", "id": "evt_1"})"), 0,
      1);
  ASSERT_TRUE(posted.ok()) << posted.error().message;
  EXPECT_TRUE(posted->envelope.is_null());
  EXPECT_EQ(posted->event.source, "");
  // Without all three of detail-type, source and detail it is settled's form, whose fields
  // are checked as ever.
  auto half = parse_posted_event(json::parse(R"({"detail-type": "x", "source": "y"})"), 0, 1);
  ASSERT_FALSE(half.ok());
  EXPECT_NE(half.error().message.find("is unknown"), std::string::npos);
}

// Stripe's and Veriff's types come only through their signed webhooks, in either form.
TEST(EventBridgeEnvelope, ATypeOnlyASignedWebhookDeliversIsRefusedInEitherForm) {
  auto settled_form =
      parse_posted_event(json::parse(R"({"type": "payout.paid", "correlationKey": "po_1"})"), 0, 1);
  ASSERT_FALSE(settled_form.ok());
  EXPECT_EQ(settled_form.error().code, ErrorCode::kForbidden);
  auto envelope =
      parse_posted_event(json::parse(R"({"version": "0", "id": "e1", "source": "app", "detail-type":
                      "veriff.decision", "time": "2026-12-07T10:00:00Z", "detail": {"entityId": "s1"}})"),
                         0, 1);
  ASSERT_FALSE(envelope.ok());
  EXPECT_EQ(envelope.error().code, ErrorCode::kForbidden);
}

TEST(EventBridgeEnvelope, RefusesHostileEnvelopesNamingTheField) {
  struct Case {
    const char* field;
    json::value value;  // null: the field removed
    const char* named;
  };
  const std::string long_text(257, 'x');
  const std::vector<Case> cases = {
      {"version", nullptr, "version"},
      {"version", "2", "version"},
      {"version", 0, "version"},
      {"id", nullptr, "id"},
      {"id", "", "id"},
      {"id", 7, "id"},
      {"id", json::string(long_text), "id"},
      {"id", json::string("a\0b", 3), "id"},
      {"source", 1, "source"},
      {"detail-type", json::string(long_text), "detail-type"},
      {"detail-type", json::array{}, "detail-type"},
      {"time", nullptr, "time"},
      {"time", "yesterday", "time"},
      {"time", "2026-13-04T10:00:00Z", "time"},
      {"time", 1733306400, "time"},
      {"detail", "{}", "detail"},
      {"detail", json::array{}, "detail"},
      {"detail", json::object{}, "entityId"},
      {"detail", json::object{{"entityId", 5}}, "entityId"},
      {"detail", json::object{{"entityId", "e"}, {"action", 5}}, "action"},
      {"detail", json::object{{"entityId", "e"}, {"metadata", "m"}}, "metadata"},
      {"resources", "arn", "resources"},
      {"resources", json::array{1}, "resources"},
      {"account", 12, "account"},
      {"surprise", true, "surprise"},
  };
  for (const auto& c : cases) {
    auto body = envelope();
    if (c.value.is_null())
      body.erase(c.field);
    else
      body[c.field] = c.value;
    auto posted = parse_posted_event(body, 0, 1);
    ASSERT_FALSE(posted.ok()) << c.field << " = " << json::serialize(c.value);
    EXPECT_EQ(posted.error().code, ErrorCode::kInvalidRequest) << c.field;
    EXPECT_NE(posted.error().message.find(c.named), std::string::npos)
        << c.field << ": " << posted.error().message;
  }
}

TEST(EventBridgeEnvelope, RefusesAHugeDetailAsTooLarge) {
  auto body = envelope();
  body["detail"].as_object()["metadata"] =
      json::object{{"blob", json::string(kMaxDetailBytes, 'x')}};
  auto posted = parse_posted_event(body, 0, 1);
  ASSERT_FALSE(posted.ok());
  EXPECT_EQ(posted.error().code, ErrorCode::kPayloadTooLarge);
}

TEST(EventBridgeEnvelope, DeepNestingInTheDetailIsBoundedBySize) {
  // The request parser bounds depth (64) before this; a deep detail that got here is still
  // only data, and too large a one is refused by size, never walked by recursion.
  json::value deep = json::object{};
  for (int i = 0; i < 60; ++i) deep = json::object{{"d", std::move(deep)}};
  auto body = envelope();
  body["detail"].as_object()["metadata"] = deep;
  EXPECT_TRUE(parse_posted_event(body, 0, 1).ok());
}

TEST(EventBridgeEnvelope, RefusesTypeAndKeyTooLongForOneStoredKey) {
  auto body = envelope();
  body["detail-type"] = std::string(256, 't');
  body["detail"].as_object()["entityId"] = std::string(256, 'k');
  auto posted = parse_posted_event(body, 0, 1);
  ASSERT_FALSE(posted.ok());
  EXPECT_NE(posted.error().message.find("together"), std::string::npos);
}

TEST(EventsPut, EventBridgeEntryBecomesAnEnvelopeWithTheAttemptsId) {
  auto posted = parse_put_parameters(
      json::parse(R"({"Source": "settled.workflows", "DetailType": "milestone.approved",
                      "Detail": {"entityId": "ms_1", "action": "approved"},
                      "Resources": ["r1"]})"),
      "id-1", 1'733'306'400'000, 1'733'306'401'000, 500);
  ASSERT_TRUE(posted.ok()) << posted.error().message;
  EXPECT_EQ(posted->event.id, "id-1");
  EXPECT_EQ(posted->event.type, "milestone.approved");
  EXPECT_EQ(posted->event.correlation_key, "ms_1");
  EXPECT_EQ(posted->event.received_at, 1'733'306'401'000);
  const auto& env = posted->envelope.as_object();
  EXPECT_EQ(env.at("version"), "0");
  EXPECT_EQ(env.at("time"), "2024-12-04T10:00:00.000Z");
  EXPECT_EQ(env.at("resources"), json::array{"r1"});
  // Detail as JSON text, as PutEvents takes it.
  auto text = parse_put_parameters(
      json::parse(R"({"Source": "s", "DetailType": "t", "Detail": "{\"entityId\": \"e\"}"})"),
      "id-2", 0, 0, 1);
  ASSERT_TRUE(text.ok()) << text.error().message;
  EXPECT_EQ(text->event.correlation_key, "e");
}

TEST(EventsPut, SettledFormTakesTheAttemptsIdAndRefusesItsOwn) {
  auto posted = parse_put_parameters(
      json::parse(R"({"type": "t", "correlationKey": "k", "detail": {}})"), "id-3", 0, 0, 1);
  ASSERT_TRUE(posted.ok()) << posted.error().message;
  EXPECT_EQ(posted->event.id, "id-3");
  EXPECT_TRUE(posted->envelope.is_null());
  EXPECT_FALSE(
      parse_put_parameters(json::parse(R"({"type": "t", "correlationKey": "k", "id": "mine"})"),
                           "x", 0, 0, 1)
          .ok());
}

TEST(EventsPut, RefusesBadEntries) {
  for (const char* params : {
           R"([])",
           R"({"Source": "s", "DetailType": "t"})",
           R"({"Source": "s", "DetailType": "t", "Detail": "{not json"})",
           R"({"Source": "s", "DetailType": "t", "Detail": {}})",
           R"({"Source": 3, "DetailType": "t", "Detail": {"entityId": "e"}})",
           R"({"Source": "s", "DetailType": "t", "Detail": {"entityId": "e"}, "X": 1})",
           R"({"Source": "s", "DetailType": "t", "Detail": {"entityId": "e"}, "Resources": 1})",
       }) {
    auto posted = parse_put_parameters(json::parse(params), "id", 0, 0, 1);
    EXPECT_FALSE(posted.ok()) << params;
  }
}

TEST(EventsPut, IdIsADeterministicUuidShapedDigestOfTheAttempt) {
  const std::string a = event_put_id("m:e-1/Emit/3");
  EXPECT_EQ(a, event_put_id("m:e-1/Emit/3"));
  EXPECT_NE(a, event_put_id("m:e-1/Emit/7"));
  ASSERT_EQ(a.size(), 36u);
  for (std::size_t i : {8u, 13u, 18u, 23u}) EXPECT_EQ(a[i], '-');
  EXPECT_EQ(put_result(a),
            json::parse(R"({"Entries": [{"EventId": ")" + a + R"("}], "FailedEntryCount": 0})"));
}

// With the data directory's secret a put's id cannot be worked out from its (public) key, and
// stays the same for the attempt; a put entered before the secret existed keeps its old id.
TEST(EventsPut, TheIdIsSaltedWithTheDaemonsSecret) {
  const aws::ChildNameSalt salt{std::string(64, 'c'), 1000};
  const std::string salted = event_put_id("m:e-1/Emit/3", salt, 1000);
  EXPECT_NE(salted, event_put_id("m:e-1/Emit/3"));
  EXPECT_EQ(salted, event_put_id("m:e-1/Emit/3", salt, 2000));
  EXPECT_EQ(salted.size(), 36u);
  EXPECT_EQ(event_put_id("m:e-1/Emit/3", salt, 999), event_put_id("m:e-1/Emit/3"));
  EXPECT_EQ(event_put_id("m:e-1/Emit/3", aws::ChildNameSalt{}, 2000), event_put_id("m:e-1/Emit/3"));
}

TEST(EventsPut, SeveralEntriesAnswerOneEventIdEachInTheirOrder) {
  const std::string a = event_put_id("m:e-1/Emit/3");
  const std::string b = event_put_id("m:e-1/Emit/3#1");
  EXPECT_NE(a, b);
  EXPECT_EQ(put_results({a, b}),
            json::parse(R"({"Entries": [{"EventId": ")" + a + R"("}, {"EventId": ")" + b +
                        R"("}], "FailedEntryCount": 0})"));
  EXPECT_EQ(put_results({a}), put_result(a));
}

}  // namespace
}  // namespace settled::events
