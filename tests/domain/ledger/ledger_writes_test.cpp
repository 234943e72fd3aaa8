// Key layouts of the ledger tables and the WriteBatch an outcome becomes.
#include "domain/ledger/keys.hpp"
#include "domain/ledger/writes.hpp"

#include <gtest/gtest.h>

namespace settled::ledger {
namespace {

TEST(LedgerKeys, Layouts) {
  EXPECT_EQ(balance_key("alice", "USD"), std::string("alice\0USD", 9));
  EXPECT_EQ(account_rows_prefix("alice"), std::string("alice\0", 6));
  EXPECT_EQ(journal_head_key("alice"), std::string("alice\0", 6));
  EXPECT_EQ(journal_index_key("a", 258), std::string("a\0\x01\0\0\0\0\0\0\x01\x02", 11));
  // Big-endian: byte order is numeric order, so a prefix scan lists in sequence.
  EXPECT_LT(journal_index_key("a", 255), journal_index_key("a", 256));
  EXPECT_LT(journal_index_key("a", 1), journal_index_key("a", 1ULL << 40));
  auto parsed = parse_journal_index_key(journal_index_key("exec/x", 1ULL << 63));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->first, "exec/x");
  EXPECT_EQ(parsed->second, 1ULL << 63);
  EXPECT_FALSE(parse_journal_index_key("short"));
  EXPECT_FALSE(parse_journal_index_key(std::string("abcdefghij", 10)));
  EXPECT_FALSE(parse_journal_index_key(balance_key("a", "USD")));
  EXPECT_EQ(decode_journal_head(encode_journal_head(18446744073709551615ULL)),
            18446744073709551615ULL);
  EXPECT_FALSE(decode_journal_head(""));
  EXPECT_FALSE(decode_journal_head("12x"));
  EXPECT_FALSE(decode_journal_head("-1"));
}

// One account's rows sit together: head, then every index line in order, then its balances; and
// nothing of a neighbouring account comes between them.
TEST(LedgerKeys, AnAccountsRowsAreAdjacentAndTellTheirKind) {
  const std::string head = journal_head_key("bob");
  const std::string first = journal_index_key("bob", 1), last = journal_index_key("bob", ~0ULL);
  const std::string usd = balance_key("bob", "USD"), hour = balance_key("bob", "HOUR");
  EXPECT_LT(head, first);
  EXPECT_LT(last, hour);
  EXPECT_LT(hour, usd);
  for (const std::string& key : {head, first, last, usd})
    EXPECT_EQ(key.compare(0, 4, account_rows_prefix("bob")), 0);
  EXPECT_FALSE(balance_key("bo", "USD").compare(0, 4, account_rows_prefix("bob")) == 0);
  EXPECT_LT(usd, journal_head_key("bob-2"));

  auto row = parse_account_row_key(head);
  ASSERT_TRUE(row);
  EXPECT_EQ(row->kind, AccountRowKind::kJournalHead);
  EXPECT_EQ(row->account, "bob");
  row = parse_account_row_key(last);
  ASSERT_TRUE(row);
  EXPECT_EQ(row->kind, AccountRowKind::kIndexLine);
  EXPECT_EQ(row->sequence, ~0ULL);
  row = parse_account_row_key(usd);
  ASSERT_TRUE(row);
  EXPECT_EQ(row->kind, AccountRowKind::kBalance);
  EXPECT_EQ(row->currency, "USD");
  EXPECT_FALSE(parse_account_row_key("no-separator"));
  EXPECT_FALSE(parse_account_row_key(std::string("\0USD", 4)));          // no account
  EXPECT_FALSE(parse_account_row_key(std::string("bob\0\x01\x02", 6)));  // short line
  EXPECT_FALSE(parse_account_row_key(std::string("bob\0US\0D", 8)));     // two NULs
}

TEST(LedgerWrites, OneBatchWithEveryRecord) {
  LedgerOutcome out;
  out.balances = {AccountBalance{"p", "USD", 0, 0, 0, 0, 0},
                  AccountBalance{"q", "USD", 5, 0, 0, 0, 0}};
  Escrow e;
  e.id = "e";
  out.escrows = {e};
  JournalEntry entry;
  entry.id = "k";
  out.entry = entry;
  out.index = {{"p", 7, "k"}, {"q", 1, "k"}};
  const WriteBatch batch = ledger_writes(out);
  ASSERT_EQ(batch.size(), 8U);
  EXPECT_EQ(batch.ops[0].table, Table::kLedgerAccounts);
  EXPECT_EQ(batch.ops[0].key, balance_key("p", "USD"));
  EXPECT_EQ(batch.ops[2].table, Table::kLedgerEscrows);
  EXPECT_EQ(batch.ops[3].table, Table::kLedgerJournal);
  EXPECT_EQ(batch.ops[3].key, "k");
  // The index line and the head go beside the account's balance, in the same table.
  EXPECT_EQ(batch.ops[4].table, Table::kLedgerAccounts);
  EXPECT_EQ(batch.ops[4].key, journal_index_key("p", 7));
  EXPECT_EQ(batch.ops[4].value, "k");
  EXPECT_EQ(batch.ops[5].table, Table::kLedgerAccounts);
  EXPECT_EQ(batch.ops[5].key, journal_head_key("p"));
  EXPECT_EQ(batch.ops[5].value, "7");
  for (const WriteOp& op : batch.ops) EXPECT_FALSE(op.erase);
  out.replayed = true;
  EXPECT_TRUE(ledger_writes(out).empty());
}

TEST(LedgerWrites, TableNames) {
  EXPECT_STREQ(table_name(Table::kLedgerAccounts), "ledger_accounts");
  EXPECT_STREQ(table_name(Table::kLedgerEscrows), "ledger_escrows");
  EXPECT_STREQ(table_name(Table::kLedgerJournal), "ledger_journal");
  EXPECT_STREQ(table_name(Table::kLedgerJournalIndex), "ledger_journal_index");
  EXPECT_STREQ(table_name(Table::kLedgerJournalHeads), "ledger_journal_heads");
  EXPECT_STREQ(table_name(Table::kLedgerExpiry), "ledger_expiry");
}

TEST(LedgerWrites, ExpiryKeysSortByDueTimeAndRoundTrip) {
  const std::string early = expiry_key(1'000, "zz"), late = expiry_key(2'000, "aa");
  EXPECT_LT(early, late);
  const auto parsed = parse_expiry_key(late);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->first, 2'000);
  EXPECT_EQ(parsed->second, "aa");
  EXPECT_FALSE(parse_expiry_key("short").has_value());
}

}  // namespace
}  // namespace settled::ledger
