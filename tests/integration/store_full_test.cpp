// A full LMDB map is a clean 503 StoreFull, never a crash or a half write: the refused start
// leaves no execution behind and the daemon keeps serving what it already holds. Executions
// caught between transitions stay at their last durable one and retry the commit.

#include "integration/daemon_fixture.hpp"

namespace settled::testing {
namespace {

class StoreFull : public DaemonTest {
 protected:
  void SetUp() override {}  // started with a tiny map below
};

TEST_F(StoreFull, AFullStoreAnswers503AndKeepsServing) {
  daemon_ = std::make_unique<DaemonProcess>(
      SETTLED_BINARY,
      std::vector<std::string>{
          "--data-dir=" + dir_.path() + "/var", "--http=127.0.0.1:0", "--map-size-mib=1",
          "--workflows-dir=" + std::string(SETTLED_SOURCE_DIR) + "/config/workflows"},
      dir_.path() + "/daemon.log");
  port_ = daemon_->wait_ready();
  client_ = std::make_unique<HttpClient>("127.0.0.1", port_);

  int accepted = 0;
  std::string refused_id;
  HttpResult refusal;
  for (int i = 0; i < 5000 && refused_id.empty(); ++i) {
    const std::string id = "fill-" + std::to_string(i);
    auto res = start_payment(id, "pm_card_chargeDeclined");
    if (res.status == 201) {
      // The first ones run to the end; later ones may be caught mid-way by the full map and
      // stay RUNNING at their last durable transition, retrying the commit.
      if (++accepted <= 3) wait_final("payment:" + id);
    } else {
      refused_id = id;
      refusal = res;
    }
  }
  ASSERT_FALSE(refused_id.empty()) << "a 1 MiB store never filled up";
  EXPECT_GT(accepted, 0);
  EXPECT_EQ(refusal.status, 503u) << refusal.body;
  EXPECT_EQ(refusal.json().at("error").as_string(), "StoreFull");
  EXPECT_TRUE(daemon_->running());
  EXPECT_EQ(client_->get("/healthz").status, 200u);
  EXPECT_EQ(client_->get("/v1/executions/payment:" + refused_id).status, 404u);
  auto earlier = client_->get("/v1/executions/payment:fill-0");
  ASSERT_EQ(earlier.status, 200u);
  EXPECT_EQ(earlier.json().at("status").as_string(), "FAILED");
  EXPECT_EQ(earlier.json().at("error").as_string(), "Payment.Declined");
  EXPECT_NE(daemon_->output().find("StoreFull"), std::string::npos);

  // The alerts actor looks at the map every 10 s and raises one alert when it is 90% full.
  EXPECT_NE(daemon_->wait_for_output("store_near_full", std::chrono::seconds(20)), "")
      << "no store-near-full alert";
  auto metrics = client_->get("/metrics");
  EXPECT_NE(metrics.body.find(R"(settled_alerts_total{source="store_near_full"} 1)"),
            std::string::npos);
}

}  // namespace
}  // namespace settled::testing
