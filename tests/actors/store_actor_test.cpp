// Tests for the store actor (src/actors/store_actor.hpp) with a real actor system and a real
// LMDB environment: every commit request is answered after its batch is durable, concurrent
// requests share commits, and failures reach exactly the waiters they concern.

#include "actors/store_actor.hpp"
#include "support/temp_dir.hpp"

#include "actors/messages.hpp"

#include <gtest/gtest.h>

#include <caf/all.hpp>

#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace settled::actors {
namespace {

namespace fs = std::filesystem;

// Generous bound on any single reply, so a broken store fails the test instead of hanging it.
constexpr auto kReplyTimeout = std::chrono::seconds(120);

using settled::testing::TempDir;

std::string key_of(int sender, int i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "s%02d-%06d", sender, i);
  return buf;
}

// Two operations in two tables, so a half-applied batch would show.
WriteBatch batch_for(int sender, int i) {
  WriteBatch b;
  const std::string key = key_of(sender, i);
  b.put(Table::kRecords, key, "value-" + key);
  b.put(Table::kOpenExecutions, key, "");
  return b;
}

struct Reply {
  bool answered = false;
  StoreReply reply;
};

class StoreActorTest : public ::testing::Test {
 protected:
  void open(std::size_t map_size = std::size_t{64} << 20, StoreOptions options = {}) {
    adapters::LmdbOptions lmdb;
    lmdb.path = dir_.path();
    lmdb.map_size = map_size;
    auto opened = adapters::LmdbStore::open(lmdb);
    if (!opened.ok()) throw std::runtime_error(opened.error().message);
    db_ = *opened;
    store_ = spawn_store(sys_, db_, options, stats_);
  }

  void TearDown() override {
    if (store_) {
      caf::scoped_actor self{sys_};
      self->send_exit(store_, caf::exit_reason::user_shutdown);
      self->wait_for(store_);
      store_ = nullptr;
    }
  }

  // Sends every batch before waiting for any reply; the replies come back in request order.
  std::vector<Reply> commit_all(std::vector<WriteBatch> batches) {
    caf::scoped_actor self{sys_};
    using Handle = decltype(self->request(store_, kReplyTimeout, commit_atom::value, WriteBatch{}));
    std::vector<Handle> handles;
    handles.reserve(batches.size());
    for (auto& b : batches)
      handles.push_back(self->request(store_, kReplyTimeout, commit_atom::value, std::move(b)));
    std::vector<Reply> replies(handles.size());
    for (std::size_t i = 0; i < handles.size(); ++i) {
      handles[i].receive(
          [&](StoreReply& r) {
            replies[i] = Reply{true, std::move(r)};
          },
          [&](caf::error& e) { ADD_FAILURE() << "request " << i << ": " << sys_.render(e); });
    }
    return replies;
  }

  StoreReply commit_one(WriteBatch batch) {
    std::vector<WriteBatch> one;
    one.push_back(std::move(batch));
    auto replies = commit_all(std::move(one));
    EXPECT_TRUE(replies[0].answered);
    return replies[0].reply;
  }

  bool durable(int sender, int i) const {
    const std::string key = key_of(sender, i);
    return db_->get(Table::kRecords, key) == "value-" + key &&
           db_->get(Table::kOpenExecutions, key) == "";
  }
  bool absent(int sender, int i) const {
    const std::string key = key_of(sender, i);
    return !db_->get(Table::kRecords, key) && !db_->get(Table::kOpenExecutions, key);
  }

  TempDir dir_;
  std::shared_ptr<adapters::LmdbStore> db_;
  std::shared_ptr<StoreStats> stats_ = std::make_shared<StoreStats>();
  caf::actor_system_config cfg_;
  caf::actor_system sys_{cfg_};
  StoreActor store_;
};

TEST_F(StoreActorTest, ManyBatchesSentAtOnceAreAllDurableAndShareCommits) {
  open();
  constexpr int kBatches = 2000;
  std::vector<WriteBatch> batches;
  for (int i = 0; i < kBatches; ++i) batches.push_back(batch_for(0, i));
  const auto replies = commit_all(std::move(batches));

  int ok = 0;
  for (const auto& r : replies) ok += r.answered && r.reply.ok;
  EXPECT_EQ(ok, kBatches);
  for (int i = 0; i < kBatches; ++i) ASSERT_TRUE(durable(0, i)) << key_of(0, i);

  EXPECT_EQ(stats_->batches.load(), static_cast<std::uint64_t>(kBatches));
  EXPECT_EQ(stats_->operations.load(), static_cast<std::uint64_t>(2 * kBatches));
  EXPECT_EQ(stats_->failures.load(), 0u);
  EXPECT_GE(stats_->commits.load(), 1u);
  RecordProperty("commits", std::to_string(stats_->commits.load()));
  // All 2000 requests were queued without waiting for a reply, while every commit the store
  // makes waits for an fsync: its flush messages queue behind requests already in the mailbox,
  // so commits are shared.
  EXPECT_LT(stats_->commits.load(), static_cast<std::uint64_t>(kBatches));
}

TEST_F(StoreActorTest, ConcurrentSendersAreAllAnsweredAndDurable) {
  open();
  constexpr int kSenders = 4;
  constexpr int kPerSender = 250;
  std::atomic<int> ok{0}, failed{0};
  std::vector<std::thread> threads;
  for (int s = 0; s < kSenders; ++s) {
    threads.emplace_back([&, s] {
      caf::scoped_actor self{sys_};
      for (int i = 0; i < kPerSender; ++i) {
        // One request at a time per sender; the senders run concurrently.
        self->request(store_, kReplyTimeout, commit_atom::value, batch_for(s, i))
            .receive([&](StoreReply& r) { (r.ok ? ok : failed) += 1; },
                     [&](caf::error&) { failed += 1; });
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), kSenders * kPerSender);
  EXPECT_EQ(failed.load(), 0);
  for (int s = 0; s < kSenders; ++s) {
    for (int i = 0; i < kPerSender; ++i) ASSERT_TRUE(durable(s, i)) << key_of(s, i);
  }
  EXPECT_EQ(stats_->batches.load(), static_cast<std::uint64_t>(kSenders * kPerSender));
  EXPECT_LE(stats_->commits.load(), stats_->batches.load());
  EXPECT_EQ(stats_->failures.load(), 0u);
}

caf::behavior requester(caf::event_based_actor* self, StoreActor store, int sender, int count,
                        caf::actor report_to) {
  auto ok = std::make_shared<int>(0);
  auto answered = std::make_shared<int>(0);
  for (int i = 0; i < count; ++i) {
    self->request(store, kReplyTimeout, commit_atom::value, batch_for(sender, i))
        .then(
            [=](StoreReply& r) {
              *ok += r.ok;
              if (++*answered == count) {
                self->send(report_to, count_atom::value, *ok);
                self->quit();
              }
            },
            [=](caf::error&) {
              if (++*answered == count) {
                self->send(report_to, count_atom::value, *ok);
                self->quit();
              }
            });
  }
  return {[](flush_atom) {}};
}

TEST_F(StoreActorTest, RequestsFromSpawnedActorsAreAllAnswered) {
  open();
  constexpr int kActors = 3;
  constexpr int kPerActor = 400;
  caf::scoped_actor self{sys_};
  for (int a = 0; a < kActors; ++a)
    self->spawn(requester, store_, 10 + a, kPerActor, caf::actor{self});
  int reports = 0;
  int total_ok = 0;
  for (int a = 0; a < kActors; ++a) {
    self->receive(
        [&](count_atom, int ok) { ++reports, total_ok += ok; },
        caf::after(kReplyTimeout) >> [&] { ADD_FAILURE() << "a requester never reported"; });
  }
  EXPECT_EQ(reports, kActors);
  EXPECT_EQ(total_ok, kActors * kPerActor);
  for (int a = 0; a < kActors; ++a) {
    for (int i = 0; i < kPerActor; ++i) ASSERT_TRUE(durable(10 + a, i)) << key_of(10 + a, i);
  }
}

TEST_F(StoreActorTest, OperationCapBoundsEveryCommit) {
  StoreOptions options;
  options.max_operations_per_commit = 10;
  open(std::size_t{64} << 20, options);
  constexpr int kBatches = 100;
  std::vector<WriteBatch> batches;
  for (int i = 0; i < kBatches; ++i) {
    WriteBatch b;
    for (int op = 0; op < 5; ++op) b.put(Table::kRecords, key_of(op, i), "v");
    batches.push_back(std::move(b));
  }
  const auto replies = commit_all(std::move(batches));
  for (const auto& r : replies) ASSERT_TRUE(r.answered && r.reply.ok);
  EXPECT_EQ(stats_->operations.load(), 500u);
  // A commit is cut as soon as it holds 10 operations, so no commit carries more than two of
  // these 5-operation batches.
  EXPECT_GE(stats_->commits.load(), 50u);
  EXPECT_LE(stats_->commits.load(), 100u);
}

TEST_F(StoreActorTest, ABadBatchDoesNotFailItsNeighbours) {
  open();
  std::vector<WriteBatch> batches;
  for (int i = 0; i < 30; ++i) {
    if (i == 15) {
      WriteBatch bad = batch_for(0, i);
      bad.put(Table::kRecords, "", "LMDB refuses empty keys");
      batches.push_back(std::move(bad));
    } else {
      batches.push_back(batch_for(0, i));
    }
  }
  const auto replies = commit_all(std::move(batches));
  for (int i = 0; i < 30; ++i) {
    ASSERT_TRUE(replies[i].answered) << i;
    if (i == 15) {
      EXPECT_FALSE(replies[i].reply.ok);
      EXPECT_EQ(replies[i].reply.error.code, ErrorCode::kInvalidRequest);
      EXPECT_TRUE(absent(0, i));
    } else {
      EXPECT_TRUE(replies[i].reply.ok) << i << ": " << replies[i].reply.error.message;
      EXPECT_TRUE(durable(0, i)) << i;
    }
  }
  EXPECT_EQ(stats_->failures.load(), 1u);
  EXPECT_EQ(stats_->batches.load(), 29u);
}

// Two writers of one item in a group: the second is refused as a conflict, alone; the others
// share the commit (no batch-by-batch retry, no failure counted against the store).
TEST_F(StoreActorTest, AWriteConflictRefusesOnlyItsBatch) {
  open();
  const std::string item = "item-conflict";
  std::vector<WriteBatch> batches;
  for (int i = 0; i < 20; ++i) {
    WriteBatch batch = batch_for(0, i);
    if (i == 5 || i == 6) {
      batch.put(Table::kRecords, item, "writer-" + std::to_string(i));
      batch.expect(Table::kRecords, item, std::nullopt);
    }
    batches.push_back(std::move(batch));
  }
  const auto replies = commit_all(std::move(batches));
  int conflicts = 0;
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(replies[i].answered) << i;
    if (replies[i].reply.ok) {
      EXPECT_TRUE(durable(0, i)) << i;
      continue;
    }
    ++conflicts;
    EXPECT_EQ(i, 6);  // the later writer read what the earlier one changed
    EXPECT_EQ(replies[i].reply.error.code, ErrorCode::kWriteConflict);
    EXPECT_TRUE(absent(0, i));
  }
  EXPECT_EQ(conflicts, 1);
  EXPECT_EQ(db_->get(Table::kRecords, item), "writer-5");
  EXPECT_EQ(stats_->conflicts.load(), 1u);
  EXPECT_EQ(stats_->failures.load(), 0u);
  EXPECT_EQ(stats_->batches.load(), 19u);
  EXPECT_TRUE(stats_->writable.load());
}

// Big values: each takes its own overflow pages, so a few fill a small map quickly.
// 3000 random letters each: values that take their full size on disk (the store compresses
// large values that repeat themselves).
WriteBatch big_batch(const std::string& tag, int values) {
  std::mt19937 random(static_cast<unsigned>(std::hash<std::string>{}(tag)));
  WriteBatch b;
  for (int i = 0; i < values; ++i) {
    std::string value(3000, 'x');
    for (auto& c : value) c = static_cast<char>('a' + random() % 26);
    b.put(Table::kRecords, tag + "-" + std::to_string(i), std::move(value));
  }
  return b;
}

TEST_F(StoreActorTest, AFullMapFailsEveryWaiterAndSmallCommitsStillSucceed) {
  open(std::size_t{256} << 10);
  // Fill the map directly until a 4-value batch no longer fits.
  int round = 0;
  for (; round < 1000; ++round) {
    WriteBatch b = big_batch("fill" + std::to_string(round), 4);
    const Status st = db_->commit({&b});
    if (!st.ok()) {
      ASSERT_EQ(st.error().code, ErrorCode::kStoreFull);
      break;
    }
  }
  ASSERT_LT(round, 1000) << "the map never filled";

  // Every waiter's batch needs at least twice what just failed: each must fail, grouped or not.
  constexpr int kWaiters = 20;
  std::vector<WriteBatch> batches;
  for (int w = 0; w < kWaiters; ++w) batches.push_back(big_batch("waiter" + std::to_string(w), 8));
  const auto replies = commit_all(std::move(batches));
  for (int w = 0; w < kWaiters; ++w) {
    ASSERT_TRUE(replies[w].answered) << w;
    EXPECT_FALSE(replies[w].reply.ok) << w;
    EXPECT_EQ(replies[w].reply.error.code, ErrorCode::kStoreFull)
        << w << ": " << replies[w].reply.error.message;
    EXPECT_FALSE(db_->get(Table::kRecords, "waiter" + std::to_string(w) + "-0").has_value());
  }
  EXPECT_EQ(stats_->failures.load(), static_cast<std::uint64_t>(kWaiters));
  EXPECT_EQ(stats_->batches.load(), 0u);

  // Later small commits go through.
  WriteBatch small;
  small.put(Table::kMeta, "after-full", "ok");
  const StoreReply reply = commit_one(std::move(small));
  EXPECT_TRUE(reply.ok) << reply.error.message;
  EXPECT_EQ(db_->get(Table::kMeta, "after-full"), "ok");
  // Earlier data is intact.
  EXPECT_TRUE(db_->get(Table::kRecords, "fill0-0").has_value());
}

TEST_F(StoreActorTest, RepliesMatchWhatIsDurableWhenTheMapRunsOut) {
  // Three batches that each fit but not all together: however the store groups them, a batch
  // answered ok is durable and a batch answered kStoreFull left nothing behind.
  open(std::size_t{256} << 10);
  std::vector<WriteBatch> batches;
  for (int b = 0; b < 3; ++b) batches.push_back(big_batch("b" + std::to_string(b), 25));
  const auto replies = commit_all(std::move(batches));
  int failed = 0;
  for (int b = 0; b < 3; ++b) {
    ASSERT_TRUE(replies[b].answered);
    const std::string tag = "b" + std::to_string(b);
    if (replies[b].reply.ok) {
      for (int i = 0; i < 25; ++i)
        EXPECT_TRUE(db_->get(Table::kRecords, tag + "-" + std::to_string(i))) << tag;
    } else {
      ++failed;
      EXPECT_EQ(replies[b].reply.error.code, ErrorCode::kStoreFull);
      for (int i = 0; i < 25; ++i)
        EXPECT_FALSE(db_->get(Table::kRecords, tag + "-" + std::to_string(i))) << tag;
    }
  }
  EXPECT_GE(failed, 1);  // 75 values of 3000 bytes cannot fit in 256 KiB
  EXPECT_EQ(stats_->failures.load(), static_cast<std::uint64_t>(failed));
}

}  // namespace
}  // namespace settled::actors
