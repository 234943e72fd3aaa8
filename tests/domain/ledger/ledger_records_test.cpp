// JSON round trips of the ledger's records, refusal of corrupt ones, error names.
#include "domain/ledger/balance.hpp"
#include "domain/ledger/escrow.hpp"
#include "domain/ledger/journal.hpp"
#include "domain/ledger/ledger_error.hpp"
#include "support/field_count.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <functional>
#include <limits>
#include <vector>

namespace settled::ledger {
namespace {

namespace json = boost::json;

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

// Through text, as the store keeps it.
json::value through_text(const json::object& o) {
  return json::parse(json::serialize(o));
}

TEST(LedgerRecords, BalanceRoundTrip) {
  AccountBalance b{"alice", "HOUR", 1, 2, 3, kMax, 5};
  auto back = balance_from_json(through_text(to_json(b)));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, b);
  EXPECT_EQ(to_json(b),
            json::parse(R"({"account":"alice","currency":"HOUR","available":1,"held":2,)"
                        R"("frozen":3,"externalIn":9223372036854775807,"externalOut":5})"));
}

TEST(LedgerRecords, CorruptBalanceIsRefusedNamingTheField) {
  auto r = balance_from_json(json::parse(R"({"account":"a","currency":"USD","available":1.5,)"
                                         R"("held":0,"frozen":0,"externalIn":0,"externalOut":0})"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInternal);
  EXPECT_EQ(r.error().message, "stored ledger balance: available is not an int64");
  EXPECT_FALSE(balance_from_json(json::parse(R"({"account":"a","currency":"usd"})")).ok());
  EXPECT_FALSE(balance_from_json(json::parse("[]")).ok());
  auto missing = balance_from_json(json::parse(R"({"currency":"USD"})"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, "stored ledger balance: account is missing");
}

TEST(LedgerRecords, EscrowRoundTripEveryStatus) {
  for (EscrowStatus s : {EscrowStatus::kHeld, EscrowStatus::kFrozen, EscrowStatus::kReleased,
                         EscrowStatus::kCancelled, EscrowStatus::kSplit, EscrowStatus::kExpired}) {
    Escrow e;
    e.id = "esc-1";
    e.payer = "p";
    e.payee = "q";
    e.currency = "EUR";
    e.amount = 1999;
    e.status = s;
    e.released = 1000;
    e.returned = 999;
    e.held_by = "x/Hold/1";
    e.resolved_by = is_resolved(s) ? "x/Release/2" : "";
    if (s == EscrowStatus::kHeld) e.expires_at = 1'767'225'600'123;
    auto back = escrow_from_json(through_text(to_json(e)));
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(*back, e) << escrow_status_name(s);
    EXPECT_EQ(parse_escrow_status(escrow_status_name(s)), s);
  }
  EXPECT_FALSE(parse_escrow_status("held"));
}

TEST(LedgerRecords, EscrowJsonShape) {
  Escrow e;
  e.id = "e";
  e.payer = "p";
  e.payee = "q";
  e.currency = "USD";
  e.amount = 5;
  e.held_by = "h";
  e.expires_at = 0;
  EXPECT_EQ(to_json(e), json::parse(R"({"escrowId":"e","payer":"p","payee":"q","amount":5,)"
                                    R"("currency":"USD","status":"HELD",)"
                                    R"("expiresAt":"1970-01-01T00:00:00.000Z","released":0,)"
                                    R"("returned":0,"heldBy":"h"})"));
  json::object bad = to_json(e);
  bad["status"] = "PAID";
  EXPECT_EQ(escrow_from_json(bad).error().message, "stored ledger escrow: status is unknown");
  bad = to_json(e);
  bad["expiresAt"] = "tomorrow";
  EXPECT_FALSE(escrow_from_json(bad).ok());
}

TEST(LedgerRecords, JournalEntryRoundTrip) {
  JournalEntry e;
  e.id = "exec-1/Release/4";
  e.op = LedgerOp::kRelease;
  e.at = 1'700'000'000'123;
  e.escrow_id = "esc";
  e.params = json::parse(R"({"escrowId":"esc","amount":100})").as_object();
  e.legs = {{"p", "USD", Bucket::kHeld, -300, 300, 0},
            {"q", "USD", Bucket::kAvailable, 100, 0, 100},
            {"p", "USD", Bucket::kAvailable, 200, 5, 205}};
  e.result = json::parse(R"({"escrowId":"esc","released":100,"returned":200,"status":"RELEASED"})");
  auto back = journal_entry_from_json(through_text(to_json(e)));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, e);
  const json::object o = to_json(e);
  EXPECT_EQ(o.at("op"), "release");
  EXPECT_EQ(o.at("at"), "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(o.at("legs").at(0),
            json::parse(R"({"account":"p","currency":"USD","bucket":"held","delta":-300,)"
                        R"("before":300,"after":0})"));

  json::object bad = o;
  bad["legs"].as_array()[1].as_object()["bucket"] = "pending";
  EXPECT_EQ(journal_entry_from_json(bad).error().message,
            "stored ledger journal leg: bucket is unknown");
  bad = o;
  bad["op"] = "refund";
  EXPECT_FALSE(journal_entry_from_json(bad).ok());
  bad = o;
  bad.erase("result");
  EXPECT_FALSE(journal_entry_from_json(bad).ok());
}

// A field added to a stored ledger record fails here until its codec, its operator== and the
// fully-populated fixtures below carry it.
static_assert(testing::field_count<AccountBalance>() == 7, "update the balance codec and tests");
static_assert(testing::field_count<Escrow>() == 11, "update the escrow codec and tests");
static_assert(testing::field_count<JournalLeg>() == 6, "update the journal leg codec and tests");
static_assert(testing::field_count<JournalEntry>() == 7, "update the journal codec and tests");

// Applies each one-field change in `changes` to `full` and checks that operator== sees it (so
// that a round trip compared with == compares every field) and that the stored text of the
// changed record decodes back to it.
template <typename Record, typename Encode, typename Decode>
void expect_every_field_counts(const Record& full, Encode encode, Decode decode,
                               const std::vector<std::function<void(Record&)>>& changes) {
  auto back = decode(through_text(encode(full)));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_TRUE(*back == full);
  EXPECT_EQ(encode(*back), encode(full));
  for (std::size_t i = 0; i < changes.size(); ++i) {
    Record changed = full;
    changes[i](changed);
    EXPECT_FALSE(changed == full) << "operator== misses the field of change " << i;
    auto decoded = decode(through_text(encode(changed)));
    ASSERT_TRUE(decoded.ok()) << i << ": " << decoded.error().message;
    EXPECT_TRUE(*decoded == changed) << "change " << i << " is lost by the codec";
  }
}

TEST(LedgerRecords, EveryBalanceFieldIsStoredAndCompared) {
  const AccountBalance full{"alice", "EUR", 1, 2, 3, 4, 5};
  expect_every_field_counts<AccountBalance>(
      full, [](const AccountBalance& b) { return to_json(b); },
      [](const json::value& v) { return balance_from_json(v); },
      {[](AccountBalance& b) { b.account = "bob"; }, [](AccountBalance& b) { b.currency = "USD"; },
       [](AccountBalance& b) { b.available = 9; }, [](AccountBalance& b) { b.held = 9; },
       [](AccountBalance& b) { b.frozen = 9; }, [](AccountBalance& b) { b.external_in = 9; },
       [](AccountBalance& b) { b.external_out = 9; }});
}

TEST(LedgerRecords, EveryEscrowFieldIsStoredAndCompared) {
  Escrow full;
  full.id = "esc-1";
  full.payer = "p";
  full.payee = "q";
  full.currency = "EUR";
  full.amount = 1999;
  full.status = EscrowStatus::kSplit;
  full.expires_at = 1'767'225'600'123;
  full.released = 1000;
  full.returned = 999;
  full.held_by = "x/Hold/1";
  full.resolved_by = "x/Split/2";
  expect_every_field_counts<Escrow>(
      full, [](const Escrow& e) { return to_json(e); },
      [](const json::value& v) { return escrow_from_json(v); },
      {[](Escrow& e) { e.id = "esc-2"; }, [](Escrow& e) { e.payer = "r"; },
       [](Escrow& e) { e.payee = "s"; }, [](Escrow& e) { e.currency = "USD"; },
       [](Escrow& e) { e.amount = 7; }, [](Escrow& e) { e.status = EscrowStatus::kExpired; },
       [](Escrow& e) { e.expires_at = 5; }, [](Escrow& e) { e.expires_at.reset(); },
       [](Escrow& e) { e.released = 1; }, [](Escrow& e) { e.returned = 1; },
       [](Escrow& e) { e.held_by = "y/Hold/1"; }, [](Escrow& e) { e.resolved_by = "y/Cancel/3"; }});
}

TEST(LedgerRecords, EveryJournalFieldIsStoredAndCompared) {
  JournalEntry full;
  full.id = "exec-1/Split/4";
  full.op = LedgerOp::kSplit;
  full.at = 1'700'000'000'123;
  full.escrow_id = "esc";
  full.params = json::parse(R"({"escrowId":"esc","payeeAmount":100})").as_object();
  full.legs = {{"p", "USD", Bucket::kHeld, -300, 300, 0},
               {"q", "USD", Bucket::kAvailable, 100, 0, 100}};
  full.result = json::parse(R"({"escrowId":"esc","status":"SPLIT"})");
  using Change = std::function<void(JournalEntry&)>;
  std::vector<Change> changes{
      [](JournalEntry& e) { e.id = "exec-2/Split/4"; },
      [](JournalEntry& e) { e.op = LedgerOp::kRelease; },
      [](JournalEntry& e) { e.at += 1; },
      [](JournalEntry& e) { e.escrow_id = "other"; },
      [](JournalEntry& e) { e.params["extra"] = 1; },
      [](JournalEntry& e) { e.legs.pop_back(); },
      [](JournalEntry& e) { e.result = json::parse(R"({"status":"RELEASED"})"); }};
  // Each field of a leg, too.
  for (std::size_t field = 0; field < 6; ++field) {
    changes.push_back([field](JournalEntry& e) {
      JournalLeg& l = e.legs[0];
      switch (field) {
        case 0:
          l.account = "z";
          break;
        case 1:
          l.currency = "EUR";
          break;
        case 2:
          l.bucket = Bucket::kFrozen;
          break;
        case 3:
          l.delta = -1;
          break;
        case 4:
          l.before = 1;
          break;
        default:
          l.after = 42;
          break;
      }
    });
  }
  expect_every_field_counts<JournalEntry>(
      full, [](const JournalEntry& e) { return to_json(e); },
      [](const json::value& v) { return journal_entry_from_json(v); }, changes);
}

TEST(LedgerRecords, OpAndBucketNames) {
  for (LedgerOp op : {LedgerOp::kDeposit, LedgerOp::kWithdraw, LedgerOp::kHold, LedgerOp::kRelease,
                      LedgerOp::kCancel, LedgerOp::kFreeze, LedgerOp::kUnfreeze, LedgerOp::kSplit,
                      LedgerOp::kTransfer, LedgerOp::kExpire}) {
    EXPECT_EQ(parse_ledger_op(ledger_op_name(op)), op);
  }
  EXPECT_FALSE(parse_ledger_op("balance"));
  for (Bucket b : {Bucket::kAvailable, Bucket::kHeld, Bucket::kFrozen})
    EXPECT_EQ(parse_bucket(bucket_name(b)), b);
}

TEST(LedgerRecords, ExternalFlow) {
  JournalEntry e;
  e.legs = {{"a", "USD", Bucket::kAvailable, 70, 0, 70}};
  e.op = LedgerOp::kDeposit;
  EXPECT_EQ(external_flow(e), 70);
  e.op = LedgerOp::kTransfer;
  e.params = json::parse(R"({"to":"a"})").as_object();
  EXPECT_EQ(external_flow(e), 70);
  e.params = json::parse(R"({"from":"b","to":"a"})").as_object();
  EXPECT_EQ(external_flow(e), 0);
  e.op = LedgerOp::kWithdraw;
  e.legs[0].delta = -70;
  EXPECT_EQ(external_flow(e), -70);
  e.op = LedgerOp::kHold;
  EXPECT_EQ(external_flow(e), 0);
}

TEST(LedgerErrors, AslNamesAreExact) {
  EXPECT_EQ(asl_error_name(LedgerErrc::kInsufficientFunds), "Ledger.InsufficientFunds");
  EXPECT_EQ(asl_error_name(LedgerErrc::kUnknownEscrow), "Ledger.UnknownEscrow");
  EXPECT_EQ(asl_error_name(LedgerErrc::kEscrowResolved), "Ledger.EscrowResolved");
  EXPECT_EQ(asl_error_name(LedgerErrc::kEscrowFrozen), "Ledger.EscrowFrozen");
  EXPECT_EQ(asl_error_name(LedgerErrc::kCurrencyMismatch), "Ledger.CurrencyMismatch");
  EXPECT_EQ(asl_error_name(LedgerErrc::kInvalidAmount), "Ledger.InvalidAmount");
  EXPECT_EQ(asl_error_name(LedgerErrc::kInvalidParameters), "Ledger.InvalidParameters");
  EXPECT_EQ(asl_error_name(LedgerErrc::kEscrowExists), "Ledger.EscrowExists");
  EXPECT_EQ(asl_error_name(LedgerErrc::kEscrowNotFrozen), "Ledger.EscrowNotFrozen");
  EXPECT_EQ(asl_error_name(LedgerErrc::kEscrowNotExpired), "Ledger.EscrowNotExpired");
  EXPECT_EQ(asl_error_name(LedgerErrc::kIdempotencyConflict), "Ledger.IdempotencyConflict");
  EXPECT_EQ(asl_error_name(LedgerErrc::kRecordCorrupt), "Ledger.RecordCorrupt");
  EXPECT_EQ(asl_error_name(LedgerErrc::kInternal), "Ledger.Internal");
}

TEST(LedgerErrors, HttpMapping) {
  const Error amount = to_error(LedgerError(LedgerErrc::kInvalidAmount, "parameters.amount: x"));
  EXPECT_EQ(amount.code, ErrorCode::kInvalidAmount);
  EXPECT_EQ(amount.message, "Ledger.InvalidAmount: parameters.amount: x");
  EXPECT_EQ(to_error(LedgerError(LedgerErrc::kUnknownEscrow, "")).code, ErrorCode::kUnknownEscrow);
  EXPECT_EQ(to_error(LedgerError(LedgerErrc::kInternal, "")).code, ErrorCode::kInternal);
  EXPECT_EQ(to_error(LedgerError(LedgerErrc::kRecordCorrupt, "")).code, ErrorCode::kRecordCorrupt);
  EXPECT_EQ(to_error(LedgerError(LedgerErrc::kInsufficientFunds, "")).code,
            ErrorCode::kInsufficientFunds);
  EXPECT_EQ(to_error(LedgerError(LedgerErrc::kInvalidParameters, "")).code,
            ErrorCode::kInvalidRequest);
  EXPECT_EQ(from_error(Error(ErrorCode::kInvalidAmount, "m")).code, LedgerErrc::kInvalidAmount);
  EXPECT_EQ(from_error(Error(ErrorCode::kInvalidRequest, "m")).code,
            LedgerErrc::kInvalidParameters);
}

}  // namespace
}  // namespace settled::ledger
