#include "integration/kyc_fixture.hpp"

#include "support/eventually.hpp"

#include <algorithm>
#include <chrono>

namespace settled::testing {

namespace json = boost::json;

std::vector<std::string> KycTest::daemon_flags() const {
  return {"--clock=simulated", "--clock-start=2026-02-02T09:00:00Z",
          "--veriff-shared-secrets=[\"veriff-kyc-test-secret\"]",
          "--veriff-api-key=veriff-kyc-test-key"};
}

void KycTest::post_event(const std::string& detail_type, const std::string& entity_id,
                         const std::string& actor_id, json::object metadata) {
  ++next_event_;
  const json::object envelope{
      {"version", "1.0"},
      {"id", "7d3c1f00-0000-4000-8000-" + std::to_string(100000000000 + next_event_)},
      {"source", "mindlinks.app"},
      {"detail-type", detail_type},
      {"time", "2026-02-02T09:00:00Z"},
      {"detail",
       {{"entityId", entity_id},
        {"entityType", "contractor"},
        {"action", "updated"},
        {"actorId", actor_id},
        {"actorType", "contractor"},
        {"metadata", std::move(metadata)}}}};
  auto res = client_->post("/v1/events", json::serialize(envelope));
  ASSERT_TRUE(res.status == 200u || res.status == 202u) << res.body;
}

void KycTest::upload_documents(const std::string& contractor, const std::string& first_name) {
  post_event("kyc.documents.uploaded", contractor, contractor,
             {{"person", {{"firstName", first_name}, {"lastName", "Okafor"}}},
              {"documents", json::array{"s3://kyc/" + contractor + "/passport.jpg",
                                        "s3://kyc/" + contractor + "/selfie.jpg"}}});
}

void KycTest::advance(const std::string& by) {
  auto res = client_->post("/v1/clock/advance", R"({"by":")" + by + R"("})");
  ASSERT_EQ(res.status, 200u) << res.body;
}

json::object KycTest::record(const std::string& collection, const std::string& key) {
  auto res = client_->get("/v1/records/" + collection + "/" + key);
  EXPECT_EQ(res.status, 200u) << collection << "/" << key << ": " << res.body;
  return res.status == 200 ? res.json().at("record").as_object() : json::object{};
}

std::size_t KycTest::entered(const std::string& execution, const std::string& state) {
  std::size_t n = 0;
  for (const auto& event : history(execution)) {
    const auto& e = event.as_object();
    const auto* details = e.if_contains("stateEnteredEventDetails");
    if (details && details->at("name") == state.c_str()) ++n;
  }
  return n;
}

void KycTest::await_entered(const std::string& execution, const std::string& state,
                            std::size_t times) {
  ASSERT_TRUE(
      eventually([&] { return entered(execution, state) >= times; }, std::chrono::seconds(30)))
      << state << " x" << times << " in " << json::serialize(history(execution));
}

void KycTest::await_waits(const std::string& execution, std::size_t n) {
  ASSERT_TRUE(eventually([&] { return event_waits(execution) >= n; }, std::chrono::seconds(30)))
      << json::serialize(history(execution));
}

std::string KycTest::status_of(const std::string& execution) {
  auto res = client_->get("/v1/executions/" + execution);
  EXPECT_EQ(res.status, 200u) << res.body;
  return res.status == 200 ? std::string(res.json().at("status").as_string()) : std::string();
}

// Every session whose vendorData starts with `prefix`, oldest first, read page by page (the
// listing is paged: docs/veriff.md).
std::vector<json::object> KycTest::veriff_sessions(const std::string& prefix) {
  std::vector<json::object> out;
  std::string after;
  for (;;) {
    auto res = client_->get("/v1/simulator/veriff/sessions?limit=100" +
                            (after.empty() ? std::string() : "&starting_after=" + after));
    EXPECT_EQ(res.status, 200u) << res.body;
    if (res.status != 200) return out;
    const auto body = res.json();  // kept: the loop walks into it
    for (const auto& s : body.at("sessions").as_array()) {
      after = std::string(s.at("id").as_string());
      const auto* vendor = s.at("verification").as_object().if_contains("vendorData");
      if (vendor && vendor->is_string() && vendor->as_string().starts_with(prefix))
        out.push_back(s.as_object());
    }
    if (!body.at("has_more").as_bool()) break;
  }
  // The pages are in session-id order; the tests read them oldest first.
  std::stable_sort(out.begin(), out.end(), [](const json::object& a, const json::object& b) {
    return a.at("createdAt").as_int64() < b.at("createdAt").as_int64();
  });
  return out;
}

void KycTest::kill_and_restart() {
  client_.reset();
  daemon_->kill9();
  start_with(extra_);
}

}  // namespace settled::testing
