// Events: what POST /v1/events and settled:events.waitFor accept, and the key layout.

#include "domain/events/event.hpp"
#include "support/field_count.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <functional>
#include <vector>

namespace settled::events {
namespace {

namespace json = boost::json;

TEST(EventParse, TakesTypeKeyDetailAndIdAndStampsTheTimes) {
  auto e = parse_event(json::parse(R"({"type": "payout.paid", "correlationKey": "po_1",
                                       "detail": {"a": 1}, "id": "evt_9"})"),
                       1000, 500);
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(e->type, "payout.paid");
  EXPECT_EQ(e->id, "evt_9");
  EXPECT_EQ(e->received_at, 1000);
  EXPECT_EQ(e->expires_at, 1500);
  auto back = Event::from_json(e->to_json());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->task_result(), e->task_result());
  auto bare = parse_event(json::parse(R"({"type": "t", "correlationKey": "k"})"), 0, 1);
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->detail, json::object{});
}

static_assert(testing::field_count<Event>() == 8,
              "Event gained or lost a field: update its codec and StoredEventKeepsEveryField");

TEST(EventRecord, StoredEventKeepsEveryField) {
  Event e;
  e.id = "evt_9";
  e.type = "payout.paid";
  e.correlation_key = "po_1";
  e.source = "mindlinks.contracts";
  e.time = "2026-12-04T10:00:00Z";
  e.detail = json::parse(R"({"a": [1, "x", null], "b": {"c": true}})");
  e.received_at = 1'700'000'000'123;
  e.expires_at = 1'700'000'900'456;
  const std::string stored = json::serialize(e.to_json());
  auto back = Event::from_json(json::parse(stored));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->id, e.id);
  EXPECT_EQ(back->type, e.type);
  EXPECT_EQ(back->correlation_key, e.correlation_key);
  EXPECT_EQ(back->source, e.source);
  EXPECT_EQ(back->time, e.time);
  EXPECT_EQ(back->detail, e.detail);
  EXPECT_EQ(back->received_at, e.received_at);
  EXPECT_EQ(back->expires_at, e.expires_at);
  EXPECT_EQ(json::serialize(back->to_json()), stored);
  // Without the optional id, source and time.
  e.id.clear();
  e.source.clear();
  e.time.clear();
  back = Event::from_json(json::parse(json::serialize(e.to_json())));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->id, "");
  EXPECT_EQ(back->to_json(), e.to_json());
}

TEST(EventParse, RefusesWhatIsNotAnEventNamingTheField) {
  for (const auto& [body, field] : std::vector<std::pair<const char*, const char*>>{
           {R"([])", "JSON object"},
           {R"({"correlationKey": "k"})", "type"},
           {R"({"type": "", "correlationKey": "k"})", "type"},
           {R"({"type": "t"})", "correlationKey"},
           {R"({"type": "t", "correlationKey": 5})", "correlationKey"},
           {R"({"type": "t", "correlationKey": "k", "id": 3})", "id"},
           {R"({"type": "t", "correlationKey": "k", "extra": 1})", "extra"}}) {
    auto e = parse_event(json::parse(body), 0, 1);
    ASSERT_FALSE(e.ok()) << body;
    EXPECT_NE(e.error().message.find(field), std::string::npos) << e.error().message;
  }
}

TEST(EventParse, ADetailUpToThePayloadLimitIsTakenOneByteMoreIsRefused) {
  // {"s":"<n x's>"} is n + 8 bytes of JSON text.
  auto detail_of = [](std::size_t bytes) {
    return json::object{{"s", std::string(bytes - 8, 'x')}};
  };
  auto body = [&](std::size_t bytes) {
    return json::value{{"type", "t"}, {"correlationKey", "k"}, {"detail", detail_of(bytes)}};
  };
  ASSERT_EQ(json::serialize(detail_of(kMaxDetailBytes)).size(), kMaxDetailBytes);
  EXPECT_TRUE(parse_event(body(kMaxDetailBytes), 0, 1).ok());
  auto over = parse_event(body(kMaxDetailBytes + 1), 0, 1);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().code, ErrorCode::kPayloadTooLarge);
  EXPECT_NE(over.error().message.find("detail"), std::string::npos) << over.error().message;
}

TEST(EventParse, TypeAndKeyTogetherFitOneStoredKey) {
  // Each may be 256 characters, but not both: their stored key would pass LMDB's 511 bytes.
  auto body = [](std::size_t type_bytes, std::size_t key_bytes) {
    return json::value{{"type", std::string(type_bytes, 't')},
                       {"correlationKey", std::string(key_bytes, 'k')}};
  };
  auto fits = parse_event(body(256, kMaxTypeAndKeyBytes - 256), 0, 1);
  ASSERT_TRUE(fits.ok());
  EXPECT_EQ(event_key(fits->type, fits->correlation_key, 1).size(), 511u);
  auto over = parse_event(body(256, kMaxTypeAndKeyBytes - 255), 0, 1);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().code, ErrorCode::kInvalidRequest);
  EXPECT_NE(over.error().message.find("correlationKey"), std::string::npos);
  auto wait = parse_wait_for(body(256, 256));
  ASSERT_FALSE(wait.ok());
  EXPECT_NE(wait.error().message.find("parameters.type"), std::string::npos);
}

TEST(WaitForParse, TakesTypeKeyAndTimeoutAndRefusesBadOnes) {
  auto w = parse_wait_for(json::parse(R"({"type": "t", "correlationKey": "k",
                                          "timeoutSeconds": 30})"));
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->timeout_seconds, 30);
  EXPECT_FALSE(parse_wait_for(json::parse(R"({"type": "t", "correlationKey": "k",
                                              "timeoutSeconds": 0})"))
                   .ok());
  EXPECT_FALSE(parse_wait_for(json::parse(R"({"type": "t", "correlationKey": "k",
                                              "timeoutSeconds": 1.5})"))
                   .ok());
  // Past INT64_MAX: threw "not exact" out of the parser (the task failed with Boost's message).
  auto huge = parse_wait_for(json::parse(R"({"type": "t", "correlationKey": "k",
                                             "timeoutSeconds": 18446744073709551615})"));
  ASSERT_FALSE(huge.ok());
  EXPECT_NE(huge.error().message.find("from 1 to 31536000"), std::string::npos);
  auto unknown = parse_wait_for(json::parse(R"({"type": "t", "correlationKey": "k", "x": 1})"));
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("parameters.x"), std::string::npos);
}

TEST(EventKey, KeepsOneKeysEntriesTogetherInArrivalOrder) {
  const auto a = event_key("t", "k", 2);
  const auto b = event_key("t", "k", 256);
  const auto other = event_key("t", "k2", 1);
  EXPECT_LT(a, b);
  EXPECT_FALSE(other > a && other < b);
  auto parsed = parse_event_key(b);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->type, "t");
  EXPECT_EQ(parsed->correlation_key, "k");
  EXPECT_EQ(parsed->sequence, 256u);
  EXPECT_FALSE(parse_event_key("no-separators"));
}

// An id's row keeps what makes a repeat the same event: not its time, but its type, key,
// source and detail by meaning. A row from before the digest reads with an empty one.
TEST(EventIdRow, TheDigestIsTheContentAndTheRowReadsBack) {
  Event a;
  a.id = "evt-1";
  a.type = "milestone.approved";
  a.correlation_key = "ms_1";
  a.detail = json::parse(R"({"amount":125000,"to":"acct_1"})");
  a.time = "2026-12-04T10:00:00Z";
  Event b = a;
  b.detail = json::parse(R"({"to":"acct_1","amount":125000.0})");
  b.time = "2026-12-05T10:00:00Z";
  b.received_at = 99;
  EXPECT_EQ(content_digest(a), content_digest(b));
  for (auto change : std::vector<std::function<void(Event&)>>{
           [](Event& e) { e.detail.as_object()["to"] = "acct_2"; },
           [](Event& e) { e.type = "milestone.rejected"; },
           [](Event& e) { e.correlation_key = "ms_2"; },
           [](Event& e) { e.source = "other.source"; }}) {
    Event c = a;
    change(c);
    EXPECT_NE(content_digest(c), content_digest(a));
  }
  const auto row = parse_event_id_row(event_id_row(1234, content_digest(a)));
  ASSERT_TRUE(row);
  EXPECT_EQ(row->expires_at, 1234);
  EXPECT_EQ(row->digest, content_digest(a));
  const auto old = parse_event_id_row("1234");
  ASSERT_TRUE(old);
  EXPECT_EQ(old->expires_at, 1234);
  EXPECT_TRUE(old->digest.empty());
  EXPECT_FALSE(parse_event_id_row(""));
  EXPECT_FALSE(parse_event_id_row("x 1"));
}

}  // namespace
}  // namespace settled::events
