// The history limit: an execution that loops forever fails with States.Runtime once its
// history reaches history-limit events, instead of growing without bound.

#include "integration/ops_fixture.hpp"

namespace settled::testing {
namespace {

namespace json = boost::json;

class HistoryLimit : public OpsTest {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(workflows_dir());
    write_workflow("forever", R"({"StartAt": "Again", "States": {
      "Again": {"Type": "Pass", "Next": "Round"},
      "Round": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "IsPresent": true,
                "Next": "Done"}], "Default": "Again"},
      "Done": {"Type": "Succeed"}}})");
    start_with({"--history-limit=300"});
  }
};

TEST_F(HistoryLimit, ALoopingExecutionFailsAtTheLimit) {
  ASSERT_EQ(client_
                ->post("/v1/executions", R"({"stateMachine": "forever", "name": "loop",
                                                "input": {}})")
                .status,
            201u);
  auto done = wait_final("forever:loop");
  EXPECT_EQ(done.at("status"), "FAILED");
  EXPECT_EQ(done.at("error"), "States.Runtime");
  EXPECT_NE(std::string(done.at("cause").as_string()).find("history limit of 300"),
            std::string::npos);
  const auto events = history("forever:loop");
  EXPECT_LE(events.size(), 302u);
  EXPECT_GE(events.size(), 300u);
}

}  // namespace
}  // namespace settled::testing
