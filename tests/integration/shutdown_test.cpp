// SIGTERM on a real daemon under load: it drains and exits 0, and nothing it acknowledged is
// lost; a second signal cuts the drain short at once.

#include "integration/ops_fixture.hpp"
#include "support/eventually.hpp"

#include <boost/asio.hpp>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

namespace settled::testing {
namespace {

class Shutdown : public OpsTest {
 protected:
  // A drain long enough for a test to act during it.
  void restart_with_timeout() {
    client_.reset();
    daemon_->terminate();
    start_with({"--shutdown-timeout=120"});
  }
};

TEST_F(Shutdown, SigtermUnderLoadExitsZeroAndLosesNothingAcknowledged) {
  std::mutex mutex;
  std::set<std::string> acked;
  std::atomic<bool> stop{false};
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&, t, port = port_] {
      HttpClient client("127.0.0.1", port);
      client.set_timeout(std::chrono::seconds(5));
      for (int i = 0; !stop; ++i) {
        const std::string id = "s" + std::to_string(t) + "-" + std::to_string(i);
        // Every fourth payment loses its first Stripe response and retries with the same key.
        const char* method = i % 4 == 0 ? "pm_sim_timeout_1" : "pm_card_visa";
        try {
          auto res = client.post("/v1/executions", payment_body(id, method));
          if (res.status == 201 || res.status == 200) {
            std::lock_guard<std::mutex> lock(mutex);
            acked.insert("payment:" + id);
          }
        } catch (const std::exception&) {
          // Refused or closed by the shutdown: not acknowledged, so nothing is owed.
        }
      }
    });
  }
  // Polled with a deadline; on failure the clients are stopped and joined before the test
  // ends (an ASSERT here would leave joinable threads and abort the whole binary).
  const bool going = eventually(
      [&] {
        std::lock_guard<std::mutex> lock(mutex);
        return acked.size() >= 200;
      },
      std::chrono::seconds(60));
  if (!going) {
    stop = true;
    for (auto& c : clients) c.join();
    FAIL() << "load did not get going: " << acked.size() << " acknowledged\n" << daemon_->output();
  }
  const auto sent = std::chrono::steady_clock::now();
  const int code = daemon_->terminate(std::chrono::seconds(30));
  const auto took = std::chrono::steady_clock::now() - sent;
  stop = true;
  for (auto& c : clients) c.join();
  EXPECT_EQ(code, 0) << daemon_->output().substr(
      daemon_->output().size() > 4000 ? daemon_->output().size() - 4000 : 0);
  EXPECT_LT(took, std::chrono::seconds(15));  // shutdown-timeout (10 s) bounds the drain
  EXPECT_NE(daemon_->wait_for_output("\"event\":\"settled.stopped\""), "");

  start_with({});
  for (const auto& id : acked) {
    auto final_state = wait_final(id);
    EXPECT_EQ(final_state.at("status").as_string(), "SUCCEEDED") << id;
  }
  for (const auto& [payment, count] : charges())
    EXPECT_EQ(count, 1) << payment << " was charged " << count << " times";
}

TEST_F(Shutdown, ASecondSignalExitsAtOnce) {
  restart_with_timeout();
  // A request that never finishes keeps the drain waiting for its session.
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), port_});
  const std::string partial =
      "POST /v1/executions HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{";
  boost::asio::write(socket, boost::asio::buffer(partial));
  ASSERT_EQ(client_->get("/healthz").status, 200u);  // the partial request has been taken up

  ::kill(daemon_->pid(), SIGTERM);
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (daemon_->output().find("settled.stopping") == std::string::npos &&
         std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_NE(daemon_->output().find("settled.stopping"), std::string::npos);
  ASSERT_TRUE(daemon_->running()) << "the drain ended before the second signal";

  const auto sent = std::chrono::steady_clock::now();
  const int code = daemon_->terminate(std::chrono::seconds(10));
  EXPECT_LT(std::chrono::steady_clock::now() - sent, std::chrono::seconds(5));
  EXPECT_EQ(code, 128 + SIGTERM);
  EXPECT_NE(daemon_->wait_for_output("settled.forced_exit"), "");
}

}  // namespace
}  // namespace settled::testing
