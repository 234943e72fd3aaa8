#include "domain/ledger/operations.hpp"

#include "domain/ledger/memory_ledger.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <limits>
#include <string>

namespace settled::ledger {
namespace {

namespace json = boost::json;
using testing::MemoryLedger;

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

json::value js(std::string_view text) {
  return json::parse(text);
}

struct Buckets {
  std::int64_t available, held, frozen;
};

void expect_balance(const MemoryLedger& ledger, const std::string& account,
                    const std::string& currency, Buckets want) {
  const AccountBalance b = ledger.balance(account, currency);
  EXPECT_EQ(b.available, want.available) << account << " " << currency << " available";
  EXPECT_EQ(b.held, want.held) << account << " " << currency << " held";
  EXPECT_EQ(b.frozen, want.frozen) << account << " " << currency << " frozen";
}

void expect_sound(const MemoryLedger& ledger) {
  const auto found = reconcile(ledger.reconcile_input());
  EXPECT_TRUE(found.empty()) << testing::describe(found);
}

// A refusal with `code` that changes no row of any table.
void expect_refused(MemoryLedger& ledger, LedgerOp op, std::string_view params, LedgerErrc code,
                    std::string_view message_part = "", EpochMillis now = 1'000) {
  const auto before = ledger.tables();
  auto r = ledger.run(op, params, "refused/" + std::string(params), now);
  ASSERT_FALSE(r.ok()) << params;
  EXPECT_EQ(r.error().code, code) << r.error().message;
  EXPECT_NE(r.error().message.find(message_part), std::string::npos) << r.error().message;
  EXPECT_EQ(ledger.tables(), before) << "a refusal changed the store";
}

class LedgerOps : public ::testing::Test {
 protected:
  // alice has 100.00 USD; an escrow e1 of 30.00 USD from alice to bob.
  void SetUp() override {
    ASSERT_TRUE(ledger
                    .run(LedgerOp::kDeposit,
                         R"({"account":"alice","amount":10000,"currency":"USD"})", "k/dep")
                    .ok());
  }
  void hold_e1(std::string_view extra = "") {
    std::string params = R"({"escrowId":"e1","payer":"alice","payee":"bob","amount":3000,)"
                         R"("currency":"USD")" +
                         std::string(extra) + "}";
    auto r = ledger.run(LedgerOp::kHold, params, "k/hold");
    ASSERT_TRUE(r.ok()) << r.error().message;
  }
  MemoryLedger ledger;
};

TEST_F(LedgerOps, DepositCreditsAvailableAndCountsIn) {
  auto r = ledger.run(LedgerOp::kDeposit, R"({"account":"alice","amount":250,"currency":"USD"})",
                      "k/dep2");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(
      r->result,
      js(R"({"account":"alice","balances":{"USD":{"available":10250,"held":0,"frozen":0}}})"));
  const AccountBalance b = ledger.balance("alice", "USD");
  EXPECT_EQ(b.external_in, 10250);
  EXPECT_EQ(b.external_out, 0);
  ASSERT_TRUE(r->entry);
  ASSERT_EQ(r->entry->legs.size(), 1U);
  EXPECT_EQ(r->entry->legs[0], (JournalLeg{"alice", "USD", Bucket::kAvailable, 250, 10000, 10250}));
  EXPECT_EQ(r->entry->id, "k/dep2");
  EXPECT_EQ(r->entry->op, LedgerOp::kDeposit);
  expect_sound(ledger);
}

TEST_F(LedgerOps, DepositOfHourIsSeparateFromUsd) {
  ASSERT_TRUE(
      ledger.run(LedgerOp::kDeposit, R"({"account":"alice","amount":150,"currency":"HOUR"})", "k/h")
          .ok());
  expect_balance(ledger, "alice", "HOUR", {150, 0, 0});
  expect_balance(ledger, "alice", "USD", {10000, 0, 0});
  expect_sound(ledger);
}

TEST_F(LedgerOps, DepositOverflowIsInvalidAmountAndChangesNothing) {
  expect_refused(ledger, LedgerOp::kDeposit,
                 R"({"account":"alice","amount":9223372036854775807,"currency":"USD"})",
                 LedgerErrc::kInvalidAmount, "overflow");
}

TEST_F(LedgerOps, WithdrawDebitsAvailableAndCountsOut) {
  auto r = ledger.run(LedgerOp::kWithdraw, R"({"account":"alice","amount":4000,"currency":"USD"})",
                      "k/w");
  ASSERT_TRUE(r.ok());
  expect_balance(ledger, "alice", "USD", {6000, 0, 0});
  EXPECT_EQ(ledger.balance("alice", "USD").external_out, 4000);
  EXPECT_EQ(r->entry->params.at("kind"), "withdrawal");
  expect_sound(ledger);
  expect_refused(ledger, LedgerOp::kWithdraw,
                 R"({"account":"alice","amount":6001,"currency":"USD"})",
                 LedgerErrc::kInsufficientFunds, "has 60.00 USD available, 60.01 USD needed");
}

TEST_F(LedgerOps, HoldMovesAvailableToHeldWithTwoLegs) {
  auto r = ledger.run(
      LedgerOp::kHold,
      R"({"escrowId":"e1","payer":"alice","payee":"bob","amount":3000,"currency":"USD"})",
      "k/hold");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->result, js(R"({"escrowId":"e1","status":"HELD"})"));
  expect_balance(ledger, "alice", "USD", {7000, 3000, 0});
  ASSERT_EQ(r->entry->legs.size(), 2U);
  EXPECT_EQ(r->entry->legs[0],
            (JournalLeg{"alice", "USD", Bucket::kAvailable, -3000, 10000, 7000}));
  EXPECT_EQ(r->entry->legs[1], (JournalLeg{"alice", "USD", Bucket::kHeld, 3000, 0, 3000}));
  EXPECT_EQ(r->entry->escrow_id, "e1");
  std::optional<Escrow> e = ledger.escrow("e1");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->status, EscrowStatus::kHeld);
  EXPECT_EQ(e->amount, 3000);
  EXPECT_EQ(e->held_by, "k/hold");
  EXPECT_EQ(e->resolved_by, "");
  expect_sound(ledger);
}

TEST_F(LedgerOps, HoldRefusals) {
  expect_refused(
      ledger, LedgerOp::kHold,
      R"({"escrowId":"e1","payer":"alice","payee":"bob","amount":10001,"currency":"USD"})",
      LedgerErrc::kInsufficientFunds, "alice has 100.00 USD available, 100.01 USD needed");
  // No EUR at all: a zero balance, not a missing one.
  expect_refused(ledger, LedgerOp::kHold,
                 R"({"escrowId":"e1","payer":"alice","payee":"bob","amount":1,"currency":"EUR"})",
                 LedgerErrc::kInsufficientFunds, "0.00 EUR available");
  hold_e1();
  expect_refused(ledger, LedgerOp::kHold,
                 R"({"escrowId":"e1","payer":"alice","payee":"bob","amount":5,"currency":"USD"})",
                 LedgerErrc::kEscrowExists, "held by journal entry k/hold");
  expect_refused(ledger, LedgerOp::kHold,
                 R"({"escrowId":"e2","payer":"alice","payee":"bob","amount":1.5,"currency":"USD"})",
                 LedgerErrc::kInvalidAmount, "parameters.amount");
}

TEST_F(LedgerOps, FullRelease) {
  hold_e1();
  auto r = ledger.run(LedgerOp::kRelease, R"({"escrowId":"e1"})", "k/rel");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->result, js(R"({"escrowId":"e1","released":3000,"returned":0,"status":"RELEASED"})"));
  expect_balance(ledger, "alice", "USD", {7000, 0, 0});
  expect_balance(ledger, "bob", "USD", {3000, 0, 0});
  // One entry, both users' legs.
  ASSERT_EQ(r->entry->legs.size(), 2U);
  EXPECT_EQ(r->entry->legs[0], (JournalLeg{"alice", "USD", Bucket::kHeld, -3000, 3000, 0}));
  EXPECT_EQ(r->entry->legs[1], (JournalLeg{"bob", "USD", Bucket::kAvailable, 3000, 0, 3000}));
  ASSERT_EQ(r->index.size(), 2U);
  EXPECT_EQ(r->index[0], (JournalIndexEntry{"alice", 3, "k/rel"}));
  EXPECT_EQ(r->index[1], (JournalIndexEntry{"bob", 1, "k/rel"}));
  std::optional<Escrow> e = ledger.escrow("e1");
  EXPECT_EQ(e->status, EscrowStatus::kReleased);
  EXPECT_EQ(e->released, 3000);
  EXPECT_EQ(e->returned, 0);
  EXPECT_EQ(e->resolved_by, "k/rel");
  expect_sound(ledger);
}

TEST_F(LedgerOps, PartialReleaseReturnsTheRestToThePayer) {
  hold_e1();
  auto r = ledger.run(LedgerOp::kRelease, R"({"escrowId":"e1","amount":1234,"currency":"USD"})",
                      "k/rel");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->result,
            js(R"({"escrowId":"e1","released":1234,"returned":1766,"status":"RELEASED"})"));
  expect_balance(ledger, "alice", "USD", {7000 + 1766, 0, 0});
  expect_balance(ledger, "bob", "USD", {1234, 0, 0});
  ASSERT_EQ(r->entry->legs.size(), 3U);
  EXPECT_EQ(r->entry->legs[2], (JournalLeg{"alice", "USD", Bucket::kAvailable, 1766, 7000, 8766}));
  expect_sound(ledger);
}

TEST_F(LedgerOps, ReleaseRefusals) {
  expect_refused(ledger, LedgerOp::kRelease, R"({"escrowId":"nope"})", LedgerErrc::kUnknownEscrow,
                 "escrow nope does not exist");
  hold_e1();
  expect_refused(ledger, LedgerOp::kRelease, R"({"escrowId":"e1","amount":3001})",
                 LedgerErrc::kInvalidAmount, "30.01 USD is more than escrow e1 holds (30.00 USD)");
  expect_refused(ledger, LedgerOp::kRelease, R"({"escrowId":"e1","amount":0})",
                 LedgerErrc::kInvalidAmount, "must be positive");
  expect_refused(ledger, LedgerOp::kRelease, R"({"escrowId":"e1","amount":"30"})",
                 LedgerErrc::kInvalidAmount, "got a string");
  expect_refused(ledger, LedgerOp::kRelease, R"({"escrowId":"e1","currency":"EUR"})",
                 LedgerErrc::kCurrencyMismatch, "escrow e1 is in USD, not EUR");
  ASSERT_TRUE(ledger.run(LedgerOp::kRelease, R"({"escrowId":"e1"})", "k/rel").ok());
  expect_refused(ledger, LedgerOp::kRelease, R"({"escrowId":"e1"})", LedgerErrc::kEscrowResolved,
                 "escrow e1 is already RELEASED (journal entry k/rel)");
  expect_refused(ledger, LedgerOp::kCancel, R"({"escrowId":"e1"})", LedgerErrc::kEscrowResolved);
  expect_refused(ledger, LedgerOp::kFreeze, R"({"escrowId":"e1"})", LedgerErrc::kEscrowResolved);
  expect_refused(ledger, LedgerOp::kSplit, R"({"escrowId":"e1","payeeAmount":1})",
                 LedgerErrc::kEscrowResolved);
  expect_sound(ledger);
}

TEST_F(LedgerOps, CancelRefundsThePayer) {
  hold_e1();
  auto r = ledger.run(LedgerOp::kCancel, R"({"escrowId":"e1"})", "k/cancel");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->result, js(R"({"escrowId":"e1","refunded":3000,"status":"CANCELLED"})"));
  expect_balance(ledger, "alice", "USD", {10000, 0, 0});
  expect_balance(ledger, "bob", "USD", {0, 0, 0});
  EXPECT_EQ(ledger.escrow("e1")->status, EscrowStatus::kCancelled);
  EXPECT_EQ(ledger.escrow("e1")->returned, 3000);
  expect_refused(ledger, LedgerOp::kRelease, R"({"escrowId":"e1"})", LedgerErrc::kEscrowResolved,
                 "CANCELLED");
  expect_sound(ledger);
}

TEST_F(LedgerOps, FreezeAndUnfreezeMoveHeldToFrozenAndBack) {
  hold_e1();
  auto f = ledger.run(LedgerOp::kFreeze, R"({"escrowId":"e1"})", "k/freeze");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->result, js(R"({"escrowId":"e1","status":"FROZEN"})"));
  expect_balance(ledger, "alice", "USD", {7000, 0, 3000});
  expect_sound(ledger);

  expect_refused(ledger, LedgerOp::kRelease, R"({"escrowId":"e1"})", LedgerErrc::kEscrowFrozen,
                 "frozen by a dispute");
  expect_refused(ledger, LedgerOp::kCancel, R"({"escrowId":"e1"})", LedgerErrc::kEscrowFrozen);
  expect_refused(ledger, LedgerOp::kFreeze, R"({"escrowId":"e1"})", LedgerErrc::kEscrowFrozen);
  expect_refused(ledger, LedgerOp::kExpire, R"({"escrowId":"e1"})", LedgerErrc::kEscrowFrozen);

  auto u = ledger.run(LedgerOp::kUnfreeze, R"({"escrowId":"e1"})", "k/unfreeze");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->result, js(R"({"escrowId":"e1","status":"HELD"})"));
  expect_balance(ledger, "alice", "USD", {7000, 3000, 0});
  expect_refused(ledger, LedgerOp::kUnfreeze, R"({"escrowId":"e1"})", LedgerErrc::kEscrowNotFrozen,
                 "is not frozen");
  ASSERT_TRUE(ledger.run(LedgerOp::kRelease, R"({"escrowId":"e1"})", "k/rel").ok());
  expect_balance(ledger, "bob", "USD", {3000, 0, 0});
  expect_sound(ledger);
}

TEST_F(LedgerOps, SplitOfAFrozenEscrow) {
  hold_e1();
  ASSERT_TRUE(ledger.run(LedgerOp::kFreeze, R"({"escrowId":"e1"})", "k/freeze").ok());
  auto r = ledger.run(LedgerOp::kSplit, R"({"escrowId":"e1","payeeAmount":1001})", "k/split");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->result, js(R"({"escrowId":"e1","released":1001,"refunded":1999,"status":"SPLIT"})"));
  expect_balance(ledger, "alice", "USD", {7000 + 1999, 0, 0});
  expect_balance(ledger, "bob", "USD", {1001, 0, 0});
  ASSERT_EQ(r->entry->legs.size(), 3U);
  EXPECT_EQ(r->entry->legs[0], (JournalLeg{"alice", "USD", Bucket::kFrozen, -3000, 3000, 0}));
  EXPECT_EQ(ledger.escrow("e1")->status, EscrowStatus::kSplit);
  expect_sound(ledger);
}

TEST_F(LedgerOps, SplitEdgesAndRefusals) {
  hold_e1();
  expect_refused(ledger, LedgerOp::kSplit, R"({"escrowId":"e1","payeeAmount":3001})",
                 LedgerErrc::kInvalidAmount, "parameters.payeeAmount: 30.01 USD is more than");
  expect_refused(ledger, LedgerOp::kSplit, R"({"escrowId":"e1","payeeAmount":-1})",
                 LedgerErrc::kInvalidAmount, "must not be negative");
  expect_refused(ledger, LedgerOp::kSplit, R"({"escrowId":"e1"})", LedgerErrc::kInvalidParameters,
                 "parameters.payeeAmount: field is missing");
  // Zero to the payee: everything back, and no zero-delta leg for bob.
  auto r = ledger.run(LedgerOp::kSplit, R"({"escrowId":"e1","payeeAmount":0})", "k/split");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->result, js(R"({"escrowId":"e1","released":0,"refunded":3000,"status":"SPLIT"})"));
  ASSERT_EQ(r->entry->legs.size(), 2U);
  ASSERT_EQ(r->index.size(), 1U);
  expect_balance(ledger, "alice", "USD", {10000, 0, 0});
  expect_sound(ledger);
}

TEST_F(LedgerOps, ExpireReturnsAHoldPastItsDeadline) {
  hold_e1(R"(,"expiresAt":"1970-01-01T00:00:05Z")");
  EXPECT_EQ(ledger.escrow("e1")->expires_at, 5'000);
  expect_refused(ledger, LedgerOp::kExpire, R"({"escrowId":"e1"})", LedgerErrc::kEscrowNotExpired,
                 "expires at 1970-01-01T00:00:05.000Z, not yet", 4'999);
  auto r = ledger.run(LedgerOp::kExpire, R"({"escrowId":"e1"})", "k/expire", 5'000);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->result, js(R"({"escrowId":"e1","returned":3000,"status":"EXPIRED"})"));
  EXPECT_EQ(r->entry->at, 5'000);
  expect_balance(ledger, "alice", "USD", {10000, 0, 0});
  // The timer that fires after a release finds it resolved.
  expect_refused(ledger, LedgerOp::kRelease, R"({"escrowId":"e1"})", LedgerErrc::kEscrowResolved,
                 "EXPIRED");
  expect_sound(ledger);
}

TEST_F(LedgerOps, ExpireWithoutDeadlineIsRefused) {
  hold_e1();
  expect_refused(ledger, LedgerOp::kExpire, R"({"escrowId":"e1"})", LedgerErrc::kEscrowNotExpired,
                 "has no expiry time", 1'000'000);
}

TEST_F(LedgerOps, TransferBetweenUsers) {
  auto r = ledger.run(
      LedgerOp::kTransfer,
      R"({"from":"alice","to":"bob","amount":2500,"currency":"USD","kind":"direct"})", "k/t");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->result,
            js(R"({"from":"alice","to":"bob","amount":2500,"currency":"USD","kind":"direct"})"));
  expect_balance(ledger, "alice", "USD", {7500, 0, 0});
  expect_balance(ledger, "bob", "USD", {2500, 0, 0});
  EXPECT_EQ(ledger.balance("bob", "USD").external_in, 0);
  expect_refused(ledger, LedgerOp::kTransfer,
                 R"({"from":"bob","to":"alice","amount":2501,"currency":"USD","kind":"direct"})",
                 LedgerErrc::kInsufficientFunds, "bob has 25.00 USD available");
  expect_sound(ledger);
}

TEST_F(LedgerOps, MintedTransferCountsAsMoneyIn) {
  auto r =
      ledger.run(LedgerOp::kTransfer,
                 R"({"to":"carol","amount":500,"currency":"HOUR","kind":"welcome_bonus"})", "k/t");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->result,
            js(R"({"to":"carol","amount":500,"currency":"HOUR","kind":"welcome_bonus"})"));
  EXPECT_EQ(ledger.balance("carol", "HOUR").external_in, 500);
  EXPECT_EQ(external_flow(*r->entry), 500);
  expect_sound(ledger);
}

TEST_F(LedgerOps, ReplaySameKeyReturnsStoredResultAndChangesNothing) {
  hold_e1();
  auto first =
      ledger.run(LedgerOp::kRelease, R"({"escrowId":"e1","amount":1000})", "exec/Release/3");
  ASSERT_TRUE(first.ok());
  const auto after_first = ledger.tables();
  // Parameter order does not matter; the stored result comes back though a release now fails.
  auto again =
      ledger.run(LedgerOp::kRelease, R"({"amount":1000,"escrowId":"e1"})", "exec/Release/3");
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(again->result, first->result);
  EXPECT_FALSE(again->entry);
  EXPECT_TRUE(ledger_writes(*again).empty());
  EXPECT_EQ(ledger.tables(), after_first);

  // A deposit replayed days later still answers what it answered then.
  auto dep = ledger.run(LedgerOp::kDeposit,
                        R"({"account":"alice","amount":10000,"currency":"USD"})", "k/dep", 99'999);
  ASSERT_TRUE(dep.ok());
  EXPECT_TRUE(dep->replayed);
  EXPECT_EQ(dep->result.at("balances").at("USD").at("available"), 10000);
  EXPECT_EQ(ledger.tables(), after_first);
}

TEST_F(LedgerOps, SameKeyWithOtherParametersIsAConflict) {
  hold_e1();
  const auto before = ledger.tables();
  auto other_amount = ledger.run(LedgerOp::kDeposit,
                                 R"({"account":"alice","amount":10,"currency":"USD"})", "k/dep");
  ASSERT_FALSE(other_amount.ok());
  EXPECT_EQ(other_amount.error().code, LedgerErrc::kIdempotencyConflict);
  auto other_op = ledger.run(LedgerOp::kRelease, R"({"escrowId":"e1"})", "k/hold");
  ASSERT_FALSE(other_op.ok());
  EXPECT_EQ(other_op.error().code, LedgerErrc::kIdempotencyConflict);
  EXPECT_NE(other_op.error().message.find("was used by a hold"), std::string::npos);
  EXPECT_EQ(ledger.tables(), before);
}

TEST_F(LedgerOps, FailedAttemptIsNotStoredSoARetryCanSucceed) {
  // Insufficient funds now; the retry with the same key after a deposit goes through.
  const std::string params = R"({"account":"bob","amount":100,"currency":"USD"})";
  auto first = ledger.run(LedgerOp::kWithdraw, params, "exec/Pay/1");
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.error().code, LedgerErrc::kInsufficientFunds);
  ASSERT_TRUE(ledger.run(LedgerOp::kDeposit, params, "k/bob").ok());
  auto retry = ledger.run(LedgerOp::kWithdraw, params, "exec/Pay/1");
  ASSERT_TRUE(retry.ok());
  EXPECT_FALSE(retry->replayed);
  expect_sound(ledger);
}

TEST_F(LedgerOps, JournalIndexListsEachAccountsEntriesInOrder) {
  hold_e1();
  ASSERT_TRUE(ledger.run(LedgerOp::kRelease, R"({"escrowId":"e1","amount":100})", "k/rel").ok());
  std::vector<std::string> ids;
  for (const JournalEntry& e : ledger.journal("alice")) ids.push_back(e.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"k/dep", "k/hold", "k/rel"}));
  ids.clear();
  for (const JournalEntry& e : ledger.journal("bob")) ids.push_back(e.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"k/rel"}));
  EXPECT_EQ(*ledger.get(Table::kLedgerAccounts, journal_head_key("alice")), "3");
}

// The pure function itself: a const view in, an error out, and an incomplete view is caught.
TEST(LedgerApply, IncompleteViewIsRefusedNotGuessed) {
  auto request = parse_ledger_request(LedgerOp::kDeposit,
                                      js(R"({"account":"a","amount":1,"currency":"USD"})"));
  ASSERT_TRUE(request.ok());
  LedgerView view;
  auto r = apply_ledger(*request, view, "k", 0);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, LedgerErrc::kInternal);
  EXPECT_NE(r.error().message.find("lacks the balance of account a in USD"), std::string::npos);

  view.balances[BalanceKey{"a", "USD"}] = empty_balance(BalanceKey{"a", "USD"});
  r = apply_ledger(*request, view, "k", 0);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("lacks the journal head of account a"), std::string::npos);

  view.journal_heads["a"] = 41;
  r = apply_ledger(*request, view, "k", 0);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->index[0].sequence, 42U);
  EXPECT_FALSE(apply_ledger(*request, view, "", 0).ok());
}

TEST(LedgerApply, HeldBelowZeroIsAnInconsistencyNotInsufficientFunds) {
  auto request = parse_ledger_request(LedgerOp::kCancel, js(R"({"escrowId":"e"})"));
  ASSERT_TRUE(request.ok());
  LedgerView view;
  Escrow e;
  e.id = "e";
  e.payer = "p";
  e.payee = "q";
  e.currency = "USD";
  e.amount = 10;
  view.escrows["e"] = e;
  AccountBalance p = empty_balance(BalanceKey{"p", "USD"});
  p.held = 9;  // corrupt: less than the escrow
  view.balances[p.key()] = p;
  view.journal_heads["p"] = 1;
  auto r = apply_ledger(*request, view, "k", 0);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, LedgerErrc::kInternal);
  EXPECT_NE(r.error().message.find("held USD would go below zero"), std::string::npos);
}

TEST(LedgerApply, AvailableOverflowOnCreditIsInvalidAmount) {
  auto request = parse_ledger_request(
      LedgerOp::kTransfer, js(R"({"from":"a","to":"b","amount":2,"currency":"USD","kind":"x"})"));
  ASSERT_TRUE(request.ok());
  LedgerView view;
  AccountBalance a = empty_balance(BalanceKey{"a", "USD"});
  a.available = 10;
  AccountBalance b = empty_balance(BalanceKey{"b", "USD"});
  b.available = kMax - 1;
  view.balances[a.key()] = a;
  view.balances[b.key()] = b;
  view.journal_heads = {{"a", 0}, {"b", 0}};
  auto r = apply_ledger(*request, view, "k", 0);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, LedgerErrc::kInvalidAmount);
  EXPECT_NE(r.error().message.find("does not fit in int64"), std::string::npos);
}

TEST(LedgerBalance, QueryAllOrOneCurrency) {
  AccountBalance usd = empty_balance(BalanceKey{"a", "USD"});
  usd.available = 5;
  AccountBalance hour = empty_balance(BalanceKey{"a", "HOUR"});
  hour.held = 150;
  AccountBalance other = empty_balance(BalanceKey{"b", "USD"});
  EXPECT_EQ(balance_result(BalanceQuery{"a", ""}, {usd, hour, other}),
            js(R"({"account":"a","balances":{"HOUR":{"available":0,"held":150,"frozen":0},)"
               R"("USD":{"available":5,"held":0,"frozen":0}}})"));
  // One currency: its buckets, also flat (zeros for a currency the account never held).
  EXPECT_EQ(balance_result(BalanceQuery{"a", "EUR"}, {usd}),
            js(R"({"account":"a","balances":{"EUR":{"available":0,"held":0,"frozen":0}},)"
               R"("currency":"EUR","available":0,"held":0,"frozen":0})"));
  const auto one = balance_result(BalanceQuery{"a", "HOUR"}, {usd, hour});
  EXPECT_EQ(one.at("balances").as_object().size(), 1U);
  EXPECT_EQ(one.at("held"), 150);
  EXPECT_EQ(one.at("available"), 0);
}

}  // namespace
}  // namespace settled::ledger
