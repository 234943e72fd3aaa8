// Property test: thousands of random operations (many of them refused) through the whole
// parse -> read set -> view -> apply -> WriteBatch path, checked step by step against a small
// independent model, with replays of used keys; at the end reconcile finds nothing and every
// balance equals the fold of its account's journal as listed by the index.
#include "domain/ledger/memory_ledger.hpp"

#include <gtest/gtest.h>
#include <boost/json/serialize.hpp>

#include <map>
#include <random>
#include <string>
#include <tuple>
#include <vector>

namespace settled::ledger {
namespace {

namespace json = boost::json;
using testing::MemoryLedger;

struct ModelBalance {
  std::int64_t available = 0;
  std::int64_t held = 0;
  std::int64_t frozen = 0;
};

struct ModelEscrow {
  std::string payer, payee, currency;
  std::int64_t amount = 0;
  EscrowStatus status = EscrowStatus::kHeld;
  std::optional<EpochMillis> expires_at;
};

struct Used {
  LedgerOp op;
  std::string params;
  std::string key;
  json::value result;
};

class Simulation {
 public:
  explicit Simulation(unsigned seed) : rng_(seed) {}

  void step() {
    now_ += pick(0, 2'000);
    // Sometimes retry a key that already committed: the stored result, nothing changed.
    if (!used_.empty() && pick(0, 99) < 4) return replay();
    if (!used_.empty() && pick(0, 199) == 0) return conflict();

    const std::string key = "exec-" + std::to_string(seq_++) + "/State/1";
    std::optional<LedgerErrc> expected;  // nullopt = must succeed
    json::object p;
    const int kind = pick(0, 99);
    LedgerOp op;
    if (kind < 14) {
      op = LedgerOp::kDeposit;
      p["account"] = account();
      p["amount"] = amount();
      p["currency"] = currency();
    } else if (kind < 20) {
      op = LedgerOp::kWithdraw;
      p["account"] = account();
      p["amount"] = amount();
      p["currency"] = currency();
      if (bal(p["account"], p["currency"]).available < p["amount"].as_int64())
        expected = LedgerErrc::kInsufficientFunds;
    } else if (kind < 30) {
      op = LedgerOp::kTransfer;
      const std::string to = account();
      std::string from = account();
      if (pick(0, 3) == 0 || from == to) from.clear();
      if (!from.empty()) p["from"] = from;
      p["to"] = to;
      p["amount"] = amount();
      p["currency"] = currency();
      p["kind"] = from.empty() ? "welcome_bonus" : "direct";
      if (!from.empty() && bal(from, p["currency"]).available < p["amount"].as_int64())
        expected = LedgerErrc::kInsufficientFunds;
    } else if (kind < 50) {
      op = LedgerOp::kHold;
      const std::string payer = account();
      std::string payee = account();
      while (payee == payer) payee = account();
      const std::string id =
          pick(0, 19) == 0 && !escrows_.empty() ? existing_escrow() : "esc-" + std::to_string(seq_);
      p["escrowId"] = id;
      p["payer"] = payer;
      p["payee"] = payee;
      p["amount"] = amount();
      p["currency"] = currency();
      if (pick(0, 1) == 0) p["expiresAt"] = format_timestamp(now_ + pick(0, 20'000));
      if (escrows_.count(id) != 0) {
        expected = LedgerErrc::kEscrowExists;
      } else if (bal(payer, p["currency"]).available < p["amount"].as_int64()) {
        expected = LedgerErrc::kInsufficientFunds;
      }
    } else {
      static constexpr LedgerOp kEscrowOps[] = {
          LedgerOp::kRelease,  LedgerOp::kRelease, LedgerOp::kCancel, LedgerOp::kFreeze,
          LedgerOp::kUnfreeze, LedgerOp::kSplit,   LedgerOp::kExpire};
      op = kEscrowOps[pick(0, 6)];
      const std::string id = pick(0, 14) == 0 || escrows_.empty() ? "no-such" : existing_escrow();
      p["escrowId"] = id;
      const ModelEscrow* e = escrows_.count(id) ? &escrows_.at(id) : nullptr;
      if (pick(0, 9) == 0) p["currency"] = currency();
      std::int64_t to_payee = 0;
      if (op == LedgerOp::kRelease && pick(0, 1) == 0) {
        to_payee = e != nullptr && pick(0, 4) != 0 ? pick64(1, e->amount) : amount();
        p["amount"] = to_payee;
      }
      if (op == LedgerOp::kSplit) {
        to_payee = e != nullptr && pick(0, 4) != 0 ? pick64(0, e->amount) : amount();
        p["payeeAmount"] = to_payee;
      }
      const bool frozen_ok = op == LedgerOp::kUnfreeze || op == LedgerOp::kSplit;
      if (e == nullptr) {
        expected = LedgerErrc::kUnknownEscrow;
      } else if (p.contains("currency") && str(p["currency"]) != e->currency) {
        expected = LedgerErrc::kCurrencyMismatch;
      } else if (is_resolved(e->status)) {
        expected = LedgerErrc::kEscrowResolved;
      } else if (e->status == EscrowStatus::kFrozen && !frozen_ok) {
        expected = LedgerErrc::kEscrowFrozen;
      } else if ((op == LedgerOp::kRelease || op == LedgerOp::kSplit) && to_payee > e->amount) {
        expected = LedgerErrc::kInvalidAmount;
      } else if (op == LedgerOp::kUnfreeze && e->status != EscrowStatus::kFrozen) {
        expected = LedgerErrc::kEscrowNotFrozen;
      } else if (op == LedgerOp::kExpire && (!e->expires_at || now_ < *e->expires_at)) {
        expected = LedgerErrc::kEscrowNotExpired;
      }
    }

    const std::string params = json::serialize(p);
    auto r = ledger.run(op, params, key, now_);
    if (expected) {
      ASSERT_FALSE(r.ok()) << ledger_op_name(op) << " " << params << " should be refused";
      ASSERT_EQ(r.error().code, *expected) << params << ": " << r.error().message;
      ++refused_;
      return;
    }
    ASSERT_TRUE(r.ok()) << ledger_op_name(op) << " " << params << ": " << r.error().message;
    ASSERT_FALSE(r->replayed);
    apply_to_model(op, p, key);
    used_.push_back(Used{op, params, key, r->result});
  }

  void check_model() const {
    for (const auto& [k, m] : model_) {
      const AccountBalance b = ledger.balance(std::get<0>(k), std::get<1>(k));
      ASSERT_EQ(b.available, m.available) << std::get<0>(k) << " " << std::get<1>(k);
      ASSERT_EQ(b.held, m.held) << std::get<0>(k) << " " << std::get<1>(k);
      ASSERT_EQ(b.frozen, m.frozen) << std::get<0>(k) << " " << std::get<1>(k);
    }
    for (const auto& [id, m] : escrows_) {
      std::optional<Escrow> e = ledger.escrow(id);
      ASSERT_TRUE(e);
      ASSERT_EQ(e->status, m.status) << id;
    }
  }

  MemoryLedger ledger;
  int refused_ = 0;
  int replayed_ = 0;
  std::size_t successes() const { return used_.size(); }
  const std::map<std::tuple<std::string, std::string>, ModelBalance>& model() const {
    return model_;
  }

 private:
  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  std::int64_t pick64(std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng_);
  }
  std::string account() { return "user-" + std::to_string(pick(0, 5)); }
  std::string currency() { return pick(0, 2) == 0 ? "HOUR" : "USD"; }
  std::int64_t amount() { return pick(0, 9) == 0 ? pick64(1, 200'000) : pick64(1, 5'000); }
  std::string existing_escrow() {
    auto it = escrows_.begin();
    std::advance(it, pick(0, static_cast<int>(escrows_.size()) - 1));
    return it->first;
  }
  static std::string str(const json::value& v) { return std::string(v.as_string()); }
  ModelBalance& bal(const std::string& account, const std::string& currency) {
    return model_[{account, currency}];
  }
  ModelBalance& bal(const json::value& account, const json::value& currency) {
    return bal(str(account), str(currency));
  }
  ModelBalance& bal(const std::string& account, const json::value& currency) {
    return bal(account, str(currency));
  }

  void apply_to_model(LedgerOp op, json::object& p, const std::string&) {
    auto amount_of = [&](const char* k) { return p.at(k).as_int64(); };
    switch (op) {
      case LedgerOp::kDeposit:
        bal(p["account"], p["currency"]).available += amount_of("amount");
        return;
      case LedgerOp::kWithdraw:
        bal(p["account"], p["currency"]).available -= amount_of("amount");
        return;
      case LedgerOp::kTransfer:
        if (p.contains("from")) bal(p["from"], p["currency"]).available -= amount_of("amount");
        bal(p["to"], p["currency"]).available += amount_of("amount");
        return;
      case LedgerOp::kHold: {
        ModelEscrow e{std::string(p["payer"].as_string()),
                      std::string(p["payee"].as_string()),
                      std::string(p["currency"].as_string()),
                      amount_of("amount"),
                      EscrowStatus::kHeld,
                      std::nullopt};
        if (p.contains("expiresAt")) e.expires_at = parse_timestamp(p["expiresAt"].as_string());
        bal(e.payer, e.currency).available -= e.amount;
        bal(e.payer, e.currency).held += e.amount;
        escrows_[std::string(p["escrowId"].as_string())] = e;
        return;
      }
      default:
        break;
    }
    ModelEscrow& e = escrows_.at(std::string(p["escrowId"].as_string()));
    ModelBalance& payer = bal(e.payer, e.currency);
    std::int64_t& source = e.status == EscrowStatus::kFrozen ? payer.frozen : payer.held;
    switch (op) {
      case LedgerOp::kFreeze:
        payer.held -= e.amount;
        payer.frozen += e.amount;
        e.status = EscrowStatus::kFrozen;
        return;
      case LedgerOp::kUnfreeze:
        payer.frozen -= e.amount;
        payer.held += e.amount;
        e.status = EscrowStatus::kHeld;
        return;
      default:
        break;
    }
    std::int64_t to_payee = 0;
    if (op == LedgerOp::kRelease) to_payee = p.contains("amount") ? amount_of("amount") : e.amount;
    if (op == LedgerOp::kSplit) to_payee = amount_of("payeeAmount");
    source -= e.amount;
    bal(e.payee, e.currency).available += to_payee;
    // bal() may have inserted into the map; `payer` stays valid (std::map references do).
    payer.available += e.amount - to_payee;
    e.status = op == LedgerOp::kRelease  ? EscrowStatus::kReleased
               : op == LedgerOp::kSplit  ? EscrowStatus::kSplit
               : op == LedgerOp::kCancel ? EscrowStatus::kCancelled
                                         : EscrowStatus::kExpired;
  }

  void replay() {
    const Used& u = used_[static_cast<std::size_t>(pick(0, static_cast<int>(used_.size()) - 1))];
    const std::size_t journal_rows = ledger.rows(Table::kLedgerJournal).size();
    auto r = ledger.run(u.op, u.params, u.key, now_);
    ASSERT_TRUE(r.ok()) << u.params << ": " << r.error().message;
    ASSERT_TRUE(r->replayed);
    ASSERT_EQ(r->result, u.result);
    ASSERT_EQ(ledger.rows(Table::kLedgerJournal).size(), journal_rows);
    ++replayed_;
  }

  void conflict() {
    const Used& u = used_[static_cast<std::size_t>(pick(0, static_cast<int>(used_.size()) - 1))];
    auto r = ledger.run(LedgerOp::kDeposit, R"({"account":"x","amount":1,"currency":"USD"})", u.key,
                        now_);
    if (u.op == LedgerOp::kDeposit && u.params == R"({"account":"x","amount":1,"currency":"USD"})")
      return;
    ASSERT_FALSE(r.ok());
    ASSERT_EQ(r.error().code, LedgerErrc::kIdempotencyConflict);
  }

  std::mt19937 rng_;
  EpochMillis now_ = 1'700'000'000'000;
  std::uint64_t seq_ = 0;
  std::map<std::tuple<std::string, std::string>, ModelBalance> model_;
  std::map<std::string, ModelEscrow> escrows_;
  std::vector<Used> used_;
};

// Folds the legs of the entries the account's index lists, per currency and bucket.
std::map<std::pair<std::string, Bucket>, std::int64_t> fold_journal(const MemoryLedger& ledger,
                                                                    const std::string& account) {
  std::map<std::pair<std::string, Bucket>, std::int64_t> folds;
  for (const JournalEntry& e : ledger.journal(account)) {
    for (const JournalLeg& leg : e.legs) {
      if (leg.account == account) folds[{leg.currency, leg.bucket}] += leg.delta;
    }
  }
  return folds;
}

class LedgerProperty : public ::testing::TestWithParam<unsigned> {};

TEST_P(LedgerProperty, RandomOperationsKeepEveryInvariant) {
  Simulation sim(GetParam());
  constexpr int kSteps = 4'000;
  for (int i = 0; i < kSteps; ++i) {
    ASSERT_NO_FATAL_FAILURE(sim.step()) << "step " << i;
    if (i % 500 == 499) {
      ASSERT_NO_FATAL_FAILURE(sim.check_model()) << "step " << i;
      const auto found = reconcile(sim.ledger.reconcile_input());
      ASSERT_TRUE(found.empty()) << "step " << i << "\n" << testing::describe(found);
    }
  }
  ASSERT_NO_FATAL_FAILURE(sim.check_model());
  const ReconcileInput input = sim.ledger.reconcile_input();
  const auto found = reconcile(input);
  EXPECT_TRUE(found.empty()) << testing::describe(found);

  // Every balance is the fold of its journal, read the way GET .../journal lists it.
  for (const AccountBalance& b : input.balances) {
    const auto folds = fold_journal(sim.ledger, b.account);
    for (Bucket bucket : {Bucket::kAvailable, Bucket::kHeld, Bucket::kFrozen}) {
      auto f = folds.find({b.currency, bucket});
      EXPECT_EQ(b.bucket(bucket), f == folds.end() ? 0 : f->second)
          << b.account << " " << b.currency << " " << bucket_name(bucket);
    }
    EXPECT_GE(b.available, 0);
  }
  // The run exercised both paths plenty.
  EXPECT_GT(sim.successes(), 1'000U);
  EXPECT_GT(sim.refused_, 300);
  EXPECT_GT(sim.replayed_, 50);
  EXPECT_GT(input.escrows.size(), 100U);
}

// Named so that --gtest_filter='Ledger*' runs it.
INSTANTIATE_TEST_SUITE_P(LedgerSeeds, LedgerProperty, ::testing::Values(1U, 42U, 20250112U));

}  // namespace
}  // namespace settled::ledger
