// The reconciliation resources' pure parts (domain/stripe/webhook_reconciliation.hpp): which
// events of a listed page are missing, and a listed event read as its webhook would have been.

#include "domain/stripe/webhook_reconciliation.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <set>
#include <string>

namespace settled::stripe {
namespace {

namespace json = boost::json;

json::object event(const std::string& id, std::int64_t created,
                   const std::string& type = "payout.paid") {
  return json::object{
      {"id", id},          {"object", "event"},
      {"type", type},      {"created", created},
      {"livemode", false}, {"data", json::object{{"object", json::object{{"id", "po_" + id}}}}}};
}

TEST(WebhookCheck, AnswersWhatIsMissingOldestFirstWithTheCursorAndTheNewestTime) {
  // events.list order: newest first.
  json::array page{event("evt_3", 300), event("evt_2", 200), event("evt_1", 100)};
  const std::set<std::string> stored{"evt_2"};
  auto checked = check_listed_events(json::object{{"events", page}}, [&](std::string_view id) {
    return stored.count(std::string(id)) > 0;
  });
  ASSERT_TRUE(checked) << checked.error().message;
  EXPECT_EQ(checked->at("listed"), 3);
  EXPECT_EQ(checked->at("known"), 1);
  const auto& missing = checked->at("missing").as_array();
  ASSERT_EQ(missing.size(), 2u);
  EXPECT_EQ(missing[0].at("id"), "evt_1");
  EXPECT_EQ(missing[1].at("id"), "evt_3");
  EXPECT_EQ(missing[1], page[0]);  // the event itself, to be ingested as received
  EXPECT_EQ(checked->at("lastId"), "evt_1");
  EXPECT_EQ(checked->at("newestCreated"), 300);
}

TEST(WebhookCheck, AnEmptyPageHasNoCursorAndNoNewestTime) {
  auto checked = check_listed_events(json::object{{"events", json::array{}}},
                                     [](std::string_view) { return false; });
  ASSERT_TRUE(checked);
  EXPECT_EQ(checked->at("listed"), 0);
  EXPECT_TRUE(checked->at("missing").as_array().empty());
  EXPECT_TRUE(checked->at("lastId").is_null());
  EXPECT_TRUE(checked->at("newestCreated").is_null());
}

TEST(WebhookCheck, RefusesWhatIsNotAPageOfEvents) {
  json::array too_many;
  for (int i = 0; i < 101; ++i) too_many.push_back(event("evt_" + std::to_string(i), i));
  for (const json::value& parameters :
       {json::value(nullptr), json::value(json::object{}),
        json::value(json::object{{"events", "evt_1"}}),
        json::value(json::object{{"events", json::array{1}}}),
        json::value(json::object{{"events", json::array{json::object{{"id", 7}}}}}),
        json::value(json::object{{"events", json::array{json::object{{"id", ""}}}}}),
        json::value(json::object{{"events", too_many}})}) {
    auto refused = check_listed_events(parameters, [](std::string_view) { return false; });
    ASSERT_FALSE(refused) << parameters;
    EXPECT_EQ(refused.error().code, ErrorCode::kInvalidRequest) << parameters;
  }
}

TEST(WebhookIngest, ReadsTheEventAsItsWebhookWouldHaveBeenAndNamesTheAttempt) {
  auto e = event("evt_9", 900, "account.updated");
  e["account"] = "acct_1";
  e["data"] = json::object{{"object", json::object{{"id", "acct_1"}, {"charges_enabled", true}}}};
  auto ingested = event_to_ingest(json::object{{"event", e}}, 1234, "run:1/Ingest Event/7");
  ASSERT_TRUE(ingested) << ingested.error().message;
  EXPECT_EQ(ingested->id, "evt_9");
  EXPECT_EQ(ingested->type, "account.updated");
  EXPECT_EQ(ingested->created, 900);
  EXPECT_EQ(ingested->received_at, 1234);
  EXPECT_EQ(ingested->ingested_by, "run:1/Ingest Event/7");
  EXPECT_EQ(ingested->correlation_keys, (std::vector<std::string>{"acct_1"}));
  EXPECT_EQ(ingested->body, e);
  EXPECT_EQ(to_json(*ingested, false).at("source"), "reconciliation");

  auto result = ingest_result(*ingested, true);
  EXPECT_EQ(result.at("status"), "stored");
  EXPECT_EQ(result.at("id"), "evt_9");
  EXPECT_EQ(ingest_result(*ingested, false).at("status"), "duplicate");
}

TEST(WebhookIngest, RefusesWhatIsNotOneStripeEvent) {
  auto not_event = event("evt_1", 1);
  not_event["object"] = "payout";
  for (const json::value& parameters :
       {json::value(nullptr), json::value(json::object{}),
        json::value(json::object{{"event", "evt_1"}}),
        json::value(json::object{{"event", not_event}}),
        json::value(json::object{{"event", event("evt_1", 1)}, {"extra", 1}})}) {
    auto refused = event_to_ingest(parameters, 0, "k");
    ASSERT_FALSE(refused) << parameters;
    EXPECT_EQ(refused.error().code, ErrorCode::kInvalidRequest) << parameters;
  }
}

}  // namespace
}  // namespace settled::stripe
