// The state machines' listing (src/adapters/store/state_machine_store.hpp) against a real
// LmdbStore: GET /v1/state-machines is a page in name order, the latest version of each name with
// a current one, after a name, with has_more; a deleted name is not listed and does not count.

#include "adapters/store/state_machine_store.hpp"
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
    StateMachineVersion v;
    v.name = name;
    v.version = version;
    v.source = source;
    v.registered_at = 1767603600000 + version;
    if (!v.deleted()) {
      v.definition = json::parse(R"({"StartAt": "A", "States": {"A": {"Type": "Succeed"}}})");
      v.sha256 = definition_sha256(v.definition);
    }
    WriteBatch writes;
    writes.put(Table::kStateMachines, state_machine_key(name, version),
               json::serialize(v.to_json()));
    ASSERT_TRUE(store_->commit({&writes}).ok());
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

}  // namespace
}  // namespace settled::adapters
