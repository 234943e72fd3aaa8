// Property test against the running daemon: several clients issue random ledger operations
// (and malformed ones, and replays) over HTTP while holds expire by themselves; the daemon is
// SIGKILLed in the middle, restarted, and the clients go on (first re-sending the operation
// whose answer the kill swallowed, with its same key). Then: settlectl reconcile names no
// discrepancy, and an independent fold of every account's journal, fetched over HTTP, equals
// its balances to the cent; every acknowledged operation is in the journal exactly once, with
// the amounts the client sent; every operation that must be refused (a negative, zero,
// fractional or out-of-range amount, an overflowing balance) was refused, whatever status it
// got; and the money all accounts hold is what the clients deposited and minted, counted from
// what they sent and saw acknowledged, not from the daemon's journal.

#include "integration/ledger_fixture.hpp"
#include "support/eventually.hpp"

#include <atomic>
#include <limits>
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

// An account that starts (before the traffic) this close to the int64 limit in kFullCurrency:
// any further deposit into it overflows and must be refused.
const std::string kFullAccount = "acct-full";
const std::string kFullCurrency = "JPY";
constexpr std::int64_t kFullBalance = std::numeric_limits<std::int64_t>::max() - 5;

struct Sent {
  std::string key;
  std::string operation;
  json::object parameters;
  std::string must_refuse;  // why it must be refused; empty: may succeed
};

struct Shared {
  std::mutex mutex;
  std::vector<std::string> escrows;            // every escrow id a hold was sent for
  std::map<std::string, Sent> acked;           // key -> what was acknowledged (2xx)
  std::set<std::string> sent_keys;             // every key sent, answered or not
  std::set<std::string> refused_keys;          // keys of operations that must be refused
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
      malformed(s);
    }
    return s;
  }

  // An operation the ledger must refuse whatever state it is in, changing nothing.
  void malformed(Sent& s) {
    json::object deposit{{"account", account()}, {"currency", "USD"}};
    json::object transfer{
        {"from", account()}, {"to", "acct-x"}, {"currency", "USD"}, {"kind", "random"}};
    switch (pick(0, 6)) {
      case 0:
        s.operation = "deposit";
        s.parameters = deposit;
        s.parameters["amount"] = -pick(1, 10);
        s.must_refuse = "a negative deposit";
        break;
      case 1:
        s.operation = "deposit";
        s.parameters = deposit;
        s.parameters["amount"] = 0;
        s.must_refuse = "a zero deposit";
        break;
      case 2:
        s.operation = "deposit";
        s.parameters = deposit;
        s.parameters["amount"] = 10.5;
        s.must_refuse = "a fractional amount";
        break;
      case 3:
        s.operation = "deposit";
        s.parameters = deposit;
        s.parameters["amount"] = std::numeric_limits<std::uint64_t>::max();
        s.must_refuse = "an amount beyond int64";
        break;
      case 4:
        s.operation = "deposit";
        s.parameters = {
            {"account", kFullAccount}, {"amount", pick(6, 5000)}, {"currency", kFullCurrency}};
        s.must_refuse = "a deposit that overflows the balance";
        break;
      case 5:
        s.operation = "transfer";
        s.parameters = transfer;
        s.parameters["amount"] = -pick(1, 10);
        s.must_refuse = "a negative transfer";
        break;
      default:
        s.operation = "hold";
        s.parameters = {{"escrowId", "esc-" + s.key},
                        {"payer", "acct-0"},
                        {"payee", "acct-1"},
                        {"amount", 0},
                        {"currency", "USD"}};
        s.must_refuse = "a zero hold";
        break;
    }
  }

  bool send(HttpClient& client, const Sent& s) {
    {
      std::lock_guard<std::mutex> lock(shared_.mutex);
      shared_.sent_keys.insert(s.key);
      if (!s.must_refuse.empty()) shared_.refused_keys.insert(s.key);
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
    const std::string what = s.key + " " + s.operation + " " + json::serialize(s.parameters) +
                             ": " + std::to_string(res.status) + " " + res.body;
    const bool accepted = res.status >= 200 && res.status < 300;
    if (!s.must_refuse.empty()) {
      // Whatever the status: a 2xx, a 5xx or an error without the JSON shape is a failure.
      if (res.status != 400 && res.status != 409 && res.status != 422)
        shared_.problems.push_back("must refuse " + s.must_refuse + ", got " + what);
      else if (!is_error_body(res.body))
        shared_.problems.push_back("refusal without an error body: " + what);
      return true;
    }
    if (accepted) {
      shared_.acked[s.key] = s;
      mine_.push_back(s);
    } else if (res.status != 400 && res.status != 404 && res.status != 409) {
      shared_.problems.push_back("unexpected " + what);
    }
    return true;
  }

  static bool is_error_body(const std::string& body) {
    boost::system::error_code ec;
    const auto v = json::parse(body, ec);
    return !ec && v.is_object() && v.as_object().contains("error") &&
           v.as_object().contains("message");
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
  ASSERT_EQ(deposit(kFullAccount, kFullBalance, "preload-full", kFullCurrency).status, 201u);
  Shared shared;
  shared.acked["preload-full"] =
      Sent{"preload-full", "deposit",
           json::object{
               {"account", kFullAccount}, {"amount", kFullBalance}, {"currency", kFullCurrency}},
           ""};
  std::vector<std::unique_ptr<Client>> clients;
  for (int t = 0; t < kThreads; ++t) clients.push_back(std::make_unique<Client>(t, shared));

  // Phase 1: until enough are acknowledged, then SIGKILL in the middle of the traffic.
  std::atomic<bool> stop{false};
  std::atomic<int> running{kThreads};
  std::vector<std::thread> threads;
  for (auto& c : clients)
    threads.emplace_back([&, client = c.get()] {
      client->run(port_, stop, 1 << 30);
      --running;
    });
  const auto acked = [&] {
    std::lock_guard<std::mutex> lock(shared.mutex);
    return shared.acked.size();
  };
  // Until enough are acknowledged (polled, with a deadline); clients that all stopped, or a
  // daemon that died, end the wait early and fail below.
  const bool reached =
      eventually([&] { return acked() >= kAckedBeforeKill || running == 0 || !daemon_->running(); },
                 std::chrono::seconds(120), std::chrono::milliseconds(1));
  const bool daemon_alive = daemon_->running();
  daemon_->kill9();
  stop = true;
  for (auto& t : threads) t.join();
  threads.clear();
  ASSERT_TRUE(reached && acked() >= kAckedBeforeKill)
      << acked() << " acknowledged before the kill point; daemon "
      << (daemon_alive ? "alive" : "dead") << "\n"
      << daemon_->output();

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

  // 2. An independent fold of each account's journal equals its balances, to the cent; what
  //    the accounts hold in all is summed from the balances the daemon reports.
  std::map<std::string, json::object> entries;  // id -> entry, over all accounts
  std::map<std::string, std::int64_t> held_by_currency;
  std::vector<std::string> accounts{kFullAccount};
  for (int a = 0; a < kAccounts; ++a) accounts.push_back("acct-" + std::to_string(a));
  accounts.push_back("acct-x");  // the target of the refused transfers: must stay empty
  for (const auto& account : accounts) {
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
    for (const auto& [currency, b] : balances) {
      const auto f = fold[std::string(currency)];
      const std::int64_t available = b.at("available").as_int64();
      const std::int64_t held = b.at("held").as_int64();
      const std::int64_t frozen = b.at("frozen").as_int64();
      EXPECT_EQ(available, f[0]) << account << " " << currency;
      EXPECT_EQ(held, f[1]) << account << " " << currency;
      EXPECT_EQ(frozen, f[2]) << account << " " << currency;
      EXPECT_GE(available, 0) << account << " " << currency;
      EXPECT_GE(held, 0) << account << " " << currency;
      EXPECT_GE(frozen, 0) << account << " " << currency;
      held_by_currency[std::string(currency)] += available + held + frozen;
    }
  }

  // 3. Every acknowledged operation is in the journal (once: no account lists it twice, and
  //    an id names one entry), as the operation that was sent, moving the amount that was
  //    sent; no operation that had to be refused is; nothing else is.
  std::map<std::string, std::int64_t> came_in;  // from what the clients sent and saw acked
  for (const auto& [key, sent] : shared.acked) {
    auto it = entries.find(key);
    ASSERT_NE(it, entries.end()) << "acknowledged " << sent.operation << " " << key
                                 << " is not in the journal";
    EXPECT_EQ(it->second.at("op").as_string(), sent.operation) << key;
    const auto& p = sent.parameters;
    if (sent.operation != "deposit" && sent.operation != "transfer") continue;
    const std::string currency(p.at("currency").as_string());
    const std::int64_t amount = p.at("amount").as_int64();
    // The legs of the entry credit `to`/`account` with the sent amount and debit `from`.
    std::map<std::string, std::int64_t> moved;
    for (const auto& l : it->second.at("legs").as_array()) {
      EXPECT_EQ(l.at("currency").as_string(), currency) << key;
      if (l.at("bucket") == "available")
        moved[std::string(l.at("account").as_string())] += l.at("delta").as_int64();
    }
    const std::string credited(p.at(sent.operation == "deposit" ? "account" : "to").as_string());
    EXPECT_EQ(moved[credited], amount) << key << " " << json::serialize(it->second);
    if (p.contains("from")) {
      EXPECT_EQ(moved[std::string(p.at("from").as_string())], -amount) << key;
    } else {
      came_in[currency] += amount;  // a deposit, or a transfer minted from outside
    }
  }
  for (const auto& key : shared.refused_keys)
    EXPECT_EQ(entries.count(key), 0u) << "the refused operation " << key << " is in the journal";
  for (const auto& [id, e] : entries) {
    EXPECT_TRUE(shared.sent_keys.count(id) || id.rfind("expire/", 0) == 0 || id == "preload-full")
        << "journal entry " << id << " was never asked for";
  }
  // 4. Money is conserved: what all accounts hold is what the clients put in.
  EXPECT_EQ(held_by_currency, came_in);
  EXPECT_GT(shared.refused_keys.size(), 0u) << "no operation that must be refused was sent";
  EXPECT_GT(shared.acked.size(), kAckedBeforeKill);
  RecordProperty("acknowledged", static_cast<int>(shared.acked.size()));
  RecordProperty("journalEntries", static_cast<int>(entries.size()));
}

}  // namespace
}  // namespace settled::testing
