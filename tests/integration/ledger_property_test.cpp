// Property test against the running daemon: several clients issue random ledger operations
// (and malformed ones, and replays) over HTTP while holds expire by themselves; the daemon is
// SIGKILLed in the middle, restarted, and the clients go on (first re-sending the operation
// whose answer the kill swallowed, with its same key). Then: settlectl reconcile names no
// discrepancy, and an independent fold of every account's journal, fetched over HTTP, equals
// its balances to the cent; every acknowledged operation is in the journal exactly once.

#include "integration/ledger_fixture.hpp"

#include <atomic>
#include <mutex>
#include <random>
#include <set>
#include <thread>

namespace settled::testing {
namespace {

namespace json = boost::json;

constexpr int kThreads = 6;
constexpr int kAccounts = 8;
constexpr std::size_t kAckedBeforeKill = 600;
constexpr int kOpsAfterRestart = 250;

struct Sent {
  std::string key;
  std::string operation;
  json::object parameters;
};

struct Shared {
  std::mutex mutex;
  std::vector<std::string> escrows;            // every escrow id a hold was sent for
  std::map<std::string, Sent> acked;           // key -> what was acknowledged (2xx)
  std::set<std::string> sent_keys;             // every key sent, answered or not
  std::map<std::string, std::int64_t> expiry;  // escrow id -> expiresAt of holds sent with one
  std::vector<std::string> problems;           // unexpected answers
};

class Client {
 public:
  Client(int id, Shared& shared) : id_(id), shared_(shared), rng_(7919u * (id + 1)) {}

  // Sends random operations until `stop` or `count` are reached, or the daemon goes away.
  // Returns false if the daemon went away (the last operation's outcome is then unknown).
  bool run(std::uint16_t port, const std::atomic<bool>& stop, int count) {
    HttpClient client("127.0.0.1", port);
    if (unknown_) {
      // The kill swallowed its answer: the same key again either replays it or runs it once.
      Sent again = *unknown_;
      unknown_.reset();
      if (!send(client, again)) return false;
    }
    for (int i = 0; i < count && !stop; ++i) {
      if (!send(client, next())) return false;
    }
    return true;
  }

 private:
  std::int64_t pick(std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng_);
  }
  std::string account() { return "acct-" + std::to_string(pick(0, kAccounts - 1)); }
  std::string currency() { return pick(0, 9) == 0 ? "EUR" : "USD"; }
  std::string some_escrow() {
    std::lock_guard<std::mutex> lock(shared_.mutex);
    if (shared_.escrows.empty()) return "none";
    return shared_.escrows[static_cast<std::size_t>(
        pick(0, static_cast<std::int64_t>(shared_.escrows.size()) - 1))];
  }

  Sent next() {
    Sent s;
    s.key = "c" + std::to_string(id_) + "-" + std::to_string(++counter_);
    const auto roll = pick(0, 99);
    if (roll < 5 && !mine_.empty()) {
      Sent replay = mine_[static_cast<std::size_t>(pick(0, mine_.size() - 1))];
      return replay;  // same key, same parameters
    }
    if (roll < 27) {
      s.operation = "deposit";
      s.parameters = {{"account", account()}, {"amount", pick(1, 5000)}, {"currency", currency()}};
    } else if (roll < 50) {
      s.operation = "hold";
      const std::string escrow = "esc-" + s.key;
      std::string payer = account(), payee = account();
      while (payee == payer) payee = account();
      s.parameters = {{"escrowId", escrow},
                      {"payer", payer},
                      {"payee", payee},
                      {"amount", pick(1, 3000)},
                      {"currency", currency()}};
      std::lock_guard<std::mutex> lock(shared_.mutex);
      if (pick(0, 2) == 0) {
        const auto due = LedgerTest::epoch_millis_now() + pick(100, 2000);
        s.parameters["expiresAt"] = LedgerTest::iso(due);
        shared_.expiry[escrow] = due;
      }
      shared_.escrows.push_back(escrow);  // before the answer: others race with the hold
    } else if (roll < 62) {
      s.operation = "release";
      s.parameters = {{"escrowId", some_escrow()}};
      if (pick(0, 1) == 0) s.parameters["amount"] = pick(1, 3000);
    } else if (roll < 69) {
      s.operation = "cancel";
      s.parameters = {{"escrowId", some_escrow()}};
    } else if (roll < 77) {
      s.operation = "freeze";
      s.parameters = {{"escrowId", some_escrow()}};
    } else if (roll < 82) {
      s.operation = "unfreeze";
      s.parameters = {{"escrowId", some_escrow()}};
    } else if (roll < 89) {
      s.operation = "split";
      s.parameters = {{"escrowId", some_escrow()}, {"payeeAmount", pick(0, 3000)}};
    } else if (roll < 97) {
      s.operation = "transfer";
      s.parameters = {{"to", account()},
                      {"amount", pick(1, 2000)},
                      {"currency", currency()},
                      {"kind", "random"}};
      if (pick(0, 4) != 0) s.parameters["from"] = account();
    } else {
      s.operation = "deposit";  // malformed: must be refused, changing nothing
      s.parameters = {{"account", account()}, {"amount", -pick(1, 10)}, {"currency", "USD"}};
    }
    return s;
  }

  bool send(HttpClient& client, const Sent& s) {
    {
      std::lock_guard<std::mutex> lock(shared_.mutex);
      shared_.sent_keys.insert(s.key);
    }
    HttpResult res;
    try {
      res = client.post("/v1/ledger/operations",
                        json::serialize(json::object{{"operation", s.operation},
                                                     {"idempotencyKey", s.key},
                                                     {"parameters", s.parameters}}));
    } catch (const std::exception&) {
      unknown_ = s;
      return false;
    }
    std::lock_guard<std::mutex> lock(shared_.mutex);
    if (res.status == 200 || res.status == 201) {
      shared_.acked[s.key] = s;
      mine_.push_back(s);
    } else if (res.status != 400 && res.status != 404 && res.status != 409) {
      shared_.problems.push_back(s.key + " " + s.operation + ": " + std::to_string(res.status) +
                                 " " + res.body);
    } else if (s.parameters.contains("amount") && s.parameters.at("amount").as_int64() < 0 &&
               res.status != 400) {
      shared_.problems.push_back(s.key + ": a negative amount got " + res.body);
    }
    return true;
  }

  int id_;
  Shared& shared_;
  std::mt19937_64 rng_;
  int counter_ = 0;
  std::vector<Sent> mine_;
  std::optional<Sent> unknown_;
};

class LedgerProperty : public LedgerTest {};

TEST_F(LedgerProperty, ConcurrentRandomOperationsWithAKillKeepEveryInvariant) {
  Shared shared;
  std::vector<std::unique_ptr<Client>> clients;
  for (int t = 0; t < kThreads; ++t) clients.push_back(std::make_unique<Client>(t, shared));

  // Phase 1: until enough are acknowledged, then SIGKILL in the middle of the traffic.
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (auto& c : clients)
    threads.emplace_back([&, client = c.get()] { client->run(port_, stop, 1 << 30); });
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(shared.mutex);
      if (shared.acked.size() >= kAckedBeforeKill) break;
    }
    ASSERT_LT(std::chrono::steady_clock::now(), until) << "too slow to reach the kill point";
    std::this_thread::yield();
  }
  daemon_->kill9();
  stop = true;
  for (auto& t : threads) t.join();
  threads.clear();

  // Phase 2: the same data again; each client re-sends what the kill cut off, then goes on.
  client_.reset();
  start_with(extra_);
  std::atomic<bool> never{false};
  for (auto& c : clients)
    threads.emplace_back([&, client = c.get()] {
      EXPECT_TRUE(client->run(port_, never, kOpsAfterRestart)) << "the daemon went away";
    });
  for (auto& t : threads) t.join();

  std::lock_guard<std::mutex> lock(shared.mutex);
  for (const auto& p : shared.problems) ADD_FAILURE() << p;

  // Let every hold that can expire do so, so that what we read next stands still.
  const auto settle_until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (const auto& [id, due] : shared.expiry) {
    while (epoch_millis_now() <= due) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    for (;;) {
      const auto e = escrow(id);
      if (e.is_null() || e.at("status") != "HELD") break;
      ASSERT_LT(std::chrono::steady_clock::now(), settle_until) << id << " did not expire";
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  // 1. reconcile, by the daemon, over one consistent snapshot.
  const auto report = reconcile_ok();
  ASSERT_FALSE(report.empty());

  // 2. An independent fold of each account's journal equals its balances, to the cent.
  std::map<std::string, json::object> entries;  // id -> entry, over all accounts
  std::map<std::string, std::int64_t> total_by_currency;
  for (int a = 0; a < kAccounts; ++a) {
    const std::string account = "acct-" + std::to_string(a);
    std::map<std::string, std::array<std::int64_t, 3>> fold;
    std::set<std::string> seen;
    std::uint64_t sequence = 0;
    for (const auto& v : journal(account)) {
      const auto& e = v.as_object();
      const std::string id(e.at("id").as_string());
      EXPECT_TRUE(seen.insert(id).second) << id << " twice in the journal of " << account;
      EXPECT_EQ(e.at("sequence").to_number<std::uint64_t>(), ++sequence) << account;
      entries[id] = e;
      for (const auto& l : e.at("legs").as_array()) {
        if (l.at("account").as_string() != account) continue;
        const std::string bucket(l.at("bucket").as_string());
        const std::size_t b = bucket == "available" ? 0 : bucket == "held" ? 1 : 2;
        fold[std::string(l.at("currency").as_string())][b] += l.at("delta").as_int64();
      }
    }
    const auto res = client_->get("/v1/accounts/" + account);
    ASSERT_EQ(res.status, 200u);
    const auto balances = res.json().at("balances").as_object();
    EXPECT_EQ(balances.size(), fold.size()) << account;
    for (const auto& [currency, f] : fold) {
      const auto& b = balances.at(currency);
      EXPECT_EQ(b.at("available").as_int64(), f[0]) << account << " " << currency;
      EXPECT_EQ(b.at("held").as_int64(), f[1]) << account << " " << currency;
      EXPECT_EQ(b.at("frozen").as_int64(), f[2]) << account << " " << currency;
      EXPECT_GE(f[0], 0) << account << " " << currency;
      total_by_currency[currency] += f[0] + f[1] + f[2];
    }
  }

  // 3. Every acknowledged operation is in the journal (once: no account lists it twice, and
  //    an id names one entry), as the operation that was sent; nothing else is.
  for (const auto& [key, sent] : shared.acked) {
    auto it = entries.find(key);
    ASSERT_NE(it, entries.end()) << "acknowledged " << sent.operation << " " << key
                                 << " is not in the journal";
    EXPECT_EQ(it->second.at("op").as_string(), sent.operation) << key;
  }
  std::map<std::string, std::int64_t> came_in;
  for (const auto& [id, e] : entries) {
    EXPECT_TRUE(shared.sent_keys.count(id) || id.rfind("expire/", 0) == 0)
        << "journal entry " << id << " was never asked for";
    const auto& params = e.at("params").as_object();
    const bool minted = e.at("op") == "transfer" && !params.contains("from");
    if (e.at("op") == "deposit" || minted)
      came_in[std::string(params.at("currency").as_string())] += params.at("amount").as_int64();
  }
  // 4. Money is conserved: what all accounts hold is what came in.
  EXPECT_EQ(total_by_currency, came_in);
  EXPECT_GT(shared.acked.size(), kAckedBeforeKill);
  RecordProperty("acknowledged", static_cast<int>(shared.acked.size()));
  RecordProperty("journalEntries", static_cast<int>(entries.size()));
}

}  // namespace
}  // namespace settled::testing
