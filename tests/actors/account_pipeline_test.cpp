// Tests for an account actor's pipelined batches (src/actors/account_actor.hpp): a batch is
// computed over the one still committing, commits only if that one did, and answers after it.
// The store here is a stand-in whose commits the test answers one by one (into a real LMDB
// environment), so the order of events is the test's, not the scheduler's.

#include "actors/accounts_router.hpp"
#include "actors/ledger_ask.hpp"
#include "actors/messages.hpp"
#include "adapters/store/ledger_reader.hpp"
#include "domain/ledger/keys.hpp"
#include "domain/ledger/reconcile.hpp"
#include "support/eventually.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <caf/all.hpp>

#include <boost/json.hpp>

#include <algorithm>
#include <atomic>
#include <future>
#include <memory>
#include <vector>

namespace settled::actors {
namespace {

namespace json = boost::json;
using settled::testing::TempDir;

constexpr auto kDeadline = std::chrono::seconds(30);

// A store whose commits wait for the test once holding is switched on. Control messages:
//   close_atom / open_atom  hold commits from now on / commit them at once again
//   get_atom                -> the held commits' conditions counts, "0,1," for two
//   put_atom, index, bool   answer held commit `index`: commit it (its conditions checked as
//                           the real store does) or fail it as a failing disk would
//   put_atom, index, error_atom  commit held commit `index` and answer a failure anyway, as an
//                           fsync that reports EIO after the pages landed can
using land_then_fail_atom = caf::atom_constant<caf::atom("landfail")>;

struct HeldCommit {
  WriteBatch batch;
  caf::response_promise promise;
  bool answered = false;
};

struct ScriptedStoreState {
  std::shared_ptr<adapters::LmdbStore> db;
  bool holding = false;
  std::vector<HeldCommit> held;
};

StoreReply commit_now(adapters::LmdbStore& db, const WriteBatch& batch) {
  std::vector<adapters::LmdbStore::Conflict> conflicts;
  Status status = db.commit({&batch}, &conflicts);
  if (!status) return StoreReply{false, status.error()};
  if (!conflicts.empty()) return StoreReply{false, conflicts.front().error};
  return StoreReply{};
}

caf::behavior scripted_store(caf::stateful_actor<ScriptedStoreState>* self,
                             std::shared_ptr<adapters::LmdbStore> db) {
  self->state.db = std::move(db);
  return {
      [self](commit_atom, WriteBatch& batch) -> caf::result<StoreReply> {
        auto& st = self->state;
        if (!st.holding) return commit_now(*st.db, batch);
        auto promise = self->make_response_promise();
        st.held.push_back(HeldCommit{std::move(batch), promise, false});
        return promise;
      },
      [self](flush_atom) {},
      [self](caf::close_atom) { self->state.holding = true; },
      [self](caf::open_atom) { self->state.holding = false; },
      [self](caf::get_atom) {
        std::string out;
        for (const HeldCommit& h : self->state.held)
          out += std::to_string(h.batch.conditions.size()) + ",";
        return out;
      },
      [self](caf::put_atom, std::int32_t index, bool commit) {
        HeldCommit& h = self->state.held.at(static_cast<std::size_t>(index));
        h.answered = true;
        h.promise.deliver(commit ? commit_now(*self->state.db, h.batch)
                                 : StoreReply{false, Error(ErrorCode::kStoreUnavailable,
                                                           "store write failed: EIO")});
      },
      [self](caf::put_atom, std::int32_t index, land_then_fail_atom) {
        HeldCommit& h = self->state.held.at(static_cast<std::size_t>(index));
        h.answered = true;
        const StoreReply landed = commit_now(*self->state.db, h.batch);
        if (!landed.ok) {
          h.promise.deliver(landed);
          return;
        }
        h.promise.deliver(
            StoreReply{false, Error(ErrorCode::kStoreUnavailable, "fsync failed: EIO")});
      },
  };
}

constexpr EpochMillis kStartMillis = 1'000'000;

class AccountPipeline : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = adapters::LmdbStore::open({dir_.path(), std::size_t{64} << 20, true});
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    db_ = *opened;
    store_ = sys_.spawn(scripted_store, db_);
    router_ = spawn_accounts(sys_, AccountsDeps{db_,
                                                caf::actor_cast<StoreActor>(store_),
                                                [now = now_] { return now->load(); },
                                                {},
                                                nullptr});
  }

  void TearDown() override {
    caf::scoped_actor self{sys_};
    self->send_exit(router_, caf::exit_reason::user_shutdown);
    self->wait_for(router_);
    self->send_exit(store_, caf::exit_reason::user_shutdown);
    self->wait_for(store_);
  }

  std::future<LedgerReply> ask(const std::string& op, const std::string& key,
                               json::object parameters) {
    return testing::ask_ledger(router_, op, key, std::move(parameters));
  }

  std::future<LedgerReply> withdraw(const std::string& key, std::int64_t amount) {
    return ask("withdraw", key, {{"account", "hot"}, {"amount", amount}, {"currency", "USD"}});
  }

  LedgerReply wait(std::future<LedgerReply>& f) {
    EXPECT_EQ(f.wait_for(kDeadline), std::future_status::ready);
    return f.get();
  }

  // The held commits' condition counts, "0,1," for two.
  std::string held() {
    caf::scoped_actor self{sys_};
    std::string out;
    self->request(store_, kDeadline, caf::get_atom::value)
        .receive([&](std::string& v) { out = std::move(v); },
                 [&](caf::error& e) { ADD_FAILURE() << sys_.render(e); });
    return out;
  }

  void wait_until_held(std::size_t batches) {
    ASSERT_TRUE(settled::testing::eventually([&] {
      const std::string h = held();
      return static_cast<std::size_t>(std::count(h.begin(), h.end(), ',')) >= batches;
    })) << "the store never saw "
        << batches << " held commits";
  }

  void answer(std::int32_t index, bool commit) {
    caf::anon_send(store_, caf::put_atom::value, index, commit);
  }

  std::int64_t available() {
    auto balances = adapters::read_balances(*db_, "hot");
    return balances && !balances->empty() ? (*balances)[0].available : -1;
  }

  std::size_t journal_entries() {
    auto journal = adapters::read_journal(*db_, "hot", 0, 100);
    return journal ? journal->at("entries").as_array().size() : 0;
  }

  void expect_sound() {
    auto input = adapters::read_reconcile_input(*db_);
    ASSERT_TRUE(input.ok());
    EXPECT_TRUE(ledger::reconcile(*input).empty());
  }

  // A withdrawal committing, and a second one computed over it while it does.
  void two_in_flight(std::future<LedgerReply>& first, std::future<LedgerReply>& second) {
    auto funded =
        ask("deposit", "fund", {{"account", "hot"}, {"amount", 1000}, {"currency", "USD"}});
    ASSERT_TRUE(wait(funded).ok);
    caf::anon_send(store_, caf::close_atom::value);
    first = withdraw("w1", 100);
    wait_until_held(1);
    second = withdraw("w2", 200);
    wait_until_held(2);
    // The second was computed before the first's commit answered, and may only follow it.
    EXPECT_EQ(held(), "0,1,");
    EXPECT_EQ(first.wait_for(std::chrono::milliseconds(0)), std::future_status::timeout);
  }

  // The ledger's clock: still unless a test moves it.
  std::shared_ptr<std::atomic<EpochMillis>> now_ =
      std::make_shared<std::atomic<EpochMillis>>(kStartMillis);
  TempDir dir_;
  std::shared_ptr<adapters::LmdbStore> db_;
  caf::actor_system_config cfg_;
  caf::actor_system sys_{cfg_};
  caf::actor store_;
  LedgerActor router_;
};

TEST_F(AccountPipeline, ABatchComputedOverOneCommittingCommitsAfterIt) {
  std::future<LedgerReply> first, second;
  two_in_flight(first, second);
  answer(0, true);
  answer(1, true);
  EXPECT_TRUE(wait(first).ok);
  EXPECT_TRUE(wait(second).ok);
  EXPECT_EQ(available(), 700);
  EXPECT_EQ(journal_entries(), 3u);
  expect_sound();
}

// The first commit fails: the second, computed over it (it saw 900 available), must not commit
// even though the store would take it, and fails with the first's cause. Sent again, each
// applies once.
TEST_F(AccountPipeline, WhenACommitFailsTheBatchComputedOverItFailsToo) {
  std::future<LedgerReply> first, second;
  two_in_flight(first, second);
  answer(0, false);
  answer(1, true);  // the store commits it unless its condition stops it
  const LedgerReply a = wait(first), b = wait(second);
  EXPECT_FALSE(a.ok);
  EXPECT_FALSE(b.ok);
  EXPECT_EQ(a.error, "Ledger.StoreUnavailable");
  EXPECT_EQ(b.error, "Ledger.StoreUnavailable");
  EXPECT_NE(b.cause.find("EIO"), std::string::npos) << b.cause;
  EXPECT_EQ(available(), 1000);
  EXPECT_EQ(journal_entries(), 1u);

  caf::anon_send(store_, caf::open_atom::value);
  auto again_first = withdraw("w1", 100);
  auto again_second = withdraw("w2", 200);
  EXPECT_TRUE(wait(again_first).ok);
  EXPECT_TRUE(wait(again_second).ok);
  EXPECT_EQ(available(), 700);
  EXPECT_EQ(journal_entries(), 3u);
  expect_sound();
}

// A hold whose commit landed though the store answered a failure: its client saw
// StoreUnavailable (a retry would only replay it), yet the money is held, so the escrow must
// still expire when due and not stay held until the next restart.
TEST_F(AccountPipeline, AHoldThatLandedDespiteAFailedCommitStillExpires) {
  auto funded = ask("deposit", "fund", {{"account", "hot"}, {"amount", 1000}, {"currency", "USD"}});
  ASSERT_TRUE(wait(funded).ok);
  caf::anon_send(store_, caf::close_atom::value);
  auto hold = ask("hold", "h1",
                  {{"escrowId", "e1"},
                   {"payer", "hot"},
                   {"payee", "cold"},
                   {"amount", 300},
                   {"currency", "USD"},
                   {"expiresAt", "1970-01-01T00:16:40.100Z"}});  // kStartMillis + 100
  wait_until_held(1);
  caf::anon_send(store_, caf::put_atom::value, std::int32_t{0}, land_then_fail_atom::value);
  const LedgerReply reply = wait(hold);
  EXPECT_FALSE(reply.ok);
  EXPECT_EQ(reply.error, "Ledger.StoreUnavailable");
  EXPECT_EQ(available(), 700);  // it landed
  caf::anon_send(store_, caf::open_atom::value);

  now_->store(kStartMillis + 1000);
  EXPECT_TRUE(settled::testing::eventually([&] {
    auto escrow = adapters::read_escrow(*db_, "e1");
    return escrow && escrow->at("status") == "EXPIRED";
  })) << "the hold never expired";
  EXPECT_EQ(available(), 1000);
  expect_sound();
}

}  // namespace
}  // namespace settled::actors
