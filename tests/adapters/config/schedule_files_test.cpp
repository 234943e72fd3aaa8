// Schedules declared in the configuration (adapters/config/schedule_files.hpp): the directory's
// NAME.json files are read and checked as PUT bodies, refused naming the file, and applied to the
// schedules table as an upsert that leaves an unchanged schedule (and so its fires) alone.

#include "adapters/config/schedule_files.hpp"

#include "domain/asl/parser.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <filesystem>
#include <fstream>

namespace settled::adapters {
namespace {

namespace json = boost::json;

class ScheduleFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir());
    auto db = LmdbStore::open({tmp_.path() + "/db", std::size_t{64} << 20, false});
    ASSERT_TRUE(db) << db.error().message;
    db_ = std::move(*db);
    auto registry = std::make_shared<asl::Registry>();
    auto machine = asl::parse_state_machine_text(
        R"({"StartAt": "A", "States": {"A": {"Type": "Succeed"}}})", "reconcile");
    ASSERT_TRUE(machine) << machine.error().message;
    registry->add(std::make_shared<const asl::StateMachine>(std::move(*machine)));
    workflows_ = std::move(registry);
  }

  std::string dir() const { return tmp_.path() + "/schedules"; }

  void write(const std::string& file, const std::string& text) {
    std::ofstream(dir() + "/" + file) << text;
  }

  std::optional<schedules::Schedule> stored(const std::string& name) {
    auto row = db_->get(Table::kSchedules, name);
    if (!row) return std::nullopt;
    auto decoded = schedules::decode_schedule(*row);
    EXPECT_TRUE(decoded) << decoded.error().message;
    return decoded ? std::optional<schedules::Schedule>(*decoded) : std::nullopt;
  }

  std::vector<AppliedSchedule> apply(EpochMillis now) {
    auto files = load_schedule_files(dir());
    EXPECT_TRUE(files) << files.error().message;
    if (!files) return {};
    EXPECT_TRUE(check_config_schedules(*db_, *files, workflows_));
    auto applied = apply_config_schedules(*db_, *files, now);
    EXPECT_TRUE(applied) << applied.error().message;
    return applied ? *applied : std::vector<AppliedSchedule>{};
  }

  testing::TempDir tmp_;
  std::shared_ptr<LmdbStore> db_;
  asl::RegistryPtr workflows_;
};

TEST_F(ScheduleFiles, EachJsonFileIsAScheduleNamedByTheFileAndOtherFilesAreIgnored) {
  write("daily.json", R"({"cron": "0 3 * * *", "timezone": "Europe/Berlin",
                          "stateMachine": "reconcile", "input": {"pageSize": 5}})");
  write("hourly.json", R"j({"cron": "rate(1 hour)", "stateMachine": "reconcile"})j");
  write("README.md", "not a schedule");
  auto files = load_schedule_files(dir());
  ASSERT_TRUE(files) << files.error().message;
  ASSERT_EQ(files->size(), 2u);
  EXPECT_EQ((*files)[0].name, "daily");
  EXPECT_EQ((*files)[0].path, dir() + "/daily.json");
  EXPECT_EQ((*files)[0].body.at("timezone"), "Europe/Berlin");
  EXPECT_EQ((*files)[1].name, "hourly");
}

TEST_F(ScheduleFiles, ABrokenFileRefusesTheWholeLoadNamingTheFile) {
  for (const auto& [file, text, why] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"a.json", "{", "a.json"},
           {"b.json", "[1]", "not a JSON object"},
           {"c.json", R"({"cron": "61 * * * *", "stateMachine": "reconcile"})", "c.json"},
           {"d.json", R"({"cron": "0 3 * * *", "stateMachine": "reconcile", "timezone": "Mars/X"})",
            "timezone"},
           {"e.json", R"({"cron": "0 3 * * *", "stateMachine": "reconcile", "extra": 1})",
            "unknown field \"extra\""},
           {"bad name.json", R"({"cron": "0 3 * * *", "stateMachine": "reconcile"})",
            "schedule name"}}) {
    std::filesystem::remove_all(dir());
    std::filesystem::create_directories(dir());
    write("good.json", R"({"cron": "0 3 * * *", "stateMachine": "reconcile"})");
    write(file, text);
    auto refused = load_schedule_files(dir());
    ASSERT_FALSE(refused) << file;
    EXPECT_EQ(refused.error().code, ErrorCode::kInvalidRequest) << file;
    EXPECT_NE(refused.error().message.find(dir() + "/" + file), std::string::npos)
        << refused.error().message;
    EXPECT_NE(refused.error().message.find(why), std::string::npos) << refused.error().message;
  }
  auto missing = load_schedule_files(tmp_.path() + "/nowhere");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("nowhere"), std::string::npos);
}

TEST_F(ScheduleFiles, AnUnknownStateMachineIsRefusedNamingTheFile) {
  write("daily.json", R"({"cron": "0 3 * * *", "stateMachine": "no-such-machine"})");
  auto files = load_schedule_files(dir());
  ASSERT_TRUE(files) << files.error().message;
  auto refused = check_config_schedules(*db_, *files, workflows_);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find(dir() + "/daily.json"), std::string::npos);
  EXPECT_NE(refused.error().message.find("no-such-machine"), std::string::npos);
}

TEST_F(ScheduleFiles, ApplyingCreatesLeavesAnUnchangedOneAloneAndReplacesAChangedOne) {
  write("daily.json", R"({"cron": "0 3 * * *", "stateMachine": "reconcile", "input": {"a": 1}})");
  auto applied = apply(1000);
  ASSERT_EQ(applied.size(), 1u);
  EXPECT_EQ(applied[0].outcome, "created");
  auto first = stored("daily");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->created_at, 1000);
  EXPECT_EQ(first->input, json::parse(R"({"a": 1})"));

  // A fire was made meanwhile; the same file at the next start changes nothing.
  first->last_fire_at = 5000;
  WriteBatch fired;
  fired.put(Table::kSchedules, "daily", schedules::encode(*first));
  ASSERT_TRUE(db_->commit({&fired}));
  write("daily.json", R"({"stateMachine": "reconcile", "input": {"a": 1.0}, "cron": "0 3 * * *"})");
  applied = apply(9000);
  ASSERT_EQ(applied.size(), 1u);
  EXPECT_EQ(applied[0].outcome, "unchanged");
  EXPECT_EQ(schedules::encode(*stored("daily")), schedules::encode(*first));

  // Changed: replaced, keeping when it was made and when it last fired.
  write("daily.json", R"({"cron": "30 4 * * *", "stateMachine": "reconcile"})");
  applied = apply(12000);
  ASSERT_EQ(applied.size(), 1u);
  EXPECT_EQ(applied[0].outcome, "changed");
  auto changed = stored("daily");
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->cron, "30 4 * * *");
  EXPECT_EQ(changed->input, json::object{});
  EXPECT_EQ(changed->created_at, 1000);
  EXPECT_EQ(changed->last_fire_at, 5000);
  EXPECT_EQ(changed->updated_at, 12000);
}

}  // namespace
}  // namespace settled::adapters
