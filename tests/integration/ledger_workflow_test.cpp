// The ledger through workflows: settled:ledger.* task states (deposit, hold, release) with a
// Catch on Ledger.InsufficientFunds, many executions at once, and a SIGKILL while they run:
// every step's journal entry exists exactly once (a re-run step replays its key) and the
// ledger reconciles.

#include "integration/ledger_fixture.hpp"
#include "support/eventually.hpp"

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <thread>

namespace settled::testing {
namespace {

namespace json = boost::json;

constexpr const char* kEscrowFlow = R"({
  "Comment": "Fund the payer, hold an escrow, release it to the payee; no funds: a Pass.",
  "StartAt": "Deposit",
  "States": {
    "Deposit": {
      "Type": "Task", "Resource": "settled:ledger.deposit",
      "Parameters": {"account.$": "$.payer", "amount.$": "$.fund", "currency": "USD"},
      "ResultPath": "$.deposit", "Next": "Hold"
    },
    "Hold": {
      "Type": "Task", "Resource": "settled:ledger.hold",
      "Parameters": {"escrowId.$": "$.escrowId", "payer.$": "$.payer", "payee.$": "$.payee",
                     "amount.$": "$.amount", "currency": "USD"},
      "ResultPath": "$.hold",
      "Catch": [{"ErrorEquals": ["Ledger.InsufficientFunds"], "ResultPath": "$.error",
                 "Next": "No Funds"}],
      "Next": "Release"
    },
    "Release": {
      "Type": "Task", "Resource": "settled:ledger.release",
      "Parameters": {"escrowId.$": "$.escrowId"},
      "ResultPath": "$.release", "End": true
    },
    "No Funds": {"Type": "Pass", "Result": "no funds", "ResultPath": "$.outcome", "End": true}
  }
})";

class LedgerWorkflow : public LedgerTest {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(workflows_dir());
    write_workflow("ledger-escrow", kEscrowFlow);
    launch();
  }

  void launch() {
    const char* binary = std::getenv("SETTLED_TEST_BINARY");
    client_.reset();
    daemon_ = std::make_unique<DaemonProcess>(
        binary ? binary : SETTLED_BINARY,
        std::vector<std::string>{"--data-dir=" + dir_.path() + "/var", "--http=127.0.0.1:0",
                                 "--workflows-dir=" + workflows_dir()},
        dir_.path() + "/daemon.log");
    port_ = daemon_->wait_ready();
    client_ = std::make_unique<HttpClient>("127.0.0.1", port_);
  }

  HttpResult start_flow(HttpClient& client, const std::string& name, std::int64_t fund,
                        std::int64_t amount, const std::string& payee = "provider") {
    json::object input{{"payer", "payer-" + name},
                       {"payee", payee},
                       {"fund", fund},
                       {"amount", amount},
                       {"escrowId", "esc-" + name}};
    return client.post("/v1/executions",
                       json::serialize(json::object{
                           {"stateMachine", "ledger-escrow"}, {"name", name}, {"input", input}}));
  }
};

TEST_F(LedgerWorkflow, TasksMoveMoneyAndCatchNamedErrors) {
  ASSERT_EQ(start_flow(*client_, "ok", 1000, 400).status, 201u);
  ASSERT_EQ(start_flow(*client_, "poor", 100, 500).status, 201u);
  auto ok = wait_final("ledger-escrow:ok");
  ASSERT_EQ(ok.at("status"), "SUCCEEDED") << json::serialize(ok);
  auto poor = wait_final("ledger-escrow:poor");
  ASSERT_EQ(poor.at("status"), "SUCCEEDED") << json::serialize(poor);
  EXPECT_NE(json::serialize(poor).find("no funds"), std::string::npos) << json::serialize(poor);
  EXPECT_EQ(balance("payer-ok"), (std::array<std::int64_t, 3>{600, 0, 0}));
  EXPECT_EQ(balance("payer-poor"), (std::array<std::int64_t, 3>{100, 0, 0}));
  EXPECT_EQ(balance("provider"), (std::array<std::int64_t, 3>{400, 0, 0}));
  EXPECT_TRUE(escrow("esc-poor").is_null());  // the refused hold changed nothing
  const auto entries = journal("payer-ok");
  ASSERT_EQ(entries.size(), 3u);
  for (const auto& e : entries)
    EXPECT_EQ(std::string(e.at("id").as_string()).rfind("ledger-escrow:ok/", 0), 0u)
        << "journal entry ids are the task attempts' idempotency keys: " << e.at("id");
  reconcile_ok();
}

TEST_F(LedgerWorkflow, ConcurrentExecutionsSurviveAKill) {
  constexpr int kFlows = 300, kThreads = 6;
  std::atomic<int> next{0};
  std::mutex mutex;
  std::vector<std::string> acknowledged;
  std::atomic<bool> killed{false};
  std::atomic<bool> kill_sent{false};  // from here on a failed request is the kill's doing
  std::atomic<int> senders_running{kThreads};
  std::string sender_error;  // the first failure of a sender before the kill
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      HttpClient client("127.0.0.1", port_);
      for (int i = next++; i < kFlows && !killed; i = next++) {
        const std::string name = "f" + std::to_string(i);
        try {
          // Every third one cannot afford its hold and takes the Catch.
          auto res = start_flow(client, name, 100 + i, i % 3 == 0 ? 1000 : 50 + i,
                                "provider-" + std::to_string(i % 5));
          if (res.status == 201 || res.status == 200) {
            std::lock_guard<std::mutex> lock(mutex);
            acknowledged.push_back(name);
          }
        } catch (const std::exception& e) {
          std::lock_guard<std::mutex> lock(mutex);
          if (!kill_sent && sender_error.empty()) sender_error = name + ": " + e.what();
          break;  // after the kill: the daemon is gone
        }
      }
      --senders_running;
    });
  }
  const auto acked = [&] {
    std::lock_guard<std::mutex> lock(mutex);
    return acknowledged.size();
  };
  // Kill once a third is acknowledged (polled, with a deadline); senders that all stopped,
  // or a daemon that died, end the wait early and fail below with what happened.
  const bool reached = eventually(
      [&] { return acked() >= kFlows / 3 || senders_running == 0 || !daemon_->running(); },
      std::chrono::seconds(120), std::chrono::milliseconds(1));
  const bool daemon_alive = daemon_->running();
  kill_sent = true;
  daemon_->kill9();
  killed = true;
  for (auto& t : threads) t.join();
  ASSERT_TRUE(reached && acked() >= kFlows / 3)
      << acked() << " acknowledged; daemon " << (daemon_alive ? "alive" : "dead")
      << "; first sender failure: " << sender_error << "\n"
      << daemon_->output();
  EXPECT_EQ(sender_error, "") << "a sender failed before the kill";
  launch();
  for (const auto& name : acknowledged) {
    const auto final = wait_final("ledger-escrow:" + name);
    ASSERT_EQ(final.at("status"), "SUCCEEDED") << name << ": " << json::serialize(final);
  }
  for (const auto& name : acknowledged) {
    const int i = std::stoi(name.substr(1));
    const auto entries = journal("payer-" + name);
    const bool poor = i % 3 == 0;
    ASSERT_EQ(entries.size(), poor ? 1u : 3u) << name;  // each step once, even if re-run
    EXPECT_EQ(balance("payer-" + name)[0], poor ? 100 + i : 100 + i - (50 + i)) << name;
  }
  reconcile_ok();
}

}  // namespace
}  // namespace settled::testing
