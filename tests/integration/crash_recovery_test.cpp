// kill -9 in the middle of load: after a restart every acknowledged payment ends in a final
// state, the simulator charged each payment id at most once (exactly once for the acknowledged
// ones), and executions caught in a retry backoff resume with the same idempotency key.

#include "integration/daemon_fixture.hpp"

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
  std::vector<std::thread> senders;
  for (int t = 0; t < kThreads; ++t) {
    senders.emplace_back([&] {
      HttpClient client("127.0.0.1", port_);
      for (int i = next++; i < kPayments && !killed; i = next++) {
        const std::string id = "crash-" + std::to_string(i);
        try {
          auto res = client.post("/v1/executions", payment_body(id, "pm_card_visa", 100 + i));
          if (res.status == 201 || res.status == 200) {
            std::lock_guard<std::mutex> lock(mutex);
            acknowledged.push_back(id);
          }
        } catch (const std::exception&) {
          return;  // the daemon is gone
        }
      }
    });
  }
  // Kill once a good part of the batch has been acknowledged (a condition, polled).
  while (true) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (acknowledged.size() >= kPayments / 3) break;
    }
    std::this_thread::yield();
  }
  daemon_->kill9();
  killed = true;
  for (auto& s : senders) s.join();
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
  }
  ASSERT_TRUE(failed_once);
  restart_after_kill();
  const auto final = wait_final("payment:p-backoff");
  ASSERT_EQ(final.at("status").as_string(), "SUCCEEDED") << json::serialize(final);
  EXPECT_EQ(charges()["p-backoff"], 1);
  std::set<std::string> keys;
  const auto list = client_->get("/v1/simulator/stripe/payment_intents").json();
  for (const auto& intent : list.at("data").as_array())
    keys.insert(std::string(intent.at("idempotency_key").as_string()));
  EXPECT_EQ(keys.size(), 1u);
}

}  // namespace
}  // namespace settled::testing
