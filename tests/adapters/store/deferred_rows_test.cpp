// Tests for the in-memory side of rows written behind (src/adapters/store/deferred_rows.hpp):
// which version a snapshot sees, taking a failed commit back, folding slices, dropping what
// a round folded, reader epochs and the log record's encoding.

#include "adapters/store/deferred_rows.hpp"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <vector>

namespace settled::adapters {
namespace {

using Rows = DeferredRows::Rows;
using Value = DeferredRows::Value;

TEST(DeferredRows, ASnapshotSeesTheNewestVersionItHolds) {
  DeferredRows rows;
  rows.publish(1, Rows{{"a", Value{"one"}}});
  rows.publish(3, Rows{{"a", Value{"three"}}});
  EXPECT_FALSE(rows.find("a", 0).has_value());  // older than every version: read the B-tree
  EXPECT_EQ(rows.find("a", 1), std::optional<Value>(Value{"one"}));
  EXPECT_EQ(rows.find("a", 2), std::optional<Value>(Value{"one"}));
  EXPECT_EQ(rows.find("a", 3), std::optional<Value>(Value{"three"}));
  EXPECT_EQ(rows.newest("a"), std::optional<Value>(Value{"three"}));
  EXPECT_FALSE(rows.find("b", 3).has_value());
}

TEST(DeferredRows, AnErasedRowIsSeenAsErasedNotAsAbsent) {
  DeferredRows rows;
  rows.publish(1, Rows{{"a", Value{"one"}}});
  rows.publish(2, Rows{{"a", std::nullopt}});
  const auto seen = rows.find("a", 2);
  ASSERT_TRUE(seen.has_value());  // here: do not fall back to the B-tree's older row
  EXPECT_FALSE(seen->has_value());
}

TEST(DeferredRows, AFailedCommitIsTakenBack) {
  DeferredRows rows;
  rows.publish(1, Rows{{"a", Value{"one"}}});
  const Rows failed{{"a", Value{"two"}}, {"b", Value{"new"}}};
  rows.publish(2, failed);
  rows.unpublish(2, failed);
  EXPECT_EQ(rows.newest("a"), std::optional<Value>(Value{"one"}));
  EXPECT_FALSE(rows.newest("b").has_value());
  EXPECT_EQ(rows.keys(), 1u);
}

TEST(DeferredRows, PublishingARecordTwiceKeepsOneVersion) {
  DeferredRows rows;  // a reopen replays records already loaded
  rows.publish(1, Rows{{"a", Value{"one"}}});
  const auto bytes = rows.bytes();
  rows.publish(1, Rows{{"a", Value{"one"}}});
  EXPECT_EQ(rows.bytes(), bytes);
}

TEST(DeferredRows, NextSkipsKeysWithNothingVisible) {
  DeferredRows rows;
  rows.publish(1, Rows{{"a", Value{"1"}}, {"c", Value{"1"}}});
  rows.publish(2, Rows{{"b", Value{"2"}}});
  auto row = rows.next("a", true, 1);
  ASSERT_TRUE(row);
  EXPECT_EQ(row->key, "a");
  row = rows.next("a", false, 1);  // b is newer than the snapshot
  ASSERT_TRUE(row);
  EXPECT_EQ(row->key, "c");
  row = rows.next("a", false, 2);
  ASSERT_TRUE(row);
  EXPECT_EQ(row->key, "b");
  EXPECT_FALSE(rows.next("c", false, 2));
}

TEST(DeferredRows, FoldSlicesAreBoundedResumeAndTakeTheNewestVersionUpToTheRound) {
  DeferredRows rows;
  rows.publish(1, Rows{{"a", Value{"a1"}}, {"b", Value{"b1"}}, {"c", Value{"c1"}}});
  rows.publish(2, Rows{{"a", Value{"a2"}}, {"d", Value{"d2"}}});
  rows.publish(3, Rows{{"a", Value{"a3"}}});
  auto first = rows.fold_slice("", 2, 2);
  ASSERT_EQ(first.rows.size(), 2u);
  EXPECT_EQ(first.rows[0].key, "a");
  EXPECT_EQ(first.rows[0].value, Value{"a2"});  // a3 came after the round began
  EXPECT_EQ(first.rows[1].key, "b");
  EXPECT_EQ(first.last_key, "b");
  EXPECT_FALSE(first.ended);
  auto second = rows.fold_slice(first.last_key, 2, 2);
  ASSERT_EQ(second.rows.size(), 2u);
  EXPECT_EQ(second.rows[0].key, "c");
  EXPECT_EQ(second.rows[1].key, "d");
  EXPECT_TRUE(second.ended);
}

TEST(DeferredRows, DroppingARoundKeepsTheVersionsAfterIt) {
  DeferredRows rows;
  rows.publish(1, Rows{{"a", Value{"a1"}}, {"b", Value{"b1"}}});
  rows.publish(2, Rows{{"a", Value{"a2"}}});
  rows.drop_through(1);
  EXPECT_EQ(rows.keys(), 1u);  // b is in the B-tree now
  EXPECT_FALSE(rows.find("b", 2).has_value());
  EXPECT_EQ(rows.find("a", 2), std::optional<Value>(Value{"a2"}));
  EXPECT_FALSE(rows.find("a", 1).has_value());
  rows.drop_through(2);
  EXPECT_EQ(rows.keys(), 0u);
  EXPECT_EQ(rows.bytes(), 0u);
}

TEST(DeferredRows, ReadersOfAnEarlierEpochHoldBackADrop) {
  DeferredRows rows;
  {
    DeferredReader early(rows);
    const auto round_end = rows.next_epoch();
    EXPECT_TRUE(rows.readers_before(round_end));
    DeferredReader late(rows);
    EXPECT_TRUE(rows.readers_before(round_end));
  }
  EXPECT_FALSE(rows.readers_before(rows.next_epoch()));
}

// The rows are kept in a hash map with sorted runs of keys beside it; this drives them and a
// plain ordered map through the same random publishes, failed commits and drops, and compares
// every kind of read after each step.
TEST(DeferredRows, RandomOperationsReadAsAnOrderedMapOfVersionsWould) {
  struct ModelVersion {
    std::uint64_t sequence;
    Value value;
  };
  std::map<std::string, std::vector<ModelVersion>> model;
  const auto model_visible = [&](const std::vector<ModelVersion>& versions,
                                 std::uint64_t seen) -> const ModelVersion* {
    for (auto it = versions.rbegin(); it != versions.rend(); ++it)
      if (it->sequence <= seen) return &*it;
    return nullptr;
  };
  DeferredRows rows;
  std::mt19937 random(20261206);
  const auto pick = [&](int n) { return static_cast<int>(random() % static_cast<unsigned>(n)); };
  const auto some_key = [&] { return "k" + std::to_string(pick(300)); };
  std::uint64_t sequence = 0, dropped = 0;
  for (int step = 0; step < 4000; ++step) {
    const int action = pick(20);
    if (action < 14) {  // a commit's record
      Rows record;
      for (int n = 1 + pick(12); n > 0; --n)
        record[some_key()] = pick(5) == 0 ? Value{} : Value{std::to_string(step)};
      ++sequence;
      rows.publish(sequence, record);
      for (const auto& [key, value] : record) model[key].push_back({sequence, value});
      if (pick(10) == 0) {  // ... whose commit failed
        rows.unpublish(sequence, record);
        for (const auto& [key, value] : record) {
          auto& versions = model[key];
          versions.pop_back();
          if (versions.empty()) model.erase(key);
        }
        --sequence;
      }
    } else if (action == 14 && sequence > dropped) {  // a round's versions are in the B-tree
      dropped += 1 + static_cast<std::uint64_t>(pick(static_cast<int>(sequence - dropped)));
      rows.drop_through(dropped);
      for (auto it = model.begin(); it != model.end();) {
        auto& versions = it->second;
        while (!versions.empty() && versions.front().sequence <= dropped)
          versions.erase(versions.begin());
        it = versions.empty() ? model.erase(it) : std::next(it);
      }
    }
    ASSERT_EQ(rows.keys(), model.size()) << "step " << step;
    const std::uint64_t seen =
        sequence == 0 ? 0 : static_cast<std::uint64_t>(pick(static_cast<int>(sequence + 1)));
    const std::string key = some_key();
    const auto found = model.find(key);
    const ModelVersion* expected =
        found == model.end() ? nullptr : model_visible(found->second, seen);
    const auto got = rows.find(key, seen);
    ASSERT_EQ(got.has_value(), expected != nullptr) << "step " << step << " key " << key;
    if (expected) {
      ASSERT_EQ(*got, expected->value) << "step " << step << " key " << key;
    }

    const bool inclusive = pick(2) == 0;
    auto next_expected = inclusive ? model.lower_bound(key) : model.upper_bound(key);
    while (next_expected != model.end() && !model_visible(next_expected->second, seen))
      ++next_expected;
    const auto next = rows.next(key, inclusive, seen);
    ASSERT_EQ(next.has_value(), next_expected != model.end()) << "step " << step;
    if (next) {
      ASSERT_EQ(next->key, next_expected->first) << "step " << step;
      ASSERT_EQ(next->value, model_visible(next_expected->second, seen)->value);
    }

    const std::size_t limit = static_cast<std::size_t>(pick(40));
    const std::string after = pick(4) == 0 ? std::string() : key;
    const auto slice = rows.fold_slice(after, seen, limit);
    auto it = after.empty() ? model.begin() : model.upper_bound(after);
    std::string last_key = after;
    std::vector<DeferredRows::Row> expected_rows;
    for (std::size_t looked = 0; it != model.end() && looked < limit; ++it, ++looked) {
      last_key = it->first;
      if (const ModelVersion* v = model_visible(it->second, seen))
        expected_rows.push_back({it->first, v->value});
    }
    ASSERT_EQ(slice.ended, it == model.end()) << "step " << step;
    ASSERT_EQ(slice.last_key, last_key) << "step " << step;
    ASSERT_EQ(slice.rows.size(), expected_rows.size()) << "step " << step;
    for (std::size_t i = 0; i < expected_rows.size(); ++i) {
      ASSERT_EQ(slice.rows[i].key, expected_rows[i].key);
      ASSERT_EQ(slice.rows[i].value, expected_rows[i].value);
    }
  }
}

TEST(DeferredRows, ALogRecordDecodesToWhatWasEncoded) {
  const Rows written{{std::string("acct\0USD", 8), Value{"{\"available\":1}"}},
                     {std::string("k\0\x01", 3), Value{""}},
                     {"gone", std::nullopt}};
  Rows read;
  ASSERT_TRUE(DeferredRows::decode(DeferredRows::encode(written), read));
  EXPECT_EQ(read, written);
}

TEST(DeferredRows, AMalformedLogRecordIsRefused) {
  const std::string record = DeferredRows::encode(Rows{{"a", Value{"value"}}});
  Rows read;
  for (std::size_t cut = 1; cut < record.size(); ++cut)
    EXPECT_FALSE(DeferredRows::decode(record.substr(0, cut), read)) << "cut at " << cut;
  EXPECT_FALSE(DeferredRows::decode(std::string("\0\0\0\0", 4), read));  // an empty key
  std::string bad_kind = record;
  bad_kind[5] = '\x07';
  EXPECT_FALSE(DeferredRows::decode(bad_kind, read));
}

}  // namespace
}  // namespace settled::adapters
