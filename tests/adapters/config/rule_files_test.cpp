// Event rules declared in the configuration (adapters/config/rule_files.hpp): the directory's
// NAME.json files are read by name, a broken one refuses the load naming the file, and a start
// rule's state machine must exist.

#include "adapters/config/rule_files.hpp"

#include "domain/asl/parser.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace settled::adapters {
namespace {

class RuleFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir());
    auto db = LmdbStore::open({tmp_.path() + "/db", std::size_t{64} << 20, false});
    ASSERT_TRUE(db) << db.error().message;
    db_ = std::move(*db);
    auto registry = std::make_shared<asl::Registry>();
    auto machine = asl::parse_state_machine_text(
        R"({"StartAt": "A", "States": {"A": {"Type": "Succeed"}}})", "milestone-payment");
    ASSERT_TRUE(machine) << machine.error().message;
    registry->add(std::make_shared<const asl::StateMachine>(std::move(*machine)));
    workflows_ = std::move(registry);
  }
  std::string dir() const { return tmp_.path() + "/rules"; }
  void write(const std::string& file, const std::string& text) {
    std::ofstream(dir() + "/" + file) << text;
  }

  testing::TempDir tmp_;
  std::shared_ptr<LmdbStore> db_;
  asl::RegistryPtr workflows_;
};

TEST_F(RuleFiles, ReadsEveryRuleByNameAndIgnoresOtherFiles) {
  write("pay.json", R"({"detailType": "milestone.approved",
    "target": {"startExecution": {"stateMachine": "milestone-payment"}}})");
  write("kyc.json", R"({"detailType": "kyc.approved", "target": {"deliver": {}}})");
  write("README.md", "not a rule");
  auto rules = load_rule_files(dir());
  ASSERT_TRUE(rules) << rules.error().message;
  ASSERT_EQ(rules->size(), 2u);
  EXPECT_EQ((*rules)[0].name, "kyc");
  EXPECT_EQ((*rules)[1].name, "pay");
  EXPECT_EQ((*rules)[1].state_machine, "milestone-payment");
  EXPECT_TRUE(check_rule_targets(*db_, *rules, workflows_));
}

TEST_F(RuleFiles, ABrokenFileRefusesTheLoadNamingIt) {
  write("good.json", R"({"detailType": "t", "target": {"deliver": {}}})");
  write("bad.json", R"({"detailType": "t", "target": {"startExecution": {}}})");
  auto rules = load_rule_files(dir());
  ASSERT_FALSE(rules);
  EXPECT_NE(rules.error().message.find("rule file " + dir() + "/bad.json"), std::string::npos)
      << rules.error().message;
  EXPECT_NE(rules.error().message.find("stateMachine"), std::string::npos);
  write("bad.json", "{not json");
  EXPECT_FALSE(load_rule_files(dir()));
  EXPECT_FALSE(load_rule_files(tmp_.path() + "/nowhere"));
}

TEST_F(RuleFiles, AStartRulesStateMachineMustExist) {
  write("pay.json", R"({"detailType": "t",
    "target": {"startExecution": {"stateMachine": "not-written-yet"}}})");
  auto rules = load_rule_files(dir());
  ASSERT_TRUE(rules) << rules.error().message;
  auto known = check_rule_targets(*db_, *rules, workflows_);
  ASSERT_FALSE(known);
  EXPECT_NE(known.error().message.find("not-written-yet"), std::string::npos);
}

}  // namespace
}  // namespace settled::adapters
