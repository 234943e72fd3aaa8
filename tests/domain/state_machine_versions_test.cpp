// Tests for versioned state machines: the registry of every version
// (src/domain/asl/registry.hpp) and the version records, keys, hashes and numbering
// (src/domain/state_machine_versions.hpp).

#include "domain/state_machine_versions.hpp"
#include "domain/asl/registry.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace settled {
namespace {

namespace json = boost::json;

asl::StateMachinePtr machine(const std::string& name, std::int64_t version,
                             const std::string& start_at = "A") {
  auto m = std::make_shared<asl::StateMachine>();
  m->name = name;
  m->version = version;
  m->start_at = start_at;
  return m;
}

TEST(Registry, FindsTheLatestAndEachVersion) {
  asl::Registry r;
  r.add(machine("pay", 1, "one"));
  r.add(machine("pay", 3, "three"));
  r.add(machine("pay", 2, "two"));  // added late: not the latest
  r.add(machine("hold", 1));
  ASSERT_NE(r.find("pay"), nullptr);
  EXPECT_EQ(r.find("pay")->version, 3);
  EXPECT_EQ(r.find("pay")->start_at, "three");
  EXPECT_EQ(r.find("pay", 2)->start_at, "two");
  EXPECT_EQ(r.find("pay", 1)->start_at, "one");
  EXPECT_EQ(r.find("pay", 4), nullptr);
  EXPECT_EQ(r.find("pay", 0), nullptr);
  EXPECT_EQ(r.find("nope"), nullptr);
  EXPECT_EQ(r.find("nope", 1), nullptr);
}

TEST(Registry, AllIsTheLatestOfEachAndVersionsAreInOrder) {
  asl::Registry r;
  r.add(machine("pay", 2));
  r.add(machine("pay", 1));
  r.add(machine("hold", 1));
  ASSERT_EQ(r.all().size(), 2u);
  EXPECT_EQ(r.all().at("pay")->version, 2);
  EXPECT_EQ(r.all().at("hold")->version, 1);
  auto versions = r.versions("pay");
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(versions[0]->version, 1);
  EXPECT_EQ(versions[1]->version, 2);
  EXPECT_TRUE(r.versions("nope").empty());
}

TEST(Registry, ACopyWithANewVersionLeavesTheOriginalAlone) {
  auto original = std::make_shared<asl::Registry>();
  original->add(machine("pay", 1));
  asl::RegistryPtr before = original;
  auto next = std::make_shared<asl::Registry>(*before);
  next->add(machine("pay", 2));
  EXPECT_EQ(before->find("pay")->version, 1);
  EXPECT_EQ(before->find("pay", 2), nullptr);
  EXPECT_EQ(next->find("pay")->version, 2);
  EXPECT_EQ(next->find("pay", 1), before->find("pay", 1));  // versions are shared, not copied
}

TEST(Registry, UnversionedMachinesStillWork) {
  asl::Registry r;  // what tests and the file loader build: version 0
  r.add(machine("pay", 0, "a"));
  r.add(machine("pay", 0, "b"));  // same version again replaces
  EXPECT_EQ(r.find("pay")->start_at, "b");
  EXPECT_EQ(r.find("pay", 0)->start_at, "b");
  EXPECT_EQ(r.versions("pay").size(), 1u);
}

TEST(StateMachineVersions, Names) {
  EXPECT_TRUE(valid_state_machine_name("payment"));
  EXPECT_TRUE(valid_state_machine_name("purchase-refund_V2"));
  EXPECT_TRUE(valid_state_machine_name(std::string(80, 'a')));
  EXPECT_FALSE(valid_state_machine_name(std::string(81, 'a')));
  EXPECT_FALSE(valid_state_machine_name(""));
  EXPECT_FALSE(valid_state_machine_name("a.b"));
  EXPECT_FALSE(valid_state_machine_name("a/b"));
  EXPECT_FALSE(valid_state_machine_name("a b"));
  EXPECT_FALSE(valid_state_machine_name(std::string("a\0b", 3)));
}

TEST(StateMachineVersions, KeysSortByNameThenVersion) {
  EXPECT_EQ(state_machine_key("pay", 1), std::string("pay\0\0\0\0\0\0\0\0\x01", 12));
  EXPECT_LT(state_machine_key("pay", 255), state_machine_key("pay", 256));
  EXPECT_LT(state_machine_key("pay", 9), state_machine_key("pay", 10));
  EXPECT_LT(state_machine_key("pay", 1000), state_machine_key("pay-2", 1));
  EXPECT_EQ(state_machine_key("pay", 7).rfind(state_machine_prefix("pay"), 0), 0u);
  EXPECT_NE(state_machine_key("payment", 7).rfind(state_machine_prefix("pay"), 0), 0u);
}

TEST(StateMachineVersions, TheHashIgnoresFormattingAndKeyOrder) {
  auto a = json::parse(R"({"StartAt": "A", "States": {"A": {"Type": "Succeed", "Comment": "x"}}})");
  auto b = json::parse(R"({
      "States": {"A": {"Comment": "x", "Type": "Succeed"}},
      "StartAt": "A"
    })");
  auto c = json::parse(R"({"StartAt": "A", "States": {"A": {"Type": "Succeed", "Comment": "y"}}})");
  EXPECT_EQ(canonical_json(a), canonical_json(b));
  EXPECT_EQ(canonical_json(a),
            R"({"StartAt":"A","States":{"A":{"Comment":"x","Type":"Succeed"}}})");
  EXPECT_EQ(definition_sha256(a), definition_sha256(b));
  EXPECT_NE(definition_sha256(a), definition_sha256(c));
  EXPECT_EQ(definition_sha256(a).size(), 64u);
  // Array order matters: it is part of the definition (Choices, Retry, ...).
  EXPECT_NE(definition_sha256(json::parse("[1,2]")), definition_sha256(json::parse("[2,1]")));
}

TEST(StateMachineVersions, RecordsRoundTrip) {
  StateMachineVersion v;
  v.name = "pay";
  v.version = 4;
  v.definition = json::parse(R"({"StartAt": "A", "States": {"A": {"Type": "Succeed"}}})");
  v.sha256 = definition_sha256(v.definition);
  v.registered_at = 1'700'000'000'123;
  v.source = "api";
  const auto j = v.to_json();
  EXPECT_EQ(j.at("registeredAt").as_string(), "2023-11-14T22:13:20.123Z");
  auto back = StateMachineVersion::from_json(json::parse(json::serialize(j)));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->name, "pay");
  EXPECT_EQ(back->version, 4);
  EXPECT_EQ(back->definition, v.definition);
  EXPECT_EQ(back->sha256, v.sha256);
  EXPECT_EQ(back->registered_at, v.registered_at);
  EXPECT_EQ(back->source, "api");
  EXPECT_FALSE(StateMachineVersion::from_json(json::parse(R"({"name": "x"})")));
  EXPECT_FALSE(StateMachineVersion::from_json(json::parse("[]")));
}

TEST(VersionBook, NumbersNewDefinitionsAndKeepsIdenticalOnes) {
  VersionBook book;
  EXPECT_EQ(book.latest("pay"), 0);
  auto first = book.decide("pay", "h1");
  EXPECT_TRUE(first.created);
  EXPECT_EQ(first.version, 1);
  book.stored("pay", 1, "h1");
  EXPECT_EQ(book.latest("pay"), 1);
  auto same = book.decide("pay", "h1");
  EXPECT_FALSE(same.created);
  EXPECT_EQ(same.version, 1);
  auto second = book.decide("pay", "h2");
  EXPECT_TRUE(second.created);
  EXPECT_EQ(second.version, 2);
  book.stored("pay", 2, "h2");
  // Back to an older definition: a new version, not the old number.
  auto back = book.decide("pay", "h1");
  EXPECT_TRUE(back.created);
  EXPECT_EQ(back.version, 3);
}

TEST(VersionBook, ANumberWhoseCommitFailedIsNotGivenAgain) {
  VersionBook book;
  book.stored("pay", 5, "h5");
  book.stored("pay", 2, "h2");  // loaded out of order: the latest stays 5
  EXPECT_EQ(book.latest("pay"), 5);
  EXPECT_FALSE(book.decide("pay", "h5").created);
  EXPECT_EQ(book.decide("pay", "h6").version, 6);  // its commit's outcome is unknown ...
  EXPECT_EQ(book.decide("pay", "h6").version, 7);  // ... so a retry takes the next number
  EXPECT_EQ(book.latest("pay"), 5);
}

TEST(Registry, ARetiredNameHasNoLatestButKeepsItsVersions) {
  asl::Registry r;
  r.add(machine("pay", 1, "one"));
  r.add(machine("hold", 1));
  r.retire("pay");
  EXPECT_EQ(r.find("pay"), nullptr);
  ASSERT_NE(r.find("pay", 1), nullptr);  // an execution on version 1 still resolves it
  EXPECT_EQ(r.all().count("pay"), 0u);
  EXPECT_NE(r.find("hold"), nullptr);
  r.add(machine("pay", 3, "three"));  // created again
  ASSERT_NE(r.find("pay"), nullptr);
  EXPECT_EQ(r.find("pay")->start_at, "three");
}

StateMachineVersion stored_version(const std::string& name, std::int64_t version,
                                   bool deleted = false) {
  StateMachineVersion v;
  v.name = name;
  v.version = version;
  v.source = deleted ? kDeletedSource : "api";
  v.sha256 = deleted ? "" : "h" + std::to_string(version);
  return v;
}

TEST(StateMachineVersions, CurrentVersionsStartAfterTheLastDeletionOfEachName) {
  auto current = current_versions({stored_version("a", 1), stored_version("a", 2, true),
                                   stored_version("a", 3), stored_version("a", 4),
                                   stored_version("b", 1), stored_version("b", 2, true),
                                   stored_version("c", 1), stored_version("c", 2)});
  std::vector<std::string> seen;
  for (const auto& v : current) seen.push_back(v.name + std::to_string(v.version));
  EXPECT_EQ(seen, (std::vector<std::string>{"a3", "a4", "c1", "c2"}));
  EXPECT_TRUE(current_versions({stored_version("x", 1, true)}).empty());
}

TEST(StateMachineVersions, ADeletionRoundTrips) {
  auto deletion = stored_version("pay", 7, true);
  deletion.registered_at = 1'700'000'000'000;
  auto back = StateMachineVersion::from_json(json::parse(json::serialize(deletion.to_json())));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_TRUE(back->deleted());
  EXPECT_TRUE(back->definition.is_null());
  EXPECT_EQ(back->version, 7);
}

TEST(VersionBook, ADeletionTakesTheNextNumberOnceAndTheNameStartsAfresh) {
  VersionBook book;
  EXPECT_FALSE(book.retire("pay").created);  // never registered: nothing to delete
  book.stored("pay", 1, "h1");
  auto deletion = book.retire("pay");
  EXPECT_TRUE(deletion.created);
  EXPECT_EQ(deletion.version, 2);
  book.stored("pay", 2, "");
  EXPECT_FALSE(book.retire("pay").created);  // deleted already
  // The same definition again is a new version after the deletion, not version 1.
  auto again = book.decide("pay", "h1");
  EXPECT_TRUE(again.created);
  EXPECT_EQ(again.version, 3);
}

}  // namespace
}  // namespace settled
