// Notifications that arrive (docs/notifications.md): settled:notify.send fills each user's
// inbox (GET /v1/users/{userId}/notifications, POST .../{id}/read, settlectl notifications) and
// is POSTed, signed, to the notification webhook once per notification id: retried with
// backoff, dead-lettered after the last attempt (alert raised, redeliver sends it again), and
// resumed after a kill -9.

#include "integration/notification_receiver.hpp"
#include "integration/ops_fixture.hpp"

#include <set>

namespace settled::testing {
namespace {

namespace json = boost::json;

constexpr const char* kSecret = "whsec_notifications_test";
constexpr const char* kAlertSecret = "alert_secret_test";

// Three notifications for $.userId, in this order: first, second, third.
constexpr const char* kNotifyMany = R"j({
  "StartAt": "First",
  "States": {
    "First": {"Type": "Task", "Resource": "settled:notify.send", "ResultPath": null,
      "Parameters": {"userId.$": "$.userId", "type": "SERVICE_REQUEST_RECEIVED",
                     "title": "first", "message": "one", "relatedId.$": "$.requestId"},
      "Next": "Second"},
    "Second": {"Type": "Task", "Resource": "settled:notify.send", "ResultPath": null,
      "Parameters": {"user.$": "$.userId", "title": "second", "message": "two"},
      "Next": "Third"},
    "Third": {"Type": "Task", "Resource": "settled:notify.send", "ResultPath": null,
      "Parameters": {"userId.$": "$.userId", "type": "RATING_ENABLED", "title": "third",
                     "message": "three", "relatedId.$": "$.requestId"},
      "End": true}
  }
})j";

class Notifications : public OpsTest {
 protected:
  void SetUp() override {
    receiver_ = std::make_unique<NotificationReceiver>();
    OpsTest::SetUp();
  }

  virtual int max_attempts() const { return 3; }

  void add_workflows() override { write_workflow("notify-many", kNotifyMany); }

  std::vector<std::string> daemon_flags() const override {
    return {"--notification-webhook-url=" + receiver_->url("/notifications"),
            std::string("--notification-webhook-secret=") + kSecret,
            "--notification-webhook-max-attempts=" + std::to_string(max_attempts()),
            "--notification-webhook-initial-backoff-ms=20",
            "--notification-webhook-max-backoff-ms=100",
            "--notification-webhook-timeout-ms=2000",
            "--alert-webhook=" + receiver_->url("/alerts"),
            std::string("--alert-webhook-secret=") + kAlertSecret};
  }

  // Runs notify-many for `user` to its end.
  void notify_many(const std::string& name, const std::string& user) {
    ASSERT_EQ(start_execution("notify-many", name,
                              json::object{{"userId", user}, {"requestId", "req-" + name}})
                  .status,
              201u);
    EXPECT_EQ(wait_final("notify-many:" + name).at("status"), "SUCCEEDED");
  }

  json::object inbox(const std::string& user, const std::string& query = "") {
    auto res = client_->get("/v1/users/" + user + "/notifications" + query);
    EXPECT_EQ(res.status, 200u) << res.body;
    return res.status == 200 ? res.json().as_object() : json::object{};
  }

  static std::vector<std::string> titles(const json::object& listed) {
    std::vector<std::string> out;
    for (const auto& n : listed.at("notifications").as_array())
      out.emplace_back(n.at("title").as_string());
    return out;
  }

  static std::string id_at(const json::object& listed, std::size_t i) {
    return std::string(listed.at("notifications").as_array().at(i).at("id").as_string());
  }

  // A value of /metrics ("name" or "name{labels}"), -1 if absent.
  double metric(const std::string& series) {
    const std::string text = client_->get("/metrics").body;
    const auto at = text.find("\n" + series + " ");
    if (at == std::string::npos) return -1;
    return std::stod(text.substr(at + series.size() + 2));
  }

  // Polls /metrics until `series` is `value` (a counter is bumped once its commit answered).
  void wait_metric(const std::string& series, double value) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (metric(series) != value) {
      ASSERT_LT(std::chrono::steady_clock::now(), until)
          << series << " is " << metric(series) << ", not " << value;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  // Polls /metrics until nothing waits for the webhook: no attempt can follow.
  void wait_outbox_empty() { wait_metric("settled_notifications_pending", 0); }

  std::unique_ptr<NotificationReceiver> receiver_;
};

TEST_F(Notifications, TheInboxListsNewestFirstMarksReadAndPages) {
  notify_many("n-1", "u-1");
  notify_many("n-2", "u-2");
  const json::object all = inbox("u-1");
  EXPECT_EQ(titles(all), (std::vector<std::string>{"third", "second", "first"}));
  EXPECT_EQ(all.at("has_more"), false);
  const auto& third = all.at("notifications").as_array().at(0).as_object();
  for (const char* field : {"id", "userId", "type", "title", "message", "isRead", "relatedId",
                            "createdAt", "updatedAt", "notificationId", "executionId", "channel"})
    EXPECT_TRUE(third.contains(field)) << field;
  EXPECT_EQ(third.at("userId"), "u-1");
  EXPECT_EQ(third.at("type"), "RATING_ENABLED");
  EXPECT_EQ(third.at("relatedId"), "req-n-1");
  EXPECT_EQ(third.at("isRead"), false);
  EXPECT_EQ(third.at("executionId"), "notify-many:n-1");
  EXPECT_EQ(all.at("notifications").as_array().at(1).at("type"), "GENERAL");

  // Pages of two.
  const json::object page1 = inbox("u-1", "?limit=2");
  EXPECT_EQ(titles(page1), (std::vector<std::string>{"third", "second"}));
  EXPECT_EQ(page1.at("has_more"), true);
  const json::object page2 = inbox("u-1", "?limit=2&starting_after=" + id_at(page1, 1));
  EXPECT_EQ(titles(page2), (std::vector<std::string>{"first"}));
  EXPECT_EQ(page2.at("has_more"), false);

  // Read, and read again: the same answer.
  const std::string second = id_at(all, 1);
  auto read = client_->post("/v1/users/u-1/notifications/" + second + "/read", "");
  ASSERT_EQ(read.status, 200u) << read.body;
  EXPECT_EQ(read.json().at("isRead"), true);
  EXPECT_TRUE(read.json().as_object().contains("readAt"));
  EXPECT_EQ(read.json().at("updatedAt"), read.json().at("readAt"));
  auto again = client_->post("/v1/users/u-1/notifications/" + second + "/read", "{}");
  EXPECT_EQ(again.status, 200u);
  EXPECT_EQ(again.json(), read.json());
  EXPECT_EQ(titles(inbox("u-1", "?unread=true")), (std::vector<std::string>{"third", "first"}));
  EXPECT_EQ(titles(inbox("u-1", "?unread=false")).size(), 3u);

  // Another user's notification, an unknown one, a malformed one.
  const std::string others = id_at(inbox("u-2"), 0);
  for (const std::string& id : {others, std::string("ntf_0123456789abcdef0123456789abcdef")}) {
    auto refused = client_->post("/v1/users/u-1/notifications/" + id + "/read", "");
    EXPECT_EQ(refused.status, 404u) << refused.body;
    EXPECT_EQ(refused.json().at("error"), "NotFound");
  }
  EXPECT_EQ(inbox("u-2").at("notifications").as_array().at(0).at("isRead"), false);
  auto foreign_page = client_->get("/v1/users/u-1/notifications?starting_after=" + others);
  EXPECT_EQ(foreign_page.status, 404u) << foreign_page.body;
  for (const std::string& target : std::vector<std::string>{
           "/v1/users/u-1/notifications/" + std::string(300, 'x') + "/read",
           "/v1/users/u-1/notifications?limit=0", "/v1/users/u-1/notifications?limit=101",
           "/v1/users/u-1/notifications?limit=ten", "/v1/users/u-1/notifications?unread=yes",
           "/v1/users/u-1/notifications?page=2", "/v1/users/u-1/notifications?starting_after=x",
           "/v1/users/" + std::string(300, 'u') + "/notifications"}) {
    auto refused = target.find("/read") != std::string::npos ? client_->post(target, "")
                                                             : client_->get(target);
    EXPECT_EQ(refused.status, 400u) << target << " " << refused.body;
    EXPECT_EQ(refused.json().at("error"), "InvalidRequest") << target;
  }
  auto body = client_->post("/v1/users/u-1/notifications/" + second + "/read", R"({"x": 1})");
  EXPECT_EQ(body.status, 400u) << body.body;
  EXPECT_EQ(client_->get("/v1/users/u-1/notifications/" + second + "/read").status, 405u);
  EXPECT_EQ(client_->post("/v1/users/u-1/notifications", "").status, 405u);
  EXPECT_EQ(client_->get("/v1/users/u-1/notifications/" + second).status, 404u);
  EXPECT_EQ(client_->get("/v1/users/u-1/notifications//read").status, 400u);
  EXPECT_EQ(client_->get("/v1/users/u-1/notifications/%2e%2e/read").status, 400u);

  // The same through settlectl.
  const auto unread = ctl_json({"notifications", "list", "u-1", "--unread"});
  EXPECT_EQ(unread.at("notifications").as_array().size(), 2u);
  const std::string third_id = id_at(all, 0);
  const auto marked = ctl_json({"notifications", "read", "u-1", third_id});
  EXPECT_EQ(marked.at("isRead"), true);
  EXPECT_EQ(
      ctl_json({"notifications", "list", "u-1", "--unread"}).at("notifications").as_array().size(),
      1u);
  const auto foreign = ctl_json({"notifications", "read", "u-1", others}, 1);
  EXPECT_EQ(foreign.at("error"), "NotFound");
  const auto listed = ctl({"notifications", "list", "u-1"});
  EXPECT_EQ(listed.code, 0) << listed.err;
  EXPECT_NE(listed.out.find(third_id), std::string::npos) << listed.out;
}

TEST_F(Notifications, EachIsPostedSignedWithItsIdOnce) {
  notify_many("n-s", "u-s");
  wait_outbox_empty();
  const auto inbox_ids = [&] {
    std::set<std::string> ids;
    const json::object listed = inbox("u-s");
    for (const auto& n : listed.at("notifications").as_array())
      ids.insert(std::string(n.at("id").as_string()));
    return ids;
  }();
  ASSERT_EQ(inbox_ids.size(), 3u);
  std::set<std::string> posted;
  for (const auto& r : receiver_->received()) {
    if (r.path != "/notifications") continue;
    posted.insert(r.id);
    EXPECT_TRUE(verify_settled_signature(r.signature, r.body, kSecret)) << r.signature;
    EXPECT_FALSE(verify_settled_signature(r.signature, r.body + " ", kSecret));
    EXPECT_FALSE(verify_settled_signature(r.signature, r.body, "another secret"));
    const auto body = json::parse(r.body).as_object();
    EXPECT_EQ(body.at("id").as_string(), r.id);
    EXPECT_EQ(body.at("userId"), "u-s");
    EXPECT_EQ(body.at("isRead"), false);
  }
  EXPECT_EQ(posted, inbox_ids);
  for (const auto& [id, count] : receiver_->delivered_by_id()) EXPECT_EQ(count, 1) << id;
  wait_metric("settled_notification_deliveries_total{outcome=\"delivered\"}", 3);
}

TEST_F(Notifications, TwoFailuresThenTakenIsDeliveredOnceAfterThreeAttempts) {
  receiver_->fail_first(2);
  notify_many("n-r", "u-r");
  wait_outbox_empty();
  const auto attempts = receiver_->attempts_by_id();
  ASSERT_EQ(attempts.size(), 3u);
  for (const auto& [id, count] : attempts) EXPECT_EQ(count, 3) << id;
  const auto delivered = receiver_->delivered_by_id();
  ASSERT_EQ(delivered.size(), 3u);
  for (const auto& [id, count] : delivered) EXPECT_EQ(count, 1) << id;
  EXPECT_EQ(metric("settled_notification_deliveries_total{outcome=\"retried\"}"), 6);
  EXPECT_EQ(ctl_json({"notifications", "dead-letters"}).at("deadLetters").as_array().size(), 0u);
}

TEST_F(Notifications, AfterTheLastAttemptADeadLetterAnAlertAndRedelivery) {
  receiver_->set_down(true);
  notify_many("n-d", "u-d");
  wait_outbox_empty();
  const auto letters = ctl_json({"notifications", "dead-letters"}).at("deadLetters").as_array();
  ASSERT_EQ(letters.size(), 3u);
  for (const auto& letter : letters) {
    EXPECT_EQ(letter.at("attempts"), 3);
    EXPECT_EQ(letter.at("userId"), "u-d");
    EXPECT_NE(std::string(letter.at("lastError").as_string()).find("503"), std::string::npos);
  }
  for (const auto& [id, count] : receiver_->attempts_by_id()) EXPECT_EQ(count, 3) << id;
  wait_metric("settled_notification_deliveries_total{outcome=\"dead_lettered\"}", 3);
  wait_metric("settled_alerts_total{source=\"notification_dead_letter\"}", 3);
  const auto text = ctl({"notifications", "dead-letters"});
  EXPECT_NE(text.out.find(std::string(letters[0].at("id").as_string())), std::string::npos);

  // The alert webhook heard of it, signed with its own secret (it retries a 503 too).
  receiver_->set_down(false);
  ASSERT_TRUE(receiver_->wait_for([](const auto& received) {
    for (const auto& r : received)
      if (r.path == "/alerts" && r.status == 200 &&
          r.body.find("notification_dead_letter") != std::string::npos)
        return true;
    return false;
  })) << "no alert reached the alert webhook";
  for (const auto& r : receiver_->received()) {
    if (r.path == "/alerts" && r.status == 200) {
      EXPECT_TRUE(verify_settled_signature(r.signature, r.body, kAlertSecret));
    }
  }

  const std::string id(letters[0].at("id").as_string());
  EXPECT_EQ(ctl_json({"notifications", "redeliver", id}).at("status"), "pending");
  ASSERT_TRUE(receiver_->wait_for([&](const auto& received) {
    for (const auto& r : received)
      if (r.id == id && r.status == 200) return true;
    return false;
  }));
  wait_outbox_empty();
  EXPECT_EQ(receiver_->delivered_by_id(), (std::map<std::string, int>{{id, 1}}));
  EXPECT_EQ(ctl_json({"notifications", "dead-letters"}).at("deadLetters").as_array().size(), 2u);
  EXPECT_EQ(ctl_json({"notifications", "redeliver", id}, 1).at("error"), "NotFound");
}

TEST_F(Notifications, ThePaymentWorkflowsCustomerNotificationArrives) {
  ASSERT_EQ(start_payment("p-n", "pm_card_visa").status, 201u);
  EXPECT_EQ(wait_final("payment:p-n").at("status"), "SUCCEEDED");
  ASSERT_TRUE(receiver_->wait_for([](const auto& received) {
    for (const auto& r : received)
      if (r.path == "/notifications" && r.status == 200) return true;
    return false;
  }));
  const auto listed = inbox("c-p-n").at("notifications").as_array();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].at("title"), "Payment received");
  EXPECT_EQ(listed[0].at("paymentId"), "p-n");
  NotificationReceiver::Received posted;
  for (const auto& r : receiver_->received())
    if (r.path == "/notifications" && posted.id.empty()) posted = r;
  EXPECT_EQ(posted.id, listed[0].at("id").as_string());
  EXPECT_TRUE(verify_settled_signature(posted.signature, posted.body, kSecret));
  EXPECT_EQ(json::parse(posted.body).at("message"), "Your payment was successful.");
}

// Retries that outlast a kill -9: the outbox is on disk.
class NotificationsAcrossRestarts : public Notifications {
 protected:
  int max_attempts() const override { return 100; }
};

TEST_F(NotificationsAcrossRestarts, AKilledDaemonDeliversEachIdExactlyOnceAfterRestart) {
  receiver_->set_down(true);
  notify_many("k-1", "u-k");
  notify_many("k-2", "u-k");
  // Every notification has been tried and is waiting for a retry.
  ASSERT_TRUE(receiver_->wait_for([](const auto& received) {
    std::set<std::string> ids;
    for (const auto& r : received)
      if (r.path == "/notifications") ids.insert(r.id);
    return ids.size() == 6;
  }));
  client_.reset();
  daemon_->kill9();
  receiver_->set_down(false);
  start_with(extra_);
  wait_outbox_empty();
  const auto delivered = receiver_->delivered_by_id();
  ASSERT_EQ(delivered.size(), 6u);
  for (const auto& [id, count] : delivered) EXPECT_EQ(count, 1) << id;
  EXPECT_EQ(inbox("u-k").at("notifications").as_array().size(), 6u);
  EXPECT_EQ(ctl_json({"notifications", "dead-letters"}).at("deadLetters").as_array().size(), 0u);
}

}  // namespace
}  // namespace settled::testing
