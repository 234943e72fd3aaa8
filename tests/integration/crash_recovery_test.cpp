// kill -9 in the middle of load: after a restart every acknowledged payment ends in a final
// state, the simulator charged each payment id at most once (exactly once for the acknowledged
// ones), and executions caught in a retry backoff resume with the same idempotency key.

#include "integration/daemon_fixture.hpp"
#include "support/eventually.hpp"

#include <atomic>
#include <mutex>

namespace settled::testing {
namespace {

namespace json = boost::json;

class CrashRecovery : public DaemonTest {};

TEST_F(CrashRecovery, KillNineDuringABatchOfPaymentsLosesNothingAndPaysOnce) {
  constexpr int kPayments = 1000;
  constexpr int kThreads = 8;
  std::atomic<int> next{0};
  std::mutex mutex;
  std::vector<std::string> acknowledged;
  std::atomic<bool> killed{false};
  std::atomic<bool> kill_sent{false};  // from here on a failed request is the kill's doing
  std::atomic<int> senders_running{kThreads};
  std::string sender_error;  // the first failure of a sender before the kill
  std::vector<std::thread> senders;
  for (int t = 0; t < kThreads; ++t) {
    senders.emplace_back([&] {
      HttpClient client("127.0.0.1", port_);
      for (int i = next++; i < kPayments && !killed; i = next++) {
        const std::string id = "crash-" + std::to_string(i);
        try {
          auto res = client.post("/v1/executions", payment_body(id, "pm_card_visa", 100 + i));
          // Anything but a 2xx is not acknowledged, so not owed anything after the restart.
          std::lock_guard<std::mutex> lock(mutex);
          if (res.status == 201 || res.status == 200) acknowledged.push_back(id);
        } catch (const std::exception& e) {
          std::lock_guard<std::mutex> lock(mutex);
          if (!kill_sent && sender_error.empty()) sender_error = id + ": " + e.what();
          break;  // after the kill: the daemon is gone
        }
      }
      --senders_running;
    });
  }
  // Kill once a good part of the batch has been acknowledged (a condition, polled with a
  // deadline); senders that all stopped, or a daemon that died, end the wait early.
  const auto acked = [&] {
    std::lock_guard<std::mutex> lock(mutex);
    return acknowledged.size();
  };
  const bool reached = eventually(
      [&] { return acked() >= kPayments / 3 || senders_running == 0 || !daemon_->running(); },
      std::chrono::seconds(120), std::chrono::milliseconds(1));
  const bool daemon_alive = daemon_->running();
  kill_sent = true;
  daemon_->kill9();
  killed = true;
  for (auto& s : senders) s.join();
  ASSERT_TRUE(reached && acked() >= kPayments / 3)
      << acked() << " acknowledged; daemon " << (daemon_alive ? "alive" : "dead")
      << "; first sender failure: " << sender_error << "\n"
      << daemon_->output();
  EXPECT_EQ(sender_error, "") << "a sender failed before the kill";
  ASSERT_GE(acknowledged.size(), static_cast<std::size_t>(kPayments / 3));
  ASSERT_LT(acknowledged.size(), static_cast<std::size_t>(kPayments))
      << "the kill came after the whole batch";

  start();  // same data dir
  for (const auto& id : acknowledged) {
    const auto final = wait_final("payment:" + id);
    EXPECT_EQ(final.at("status").as_string(), "SUCCEEDED") << id << ": " << json::serialize(final);
  }
  const auto charged = charges();
  for (const auto& id : acknowledged) EXPECT_EQ(charged.count(id) ? charged.at(id) : 0, 1) << id;
  for (const auto& [id, n] : charged) EXPECT_EQ(n, 1) << id << " was charged " << n << " times";
}

TEST_F(CrashRecovery, RetryBackoffSurvivesARestart) {
  ASSERT_EQ(start_payment("p-backoff", "pm_sim_rate_limited_2").status, 201u);
  // Wait until the first attempt has failed and its retry is scheduled, then kill.
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  bool failed_once = false;
  while (!failed_once && std::chrono::steady_clock::now() < until) {
    for (const auto& e : history("payment:p-backoff"))
      failed_once = failed_once || e.at("type") == "TaskFailed";
    if (!failed_once) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_TRUE(failed_once);
  const std::string key = attempt_key("payment:p-backoff", "ProcessPayment");
  const auto before = stripe_keys_of("payment:p-backoff");
  ASSERT_FALSE(before.empty());
  restart_after_kill();
  const auto final = wait_final("payment:p-backoff");
  ASSERT_EQ(final.at("status").as_string(), "SUCCEEDED") << json::serialize(final);
  EXPECT_EQ(charges()["p-backoff"], 1);
  // Every request before and after the kill carried the one key of the one attempt.
  const auto after = stripe_keys_of("payment:p-backoff");
  ASSERT_GT(after.size(), before.size()) << "no request after the restart";
  for (const auto& sent : after) EXPECT_EQ(sent, key);
  EXPECT_EQ(attempt_key("payment:p-backoff", "ProcessPayment"), key);
  const auto requests = stripe_requests();
  ASSERT_FALSE(requests.empty());
  EXPECT_EQ(requests.back().outcome, "succeeded");
  const auto list = client_->get("/v1/simulator/stripe/payment_intents").json();
  ASSERT_EQ(list.at("data").as_array().size(), 1u);
  EXPECT_EQ(list.at("data").at(0).at("idempotency_key").as_string(), key);
}

}  // namespace
}  // namespace settled::testing
