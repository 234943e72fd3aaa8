// A data directory from before the simulators' tables moved into the main store: the daemon
// starts on it, merges the old <data-dir>/stripe-simulator environment and goes on as before
// (src/adapters/store/simulator_store_merge.hpp, docs/stripe-simulator.md). The old layout is
// made from a real payment's rows, moved back into their own environment while the daemon is
// stopped.

#include "adapters/store/lmdb_store.hpp"
#include "adapters/store/simulator_store_merge.hpp"
#include "integration/daemon_fixture.hpp"
#include "support/temp_store.hpp"

#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace settled::testing {
namespace {

namespace fs = std::filesystem;

class SimulatorStoreUpgrade : public DaemonTest {
 protected:
  std::string data_dir() const { return dir_.path() + "/var"; }

  // Moves every row of the simulators' tables from the main store into their own environment,
  // as a daemon before the change kept them. Returns how many rows moved.
  std::size_t move_simulator_rows_to_old_layout() {
    auto main = open_stopped_store(data_dir());
    auto old = open_stopped_store(data_dir() + "/stripe-simulator");
    WriteBatch copy, erase;
    main->scan_snapshot(adapters::simulator_tables(),
                        [&](Table table, std::string_view key, std::string_view value) {
                          copy.put(table, std::string(key), std::string(value));
                          erase.erase(table, std::string(key));
                        });
    EXPECT_TRUE(old->commit({&copy}).ok());
    EXPECT_TRUE(main->commit({&erase}).ok());
    return copy.size();
  }
};

TEST_F(SimulatorStoreUpgrade, AStoreWithTheOldSimulatorEnvironmentIsMergedAndKeepsItsCharges) {
  auto started = start_payment("upgrade-1", "pm_card_visa", 1250);
  ASSERT_EQ(started.status, 201u) << started.body;
  const std::string id(started.json().at("executionId").as_string());
  ASSERT_EQ(wait_final(id).at("status").as_string(), "SUCCEEDED");
  ASSERT_EQ(charges(), (std::map<std::string, int>{{"upgrade-1", 1}}));
  const auto requests_before = stripe_requests().size();
  ASSERT_GT(requests_before, 0u);

  client_.reset();
  ASSERT_EQ(daemon_->terminate(), 0);
  ASSERT_GT(move_simulator_rows_to_old_layout(), 0u);

  start();
  EXPECT_NE(daemon_->wait_for_output("store.simulator_store_merged"), "");
  EXPECT_FALSE(fs::exists(data_dir() + "/stripe-simulator"));
  EXPECT_TRUE(fs::exists(data_dir() + "/stripe-simulator.merged/data.mdb"));
  // The simulated Stripe remembers the charge and every request it received.
  EXPECT_EQ(charges(), (std::map<std::string, int>{{"upgrade-1", 1}}));
  EXPECT_EQ(stripe_requests().size(), requests_before);

  // And it goes on: a new payment is charged once, and a restart finds nothing to merge again.
  auto next = start_payment("upgrade-2", "pm_card_visa", 990);
  ASSERT_EQ(next.status, 201u) << next.body;
  ASSERT_EQ(
      wait_final(std::string(next.json().at("executionId").as_string())).at("status").as_string(),
      "SUCCEEDED");
  EXPECT_EQ(charges(), (std::map<std::string, int>{{"upgrade-1", 1}, {"upgrade-2", 1}}));
  client_.reset();
  ASSERT_EQ(daemon_->terminate(), 0);
  start();
  EXPECT_EQ(daemon_->output().find("store.simulator_store_merged"), std::string::npos);
  EXPECT_EQ(charges(), (std::map<std::string, int>{{"upgrade-1", 1}, {"upgrade-2", 1}}));
}

}  // namespace
}  // namespace settled::testing
