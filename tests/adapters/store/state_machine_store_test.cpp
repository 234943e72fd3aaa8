// The state machines' listing (src/adapters/store/state_machine_store.hpp) against a real
// LmdbStore: GET /v1/state-machines is a page in name order, the latest version of each name with
// a current one, after a name, with has_more; a deleted name is not listed and does not count.

#include "adapters/store/state_machine_store.hpp"
#include "support/state_machine_rows.hpp"
#include "support/temp_dir.hpp"
#include "support/temp_store.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <string>
#include <vector>

namespace settled::adapters {
namespace {

namespace json = boost::json;
using settled::testing::TempDir;

class StateMachineStore : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(store_ = settled::testing::open_temp_store(dir_.path())); }

  void store(const std::string& name, std::int64_t version, const std::string& source = "api") {
    settled::testing::store_state_machine_version(*store_, name, version, 1767603600000 + version,
                                                  source);
  }

  // The names and versions of one page, and its has_more.
  std::pair<std::vector<std::string>, bool> page(std::size_t limit, const std::string& after) {
    const json::object listed = list_state_machines(*store_, limit, after);
    std::vector<std::string> names;
    for (const auto& m : listed.at("stateMachines").as_array()) {
      EXPECT_TRUE(m.as_object().contains("registeredAt"));
      names.push_back(std::string(m.at("name").as_string()) + "@" +
                      std::to_string(m.at("version").as_int64()));
    }
    return {names, listed.at("has_more").as_bool()};
  }

  TempDir dir_;
  std::shared_ptr<LmdbStore> store_;
};

// Unpaged, a listing answered every name ever stored in one response.
TEST_F(StateMachineStore, MachinesAreListedAPageAtATimeInNameOrder) {
  // "a" and "a-b": a name that starts another must not end or skip that one's page.
  for (const char* name : {"c", "a-b", "b", "a", "e"}) store(name, 1);
  store("a", 2);
  store("b", 2);
  store("b", 3);
  store("d", 1);
  store("d", 2, kDeletedSource);  // d has no current version: not listed, not counted

  EXPECT_EQ(page(2, ""), (std::pair<std::vector<std::string>, bool>{{"a@2", "a-b@1"}, true}));
  EXPECT_EQ(page(2, "a-b"), (std::pair<std::vector<std::string>, bool>{{"b@3", "c@1"}, true}));
  EXPECT_EQ(page(2, "c"), (std::pair<std::vector<std::string>, bool>{{"e@1"}, false}));
  // Exactly full: nothing after it, so no more.
  EXPECT_EQ(page(1, "c"), (std::pair<std::vector<std::string>, bool>{{"e@1"}, false}));
  EXPECT_EQ(page(10, "e"), (std::pair<std::vector<std::string>, bool>{{}, false}));
  // A name that is not stored (deleted, say, between two pages) still marks a place.
  EXPECT_EQ(page(10, "bb"), (std::pair<std::vector<std::string>, bool>{{"c@1", "e@1"}, false}));
  EXPECT_EQ(page(1, "a"), (std::pair<std::vector<std::string>, bool>{{"a-b@1"}, true}));
  EXPECT_EQ(page(100, "").first.size(), 5u);
}

// ListStateMachines built each page from every stored version of every name, definitions
// included. A page reads the versions of the names it lists (and of a deleted one it passes
// over), the next listed name's to tell has_more, and no definition is kept.
TEST_F(StateMachineStore, APageReadsOnlyTheVersionsOfTheNamesItLists) {
  for (int i = 0; i < 40; ++i) {
    const std::string name = "m-" + std::to_string(100 + i);
    for (std::int64_t version = 1; version <= 3; ++version) store(name, version);
  }
  auto page = page_state_machines(*store_, 2, "m-104");
  ASSERT_EQ(page.machines.size(), 2u);
  EXPECT_EQ(page.machines[0].name, "m-105");
  EXPECT_EQ(page.machines[1].name, "m-106");
  EXPECT_TRUE(page.has_more);
  // m-105 and m-106 (3 each), m-107 (3: it is listed if it has a current version), m-108's first.
  EXPECT_EQ(page.rows_read, 10u);

  page = page_state_machines(*store_, 100, "m-138");
  EXPECT_EQ(page.machines.size(), 1u);
  EXPECT_FALSE(page.has_more);
  EXPECT_EQ(page.rows_read, 3u);
}

// Each listed with its latest version and when its current run began: after a deletion, the
// first version registered again (ListStateMachines' creationDate).
TEST_F(StateMachineStore, AListedMachineWasCreatedWhenItsCurrentVersionsBegan) {
  store("a", 1);
  store("a", 2);
  store("b", 1);
  store("b", 2, kDeletedSource);
  store("b", 3);
  store("b", 4);
  store("c", 1, kDeletedSource);
  store("d", 1);
  const auto page = page_state_machines(*store_, 10, "");
  ASSERT_EQ(page.machines.size(), 3u);
  const auto at = [](std::int64_t version) { return 1767603600000 + version; };
  EXPECT_EQ(page.machines[0].name, "a");
  EXPECT_EQ(page.machines[0].version, 2);
  EXPECT_EQ(page.machines[0].registered_at, at(2));
  EXPECT_EQ(page.machines[0].created_at, at(1));
  EXPECT_EQ(page.machines[1].name, "b");
  EXPECT_EQ(page.machines[1].version, 4);
  EXPECT_EQ(page.machines[1].registered_at, at(4));
  EXPECT_EQ(page.machines[1].created_at, at(3));
  EXPECT_EQ(page.machines[2].name, "d");
  EXPECT_EQ(page.machines[2].created_at, at(1));
  EXPECT_FALSE(page.has_more);
}

}  // namespace
}  // namespace settled::adapters
