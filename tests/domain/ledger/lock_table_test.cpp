// Tests for the accounts router's admission (src/domain/ledger/lock_table.hpp).

#include "domain/ledger/lock_table.hpp"

#include <gtest/gtest.h>

namespace settled::ledger {
namespace {

using Ids = std::vector<std::uint64_t>;

TEST(LockTable, DisjointKeysRunTogether) {
  LockTable t;
  EXPECT_TRUE(t.acquire(1, {"a", "k1"}, "A"));
  EXPECT_TRUE(t.acquire(2, {"b", "k2"}, "B"));
  EXPECT_EQ(t.running(), 2u);
}

TEST(LockTable, SameHomePipelinesOtherHomesWait) {
  LockTable t;
  EXPECT_TRUE(t.acquire(1, {"a", "k1"}, "A"));
  EXPECT_TRUE(t.acquire(2, {"a", "k2"}, "A"));                // same home: runs behind 1 in A
  EXPECT_FALSE(t.acquire(3, {"a", "b", "k3"}, "B"));          // another home must wait for a
  EXPECT_FALSE(t.acquire(4, {"a", "k4"}, "A"));               // FIFO: not past 3
  EXPECT_TRUE(t.acquire(5, {"b", "c", "k5"}, "B") == false);  // behind 3 on b
  EXPECT_EQ(t.release(1), Ids{});
  EXPECT_EQ(t.release(2), (Ids{3, 5}));  // 3 holds a and b (home B); 5 shares b at home B
  EXPECT_TRUE(t.admitted(3));
  EXPECT_FALSE(t.admitted(4));
  EXPECT_EQ(t.release(3), Ids{4});
  EXPECT_EQ(t.release(5), Ids{});
  EXPECT_EQ(t.release(4), Ids{});
  EXPECT_EQ(t.running(), 0u);
  EXPECT_EQ(t.waiting(), 0u);
}

// A hot account: hundreds of its operations admitted at once, finishing mostly in order and
// some out of order, with another home's operation waiting behind them all the while.
TEST(LockTable, AHotKeysLongQueueDrainsInAnyOrder) {
  LockTable t;
  constexpr std::uint64_t kOps = 300;
  for (std::uint64_t id = 1; id <= kOps; ++id)
    EXPECT_TRUE(t.acquire(id, {"hot", "k" + std::to_string(id)}, "H"));
  EXPECT_FALSE(t.acquire(kOps + 1, {"hot", "other"}, "O"));
  EXPECT_EQ(t.running(), kOps);
  // Out of order first (from the middle and the end), then the rest from the front.
  EXPECT_EQ(t.release(150), Ids{});
  EXPECT_EQ(t.release(kOps), Ids{});
  for (std::uint64_t id = 1; id < kOps; ++id) {
    if (id == 150) continue;
    EXPECT_FALSE(t.admitted(kOps + 1)) << id;
    EXPECT_EQ(t.release(id), id == kOps - 1 ? Ids{kOps + 1} : Ids{}) << id;
  }
  EXPECT_TRUE(t.admitted(kOps + 1));
  EXPECT_EQ(t.release(kOps + 1), Ids{});
  EXPECT_EQ(t.running(), 0u);
  EXPECT_EQ(t.waiting(), 0u);
  // The emptied queue starts again from nothing.
  EXPECT_TRUE(t.acquire(kOps + 2, {"hot"}, "O"));
  EXPECT_EQ(t.release(kOps + 2), Ids{});
}

TEST(LockTable, SameKeyTwiceIsOneKey) {
  LockTable t;
  EXPECT_TRUE(t.acquire(1, {"a", "a", "k"}, "A"));
  EXPECT_FALSE(t.acquire(2, {"k"}, "B"));
  EXPECT_EQ(t.release(1), Ids{2});
  EXPECT_EQ(t.release(2), Ids{});
}

TEST(LockTable, CrossKeysAreAdmittedInArrivalOrder) {
  LockTable t;
  EXPECT_TRUE(t.acquire(1, {"a"}, "A"));
  EXPECT_TRUE(t.acquire(2, {"b"}, "B"));
  EXPECT_FALSE(t.acquire(3, {"a", "b"}, "A"));
  EXPECT_FALSE(t.acquire(4, {"b", "a"}, "B"));
  EXPECT_EQ(t.release(1), Ids{});
  EXPECT_EQ(t.release(2), Ids{3});
  EXPECT_EQ(t.release(3), Ids{4});
  EXPECT_EQ(t.release(4), Ids{});
}

}  // namespace
}  // namespace settled::ledger
