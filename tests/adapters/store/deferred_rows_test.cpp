// Tests for the in-memory side of rows written behind (src/adapters/store/deferred_rows.hpp):
// which version a snapshot sees, taking a failed commit back, folding slices, dropping what
// a round folded, reader epochs and the log record's encoding.

#include "adapters/store/deferred_rows.hpp"

#include <gtest/gtest.h>

#include <string>

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
