// What the ledger stores is written directly; it must be, byte for byte, the serialized
// to_json of each row, so every reader (and every store written before) reads it as before.

#include "domain/ledger/stored_text.hpp"

#include <boost/json.hpp>

#include <gtest/gtest.h>

namespace settled::ledger {
namespace {

namespace json = boost::json;

TEST(LedgerStoredText, ABalanceIsItsSerializedJson) {
  AccountBalance balance;
  balance.account = "user \"quoted\" \\ é";
  balance.currency = "USD";
  balance.available = 9'223'372'036'854'775'807;
  balance.held = -5;
  balance.frozen = 0;
  balance.external_in = 1'000'000;
  balance.external_out = 42;
  EXPECT_EQ(stored_text(balance), json::serialize(to_json(balance)));
}

TEST(LedgerStoredText, AnEscrowIsItsSerializedJsonWithAndWithoutItsOptionalFields) {
  Escrow open;
  open.id = "esc-1";
  open.payer = "payer";
  open.payee = "payee\n";
  open.currency = "EUR";
  open.amount = 1250;
  open.held_by = "le_1";
  EXPECT_EQ(stored_text(open), json::serialize(to_json(open)));
  Escrow expiring = open;
  expiring.expires_at = 1'700'000'000'999;
  EXPECT_EQ(stored_text(expiring), json::serialize(to_json(expiring)));
  Escrow resolved = open;
  resolved.status = EscrowStatus::kSplit;
  resolved.expires_at = 1'700'000'000'123;
  resolved.released = 1000;
  resolved.returned = 250;
  resolved.resolved_by = "le_2";
  EXPECT_EQ(stored_text(resolved), json::serialize(to_json(resolved)));
}

TEST(LedgerStoredText, AJournalEntryIsItsSerializedJson) {
  JournalEntry entry;
  entry.id = "le_\"1\"";
  entry.op = LedgerOp::kRelease;
  entry.at = 1'700'000'000'456;
  entry.params = json::object{{"escrowId", "esc-1"}, {"amount", 1250}, {"split", {1, 2.5, "x"}}};
  entry.legs = {JournalLeg{"payer", "USD", Bucket::kHeld, -1250, 1250, 0},
                JournalLeg{"payee", "USD", Bucket::kAvailable, 1250, 0, 1250}};
  entry.result = json::object{{"status", "RELEASED"}, {"balances", json::array{}}};
  EXPECT_EQ(stored_text(entry), json::serialize(to_json(entry)));
  JournalEntry bare;
  bare.id = "le_2";
  bare.op = LedgerOp::kDeposit;
  EXPECT_EQ(stored_text(bare), json::serialize(to_json(bare)));
  bare.escrow_id = "esc-9";
  bare.result = nullptr;
  EXPECT_EQ(stored_text(bare), json::serialize(to_json(bare)));
}

}  // namespace
}  // namespace settled::ledger
