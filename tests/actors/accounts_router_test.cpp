// Tests for the accounts router and account actors (src/actors/accounts_router.hpp) in process,
// with a real actor system, the real store actor and a real LMDB environment: the task face
// (ledger_atom, TaskAttempt -> TaskOutcome with Ledger.* error names), batching on a hot
// account, concurrent random operations that keep every invariant, expiry, passivation.

#include "actors/accounts_router.hpp"
#include "actors/ledger_ask.hpp"
#include "actors/messages.hpp"
#include "actors/store_actor.hpp"
#include "adapters/store/ledger_reader.hpp"
#include "domain/ledger/reconcile.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <caf/all.hpp>

#include <boost/json.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

namespace settled::actors {
namespace {

namespace json = boost::json;
using settled::testing::TempDir;

constexpr auto kDeadline = std::chrono::seconds(60);

EpochMillis wall_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class AccountsRouterTest : public ::testing::Test {
 protected:
  void start(AccountsOptions options = {}) {
    adapters::LmdbOptions lmdb;
    lmdb.path = dir_.path();
    lmdb.map_size = std::size_t{256} << 20;
    auto opened = adapters::LmdbStore::open(lmdb);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    db_ = *opened;
    store_ = spawn_store(sys_, db_, {}, stats_);
    router_ = spawn_accounts(sys_, AccountsDeps{db_, store_, wall_now, options, nullptr});
  }

  void TearDown() override {
    caf::scoped_actor self{sys_};
    const auto stop = [&self](auto& actor) {
      if (!actor) return;
      self->send_exit(actor, caf::exit_reason::user_shutdown);
      self->wait_for(actor);
      actor = nullptr;
    };
    stop(router_);
    stop(store_);
  }

  // Asks without waiting; the future has the answer once its commit is durable.
  std::future<LedgerReply> ask(const std::string& op, const std::string& key,
                               json::object parameters) {
    return testing::ask_ledger(router_, op, key, std::move(parameters));
  }

  LedgerReply call(const std::string& op, const std::string& key, json::object parameters) {
    auto f = ask(op, key, std::move(parameters));
    EXPECT_EQ(f.wait_for(kDeadline), std::future_status::ready);
    return f.get();
  }

  TaskOutcome task(const std::string& resource, const std::string& key, json::value parameters) {
    caf::scoped_actor self{sys_};
    TaskAttempt attempt;
    attempt.resource = resource;
    attempt.parameters = std::move(parameters);
    attempt.idempotency_key = key;
    attempt.execution_id = "exec-1";
    attempt.now = wall_now();
    TaskOutcome out = TaskOutcome::failure("test", "no answer");
    self->request(router_, kDeadline, ledger_atom::value, std::move(attempt))
        .receive([&](TaskOutcome& o) { out = std::move(o); },
                 [&](caf::error& e) { ADD_FAILURE() << sys_.render(e); });
    return out;
  }

  LedgerStats stats() {
    caf::scoped_actor self{sys_};
    LedgerStats out;
    self->request(router_, kDeadline, ledger_stats_atom::value)
        .receive([&](LedgerStats& s) { out = s; },
                 [&](caf::error& e) { ADD_FAILURE() << sys_.render(e); });
    return out;
  }

  std::vector<ledger::Discrepancy> reconcile() {
    auto input = adapters::read_reconcile_input(*db_);
    EXPECT_TRUE(input.ok());
    return input ? ledger::reconcile(*input) : std::vector<ledger::Discrepancy>{};
  }

  std::int64_t available(const std::string& account, const std::string& currency = "USD") {
    auto balances = adapters::read_balances(*db_, account);
    if (!balances) return -1;
    for (const auto& b : *balances)
      if (b.currency == currency) return b.available;
    return 0;
  }

  TempDir dir_;
  std::shared_ptr<adapters::LmdbStore> db_;
  std::shared_ptr<StoreStats> stats_ = std::make_shared<StoreStats>();
  caf::actor_system_config cfg_;
  caf::actor_system sys_{cfg_};
  StoreActor store_;
  LedgerActor router_;
};

TEST_F(AccountsRouterTest, TaskFaceAnswersResultsAndCatchableErrorNames) {
  start();
  auto out = task("settled:ledger.deposit", "e1/Deposit/1",
                  json::parse(R"({"account":"u1","amount":500,"currency":"USD"})"));
  ASSERT_TRUE(out.ok) << out.error << " " << out.cause;
  EXPECT_EQ(out.result.at("balances").at("USD").at("available"), 500);
  EXPECT_TRUE(out.writes.empty());  // committed by the ledger itself, not with the transition

  out = task("settled:ledger.hold", "e1/Hold/2",
             json::parse(R"({"escrowId":"x","payer":"u1","payee":"u2","amount":900,)"
                         R"("currency":"USD"})"));
  EXPECT_FALSE(out.ok);
  EXPECT_EQ(out.error, "Ledger.InsufficientFunds");
  EXPECT_FALSE(out.cause.empty());
  out = task("settled:ledger.release", "e1/Release/3", json::parse(R"({"escrowId":"x"})"));
  EXPECT_EQ(out.error, "Ledger.UnknownEscrow");
  out = task("settled:ledger.deposit", "e1/Deposit/4",
             json::parse(R"({"account":"u1","amount":1.5,"currency":"USD"})"));
  EXPECT_EQ(out.error, "Ledger.InvalidAmount");
  out = task("settled:ledger.balance", "e1/Balance/5", json::parse(R"({"account":"u1"})"));
  ASSERT_TRUE(out.ok);
  EXPECT_EQ(out.result, json::parse(R"({"account":"u1","balances":{"USD":)"
                                    R"({"available":500,"held":0,"frozen":0}}})"));
  // One currency named: its buckets also flat; a currency the account never held reads zero.
  out = task("settled:ledger.balance", "e1/Balance/6",
             json::parse(R"({"account":"u1","currency":"USD"})"));
  ASSERT_TRUE(out.ok);
  EXPECT_EQ(out.result.at("currency"), "USD");
  EXPECT_EQ(out.result.at("available"), 500);
  EXPECT_EQ(out.result.at("held"), 0);
  EXPECT_EQ(out.result.at("balances").at("USD").at("available"), 500);
  out = task("settled:ledger.balance", "e1/Balance/7",
             json::parse(R"({"account":"u1","currency":"EUR"})"));
  ASSERT_TRUE(out.ok);
  EXPECT_EQ(out.result.at("available"), 0);
  EXPECT_FALSE(out.result.at("balances").as_object().contains("USD"));
  // The retried attempt (same key) replays and changes nothing.
  out = task("settled:ledger.deposit", "e1/Deposit/1",
             json::parse(R"({"account":"u1","amount":500,"currency":"USD"})"));
  EXPECT_TRUE(out.ok);
  EXPECT_EQ(available("u1"), 500);
  EXPECT_TRUE(reconcile().empty());
}

TEST_F(AccountsRouterTest, AHotAccountCommitsManyOperationsPerFsync) {
  start();
  constexpr int kOps = 2000;
  std::vector<std::future<LedgerReply>> replies;
  for (int i = 0; i < kOps; ++i)
    replies.push_back(ask("deposit", "hot-" + std::to_string(i),
                          {{"account", "hot"}, {"amount", 1 + i % 7}, {"currency", "USD"}}));
  std::int64_t sum = 0;
  for (int i = 0; i < kOps; ++i) {
    auto r = replies[static_cast<std::size_t>(i)].get();
    ASSERT_TRUE(r.ok) << r.cause;
    sum += 1 + i % 7;
  }
  EXPECT_EQ(available("hot"), sum);
  // Every operation waited for its own commit to return, yet they shared fsyncs.
  EXPECT_LT(stats_->commits.load(), static_cast<std::uint64_t>(kOps / 4));
  RecordProperty("commits", std::to_string(stats_->commits.load()));
  EXPECT_TRUE(reconcile().empty());
}

TEST_F(AccountsRouterTest, ConcurrentRandomOperationsKeepEveryInvariant) {
  start();
  constexpr int kThreads = 4, kOpsPerThread = 1500, kAccounts = 6;
  std::mutex mutex;
  std::vector<std::string> escrows;
  std::map<std::string, std::string> acked;  // key -> op
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937_64 rng(977u * (t + 1));
      const auto pick = [&](std::int64_t lo, std::int64_t hi) {
        return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
      };
      const auto account = [&] { return "u" + std::to_string(pick(0, kAccounts - 1)); };
      std::vector<std::pair<std::string, std::future<LedgerReply>>> window;
      for (int i = 0; i < kOpsPerThread; ++i) {
        const std::string key = "t" + std::to_string(t) + "-" + std::to_string(i);
        std::string escrow;
        {
          std::lock_guard<std::mutex> lock(mutex);
          escrow = escrows.empty() ? "none"
                                   : escrows[static_cast<std::size_t>(
                                         pick(0, static_cast<std::int64_t>(escrows.size()) - 1))];
        }
        const auto roll = pick(0, 9);
        std::string op;
        json::object p;
        if (roll < 3) {
          op = "deposit";
          p = {{"account", account()}, {"amount", pick(1, 1000)}, {"currency", "USD"}};
        } else if (roll < 5) {
          op = "hold";
          const std::string id = "esc-" + key;
          std::string payer = account(), payee = account();
          p = {{"escrowId", id},
               {"payer", payer},
               {"payee", payee},
               {"amount", pick(1, 800)},
               {"currency", "USD"}};
          std::lock_guard<std::mutex> lock(mutex);
          escrows.push_back(id);
        } else if (roll < 6) {
          op = "release";
          p = {{"escrowId", escrow}};
        } else if (roll < 7) {
          op = pick(0, 1) ? "cancel" : "freeze";
          p = {{"escrowId", escrow}};
        } else if (roll < 8) {
          op = pick(0, 1) ? "unfreeze" : "split";
          p = {{"escrowId", escrow}};
          if (op == "split") p["payeeAmount"] = pick(0, 400);
        } else {
          op = "transfer";
          p = {{"from", account()},
               {"to", account()},
               {"amount", pick(1, 500)},
               {"currency", "USD"},
               {"kind", "k"}};
        }
        window.emplace_back(key + "|" + op, ask(op, key, std::move(p)));
        // Up to 32 in flight per thread.
        if (window.size() >= 32 || i + 1 == kOpsPerThread) {
          for (auto& [tag, f] : window) {
            auto r = f.get();
            if (!r.ok) {
              EXPECT_TRUE(r.error.rfind("Ledger.", 0) == 0) << r.error << " " << r.cause;
              continue;
            }
            std::lock_guard<std::mutex> lock(mutex);
            const auto bar = tag.find('|');
            acked[tag.substr(0, bar)] = tag.substr(bar + 1);
          }
          window.clear();
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  const auto found = reconcile();
  for (const auto& d : found) ADD_FAILURE() << d.message;
  for (const auto& [key, op] : acked) {
    auto row = db_->get(Table::kLedgerJournal, key);
    ASSERT_TRUE(row.has_value()) << key;
    EXPECT_EQ(json::parse(*row).at("op").as_string(), op) << key;
  }
  EXPECT_GT(acked.size(), static_cast<std::size_t>(kThreads * kOpsPerThread / 3));
  const auto s = stats();
  EXPECT_EQ(s.running, 0u);
  EXPECT_EQ(s.waiting, 0u);
}

TEST_F(AccountsRouterTest, AHoldWithADeadlineExpiresByItself) {
  start();
  ASSERT_TRUE(call("deposit", "d", {{"account", "p"}, {"amount", 100}, {"currency", "USD"}}).ok);
  const auto due = wall_now() + 200;
  char when[64];
  const std::time_t secs = static_cast<std::time_t>(due / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  std::snprintf(when, sizeof when, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(due % 1000));
  auto r = call("hold", "h",
                {{"escrowId", "x"},
                 {"payer", "p"},
                 {"payee", "q"},
                 {"amount", 60},
                 {"currency", "USD"},
                 {"expiresAt", when}});
  ASSERT_TRUE(r.ok) << r.cause;
  EXPECT_EQ(db_->count(Table::kLedgerExpiry), 1u);
  const auto until = std::chrono::steady_clock::now() + kDeadline;
  while (available("p") != 100 && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(available("p"), 100);
  EXPECT_GE(wall_now(), due);
  auto escrow = adapters::read_escrow(*db_, "x");
  ASSERT_TRUE(escrow.ok());
  EXPECT_EQ(escrow->at("status"), "EXPIRED");
  EXPECT_EQ(escrow->at("resolvedBy"), "expire/x");
  EXPECT_EQ(db_->count(Table::kLedgerExpiry), 0u);  // the index line went with the expiry
  EXPECT_TRUE(reconcile().empty());
}

TEST_F(AccountsRouterTest, IdleAccountActorsArePassivatedAndWakeAgain) {
  AccountsOptions options;
  options.passivate_after = std::chrono::milliseconds(50);
  options.sweep_every = std::chrono::milliseconds(20);
  start(options);
  ASSERT_TRUE(call("deposit", "d1", {{"account", "a"}, {"amount", 5}, {"currency", "USD"}}).ok);
  ASSERT_TRUE(call("deposit", "d2", {{"account", "b"}, {"amount", 5}, {"currency", "USD"}}).ok);
  const auto until = std::chrono::steady_clock::now() + kDeadline;
  LedgerStats s = stats();
  while ((s.accounts_alive != 0 || s.passivated < 2) && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    s = stats();
  }
  EXPECT_EQ(s.accounts_alive, 0u);
  EXPECT_GE(s.passivated, 2u);
  // Its balance lives in LMDB: the next operation finds it.
  auto r = call("transfer", "t",
                {{"from", "a"}, {"to", "b"}, {"amount", 5}, {"currency", "USD"}, {"kind", "k"}});
  ASSERT_TRUE(r.ok) << r.cause;
  EXPECT_EQ(available("a"), 0);
  EXPECT_EQ(available("b"), 10);
}

}  // namespace
}  // namespace settled::actors
