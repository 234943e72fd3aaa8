#include "integration/timebank_fixture.hpp"

#include "support/eventually.hpp"

#include <chrono>

namespace settled::testing {

namespace json = boost::json;

std::vector<std::string> TimeBankSeedTest::daemon_flags() const {
  auto flags = aws_.flags();
  flags.push_back("--clock=simulated");
  flags.push_back(std::string("--clock-start=") + kStart);
  return flags;
}

void TimeBankSeedTest::register_service(const std::string& id, const std::string& provider,
                                        json::object fields) {
  fields["id"] = id;
  fields["providerId"] = provider;
  if (!fields.contains("title")) fields["title"] = "Gardening";
  auto res = client_->post("/v1/services", json::serialize(fields));
  ASSERT_TRUE(res.status == 201u || res.status == 200u) << res.body;
}

void TimeBankSeedTest::fund(const std::string& user, std::int64_t hundredths) {
  auto res = deposit(user, hundredths, "fund-" + user, "HOUR");
  ASSERT_EQ(res.status, 201u) << res.body;
}

std::string TimeBankSeedTest::request(const std::string& id, const std::string& requester,
                                      const std::string& provider, const std::string& service,
                                      json::value estimated_hours, const std::string& message) {
  json::object input{{"requestId", id},
                     {"serviceId", service},
                     {"requesterId", requester},
                     {"providerId", provider},
                     {"estimatedHours", std::move(estimated_hours)}};
  if (!message.empty()) input["message"] = message;
  auto res = start_execution("service-request", id, input);
  EXPECT_EQ(res.status, 201u) << res.body;
  return "service-request:" + id;
}

std::string TimeBankSeedTest::token(const std::string& request_id, const std::string& what,
                                    const std::string& previous) {
  std::string found;
  const bool seen = eventually(
      [&] {
        auto r = record("inbox", request_id + ":" + what);
        if (!r) return false;
        found = std::string(r->at("token").as_string());
        return found != previous;
      },
      std::chrono::seconds(20));
  EXPECT_TRUE(seen) << "no new token in inbox/" << request_id << ":" << what;
  return seen ? found : std::string();
}

void TimeBankSeedTest::answer(const std::string& token, const json::object& output) {
  auto res = client_->post("/v1/tasks/success",
                           json::serialize(json::object{{"taskToken", token}, {"output", output}}));
  ASSERT_EQ(res.status, 200u) << res.body;
}

void TimeBankSeedTest::advance(const std::string& by) {
  auto res = client_->post("/v1/clock/advance", R"({"by":")" + by + R"("})");
  ASSERT_EQ(res.status, 200u) << res.body;
}

std::optional<json::object> TimeBankSeedTest::record(const std::string& collection,
                                                     const std::string& key) {
  auto res = client_->get("/v1/records/" + collection + "/" + key);
  if (res.status != 200) return std::nullopt;
  const json::value body = res.json();
  return body.at("record").as_object();
}

void TimeBankSeedTest::await_request_status(const std::string& request_id,
                                            const std::string& status) {
  std::string last;
  const bool reached = eventually(
      [&] {
        auto r = record("service_requests", request_id);
        if (!r) return false;
        last = std::string(r->at("status").as_string());
        return last == status;
      },
      std::chrono::seconds(20));
  ASSERT_TRUE(reached) << request_id << " is " << last << ", not " << status;
}

std::string TimeBankSeedTest::status_of(const std::string& execution) {
  auto res = client_->get("/v1/executions/" + execution);
  EXPECT_EQ(res.status, 200u) << res.body;
  if (res.status != 200) return "";
  const json::value body = res.json();
  return std::string(body.at("status").as_string());
}

}  // namespace settled::testing
