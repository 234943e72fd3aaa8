// The Veriff simulator (src/adapters/veriff/veriff_simulator.hpp) against a real LmdbStore: a
// session is created once per Idempotency-Key, its decision is not there before its due time and
// is the one its first name asks for after; the decision webhook is kept until marked delivered;
// an unknown session is Veriff.NotFound; refused parameters write nothing; a session row that
// does not decode is left out of the listing, logged and counted.

#include "adapters/veriff/veriff_simulator.hpp"

#include "adapters/ops/metrics.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <algorithm>
#include <string>
#include <vector>

namespace settled::adapters::veriff {
namespace {

namespace json = boost::json;
using settled::testing::TempDir;

constexpr EpochMillis kStart = 1767603600000;  // 2026-01-05T09:00:00Z
constexpr EpochMillis kDelay = 3'600'000;

class VeriffSimulator : public ::testing::Test {
 protected:
  void SetUp() override {
    LmdbOptions lmdb;
    lmdb.path = dir_.path();
    lmdb.map_size = std::size_t{16} << 20;
    auto store = LmdbStore::open(lmdb);
    ASSERT_TRUE(store.ok()) << store.error().message;
    store_ = *store;
    options_.decision_delay_ms = kDelay;
    options_.webhooks = true;
  }

  void commit(WriteBatch& writes) { ASSERT_TRUE(store_->commit({&writes}).ok()); }

  VeriffSimCall call(const std::string& resource, const json::value& params,
                     const std::string& key = "kyc:1/CreateSession/1") {
    TaskAttempt a;
    a.resource = "settled:veriff." + resource;
    a.parameters = params;
    a.idempotency_key = key;
    a.now = kStart;
    auto c = simulate_veriff_call(*store_, a, uuids_, options_);
    commit(c.writes);
    return c;
  }

  // Creates `n` sessions (one per applicant); their ids in id order, the listing's.
  std::vector<std::string> create_sessions(int n) {
    std::vector<std::string> ids;
    for (int i = 0; i < n; ++i) {
      auto session =
          call("sessions.create", json::object{{"vendorData", "kyc-" + std::to_string(i)}},
               "kyc:" + std::to_string(i) + "/CreateSession/1");
      EXPECT_TRUE(session.outcome.ok) << session.outcome.cause;
      if (session.outcome.ok)
        ids.emplace_back(session.outcome.result.at("verification").at("id").as_string());
    }
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  TempDir dir_;
  std::shared_ptr<LmdbStore> store_;
  VeriffSimOptions options_;
  int next_ = 0;
  NewUuid uuids_ = [this] {
    char buf[40];
    std::snprintf(buf, sizeof buf, "00000000-0000-4000-8000-%012d", ++next_);
    return std::string(buf);
  };
};

TEST_F(VeriffSimulator, CreatesASessionOncePerKeyAndDecidesItWhenDue) {
  const json::value params = {{"person", {{"firstName", "Declined"}, {"lastName", "Doe"}}},
                              {"vendorData", "kyc-1"}};
  auto created = call("sessions.create", params);
  ASSERT_TRUE(created.outcome.ok) << created.outcome.cause;
  const auto& verification = created.outcome.result.at("verification");
  const std::string id(verification.at("id").as_string());
  EXPECT_EQ(created.outcome.result.at("status"), "success");
  EXPECT_EQ(verification.at("status"), "created");
  EXPECT_EQ(verification.at("vendorData"), "kyc-1");
  EXPECT_EQ(created.due, kStart + kDelay);
  // The same attempt again: the same session, nothing written.
  auto replay = call("sessions.create", params);
  EXPECT_TRUE(replay.writes.empty());
  EXPECT_EQ(replay.outcome.result, created.outcome.result);
  EXPECT_EQ(next_decision_due(*store_), kStart + kDelay);

  auto before = call("decision.get", json::object{{"id", id}});
  ASSERT_TRUE(before.outcome.ok);
  EXPECT_TRUE(before.outcome.result.at("verification").is_null());
  auto early = decide_due_sessions(*store_, kStart + kDelay - 1, uuids_, options_);
  EXPECT_TRUE(early.writes.empty());

  auto decided = decide_due_sessions(*store_, kStart + kDelay, uuids_, options_);
  commit(decided.writes);
  ASSERT_EQ(decided.webhooks.size(), 1u);
  EXPECT_EQ(decided.webhooks[0].first, id);
  const auto webhook = json::parse(decided.webhooks[0].second);
  EXPECT_EQ(webhook.at("verification").at("code"), 9102);
  EXPECT_EQ(webhook.at("verification").at("status"), "declined");
  EXPECT_EQ(webhook.at("verification").at("vendorData"), "kyc-1");
  EXPECT_EQ(next_decision_due(*store_), std::nullopt);

  auto after = call("decision.get", json::object{{"id", id}});
  EXPECT_EQ(after.outcome.result.at("verification").at("code"), 9102);
  EXPECT_EQ(undelivered_decisions(*store_).size(), 1u);
  auto delivered = mark_decision_delivered(id);
  commit(delivered);
  EXPECT_TRUE(undelivered_decisions(*store_).empty());
  EXPECT_EQ(list_sessions(*store_, 10, "").at("sessions").as_array().size(), 1u);
}

TEST_F(VeriffSimulator, RefusesUnknownSessionsAndBadParametersWritingNothing) {
  auto missing = call("decision.get", json::object{{"id", "00000000-0000-4000-8000-999999999999"}});
  EXPECT_FALSE(missing.outcome.ok);
  EXPECT_EQ(missing.outcome.error, "Veriff.NotFound");
  auto bad = call("sessions.create", json::object{{"vendorData", 5}});
  EXPECT_FALSE(bad.outcome.ok);
  EXPECT_EQ(bad.outcome.error, "Veriff.InvalidRequest");
  EXPECT_TRUE(bad.writes.empty());
  EXPECT_EQ(next_decision_due(*store_), std::nullopt);
}

// GET /v1/simulator/veriff/sessions reads a page, not every session: followed by its last id,
// the pages list each session once, in id order, and say when more follow.
TEST_F(VeriffSimulator, SessionsAreListedAPageAtATime) {
  const std::vector<std::string> created = create_sessions(5);
  ASSERT_EQ(created.size(), 5u);
  std::vector<std::string> ids;
  std::vector<bool> more;
  std::string after;
  for (int page = 0; page < 4; ++page) {
    const auto listed = list_sessions(*store_, 2, after);
    const auto& sessions = listed.at("sessions").as_array();
    ASSERT_LE(sessions.size(), 2u);
    for (const auto& session : sessions) ids.emplace_back(session.at("id").as_string());
    more.push_back(listed.at("has_more").as_bool());
    if (!more.back()) break;
    after = ids.back();
  }
  EXPECT_EQ(more, (std::vector<bool>{true, true, false}));
  EXPECT_EQ(ids, created);
  EXPECT_TRUE(list_sessions(*store_, 10, ids.back()).at("sessions").as_array().empty());
}

// The value of settled_store_unreadable_rows_total{table="veriff_sim"} (0 before the first).
double unreadable_rows() {
  const std::string text = Metrics::instance().render(StoreGauges{});
  const std::string series = R"(settled_store_unreadable_rows_total{table="veriff_sim"} )";
  const auto at = text.find(series);
  return at == std::string::npos ? 0 : std::stod(text.substr(at + series.size()));
}

// A stored session that did not decode was left out of the listing with no trace: no log, no
// metric. It is still left out (the listing serves the others), but logged with its id and
// counted.
TEST_F(VeriffSimulator, AnUnreadableSessionIsSkippedLoggedAndCounted) {
  const std::vector<std::string> ids = create_sessions(3);
  ASSERT_EQ(ids.size(), 3u);
  WriteBatch corrupt;
  corrupt.put(Table::kVeriffSim, "session/" + ids[1], "{\"id\": \"trunc");
  commit(corrupt);

  const double before = unreadable_rows();
  ::testing::internal::CaptureStderr();
  const auto listed = list_sessions(*store_, 10, "");
  const std::string logged = ::testing::internal::GetCapturedStderr();
  const auto& sessions = listed.at("sessions").as_array();
  ASSERT_EQ(sessions.size(), 2u);
  EXPECT_EQ(sessions[0].at("id").as_string(), ids[0]);
  EXPECT_EQ(sessions[1].at("id").as_string(), ids[2]);
  EXPECT_EQ(listed.at("has_more"), false);
  EXPECT_EQ(unreadable_rows(), before + 1);
  EXPECT_NE(logged.find("veriff.session_unreadable"), std::string::npos) << logged;
  EXPECT_NE(logged.find(ids[1]), std::string::npos) << logged;
}

// A full page followed only by unreadable rows answered has_more true, and the page it
// invited was empty. has_more now says a readable row follows; the look-ahead skips the
// unreadable ones before it, logging and counting them as a page does.
TEST_F(VeriffSimulator, HasMoreOnlyWhenAReadableSessionFollowsThePage) {
  const std::vector<std::string> ids = create_sessions(5);
  ASSERT_EQ(ids.size(), 5u);
  WriteBatch corrupt;
  corrupt.put(Table::kVeriffSim, "session/" + ids[2], "{\"id\": \"trunc");
  corrupt.put(Table::kVeriffSim, "session/" + ids[4], "[]");
  commit(corrupt);

  // Page one: an unreadable row, then a readable one follows it.
  const auto first = list_sessions(*store_, 2, "");
  ASSERT_EQ(first.at("sessions").as_array().size(), 2u);
  EXPECT_EQ(first.at("has_more"), true);

  // Page two: ids[3], then only an unreadable row.
  const double before = unreadable_rows();
  ::testing::internal::CaptureStderr();
  const auto second = list_sessions(*store_, 1, ids[1]);
  const std::string logged = ::testing::internal::GetCapturedStderr();
  const auto& sessions = second.at("sessions").as_array();
  ASSERT_EQ(sessions.size(), 1u);
  EXPECT_EQ(sessions[0].at("id").as_string(), ids[3]);
  EXPECT_EQ(second.at("has_more"), false);
  EXPECT_EQ(unreadable_rows(), before + 2);  // ids[2] in the page, ids[4] looked past it
  EXPECT_NE(logged.find(ids[4]), std::string::npos) << logged;
}

}  // namespace
}  // namespace settled::adapters::veriff
