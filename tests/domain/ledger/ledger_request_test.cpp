// Task parameters -> LedgerRequest: every field checked, every refusal naming the field.
#include "domain/ledger/request.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <string>
#include <utility>
#include <vector>

namespace settled::ledger {
namespace {

namespace json = boost::json;

LedgerResult<LedgerRequest> parse(LedgerOp op, std::string_view text) {
  return parse_ledger_request(op, json::parse(text));
}

// The refusal's code and message for `text`.
std::pair<LedgerErrc, std::string> refusal(LedgerOp op, std::string_view text) {
  auto r = parse(op, text);
  if (r.ok()) return {LedgerErrc::kInternal, "ok"};
  return {r.error().code, r.error().message};
}

TEST(LedgerRequest, ResourceNames) {
  EXPECT_EQ(ledger_op_from_resource("settled:ledger.deposit"), LedgerOp::kDeposit);
  EXPECT_EQ(ledger_op_from_resource("settled:ledger.split"), LedgerOp::kSplit);
  EXPECT_EQ(ledger_op_from_resource("settled:ledger.expire"), LedgerOp::kExpire);
  EXPECT_FALSE(ledger_op_from_resource("settled:ledger.balance"));
  EXPECT_FALSE(ledger_op_from_resource("settled:records.put"));
  EXPECT_FALSE(ledger_op_from_resource("settled:ledger."));
}

TEST(LedgerRequest, Deposit) {
  auto r = parse(LedgerOp::kDeposit, R"({"account":"u-1","amount":1250,"currency":"USD"})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->account, "u-1");
  EXPECT_EQ(r->amount, 1250);
  EXPECT_EQ(r->currency, "USD");
  EXPECT_EQ(to_json(*r), json::parse(R"({"account":"u-1","amount":1250,"currency":"USD"})"));
}

TEST(LedgerRequest, AmountsMustBePositiveJsonIntegers) {
  const std::string head = R"({"account":"a","currency":"USD","amount":)";
  const std::pair<const char*, const char*> cases[] = {
      {"12.5",
       "parameters.amount: amount must be an integer number of minor units (e.g. cents), "
       "got 12.5"},
      {"12.0", "got 12.0"},
      {"1e3", "got 1000.0"},
      {"\"1250\"", "got a string \"1250\""},
      {"null", "got null"},
      {"true", "got a boolean true"},
      {"0", "parameters.amount: amount must be positive, got 0"},
      {"-5", "parameters.amount: amount must be positive, got -5"},
      {"9223372036854775808", "amount overflows int64"},
      {"100000000000000000000", "amount overflows int64"},
  };
  for (const auto& [amount, message] : cases) {
    auto [code, text] = refusal(LedgerOp::kDeposit, head + amount + "}");
    EXPECT_EQ(code, LedgerErrc::kInvalidAmount) << amount;
    EXPECT_NE(text.find(message), std::string::npos) << amount << ": " << text;
  }
  EXPECT_TRUE(parse(LedgerOp::kDeposit, head + "9223372036854775807}").ok());
}

TEST(LedgerRequest, MissingAndBadFieldsAreNamed) {
  EXPECT_EQ(refusal(LedgerOp::kDeposit, R"({"amount":1,"currency":"USD"})"),
            std::make_pair(LedgerErrc::kInvalidParameters,
                           std::string("parameters.account: field is missing")));
  EXPECT_EQ(refusal(LedgerOp::kDeposit, R"({"account":"a","currency":"USD"})"),
            std::make_pair(LedgerErrc::kInvalidParameters,
                           std::string("parameters.amount: field is missing")));
  EXPECT_EQ(refusal(LedgerOp::kDeposit, R"({"account":"a","amount":1})").second,
            "parameters.currency: field is missing");
  auto [code, text] = refusal(LedgerOp::kDeposit, R"({"account":"a","amount":1,"currency":"usd"})");
  EXPECT_EQ(code, LedgerErrc::kInvalidParameters);
  EXPECT_EQ(text.rfind("parameters.currency: currency must be three upper-case letters", 0), 0U);
  EXPECT_EQ(refusal(LedgerOp::kDeposit, R"({"account":"","amount":1,"currency":"USD"})").second,
            "parameters.account: must be a string of 1-200 characters");
  EXPECT_EQ(refusal(LedgerOp::kDeposit, R"({"account":7,"amount":1,"currency":"USD"})").second,
            "parameters.account: must be a string of 1-200 characters");
  EXPECT_EQ(
      refusal(LedgerOp::kDeposit, "{\"account\":\"a\\u0000b\",\"amount\":1,\"currency\":\"USD\"}")
          .second,
      "parameters.account: must not contain NUL");
  const std::string long_id(201, 'x');
  EXPECT_NE(
      refusal(LedgerOp::kDeposit, R"({"account":")" + long_id + R"(","amount":1,"currency":"USD"})")
          .second.find("1-200"),
      std::string::npos);
  EXPECT_EQ(refusal(LedgerOp::kDeposit, "[1]").second, "parameters must be a JSON object");
}

// An id is named by a GET's path (/v1/accounts/{user}, /v1/escrows/{id}), whose segments the
// request target parser refuses with a control character, "/" or "\", as "." or "..", or not
// UTF-8: an id with one of them was stored and could never be read back. Refused, named.
TEST(LedgerRequest, AnIdAGetCouldNotNameIsRefusedNamingTheField) {
  struct Case {
    LedgerOp op;
    const char* field;
    std::string params;  // with the id in place of @
  };
  const std::vector<Case> cases = {
      {LedgerOp::kDeposit, "account", R"({"account":"@","amount":1,"currency":"USD"})"},
      {LedgerOp::kWithdraw, "account", R"({"account":"@","amount":1,"currency":"USD"})"},
      {LedgerOp::kHold, "escrowId",
       R"({"escrowId":"@","payer":"a","payee":"b","amount":1,"currency":"USD"})"},
      {LedgerOp::kHold, "payer",
       R"({"escrowId":"e","payer":"@","payee":"b","amount":1,"currency":"USD"})"},
      {LedgerOp::kHold, "payee",
       R"({"escrowId":"e","payer":"a","payee":"@","amount":1,"currency":"USD"})"},
      {LedgerOp::kRelease, "escrowId", R"({"escrowId":"@"})"},
      {LedgerOp::kExpire, "escrowId", R"({"escrowId":"@"})"},
      {LedgerOp::kTransfer, "from",
       R"({"from":"@","to":"b","amount":1,"currency":"USD","kind":"k"})"},
      {LedgerOp::kTransfer, "to", R"({"to":"@","amount":1,"currency":"USD","kind":"k"})"},
  };
  const std::pair<const char*, const char*> ids[] = {
      {"a\\u0001b", "a control character"},
      {"a\\nb", "a control character"},
      {"a\\u001fb", "a control character"},
      {"a\\u007fb", "a control character"},
      {"a/b", "\"/\""},
      {"a\\\\b", "\"/\""},
      {".", "a dot segment"},
      {"..", "a dot segment"},
  };
  for (const auto& c : cases) {
    for (const auto& [id, why] : ids) {
      std::string text = c.params;
      text.replace(text.find('@'), 1, id);
      SCOPED_TRACE(text);
      auto [code, message] = refusal(c.op, text);
      EXPECT_EQ(code, LedgerErrc::kInvalidParameters);
      EXPECT_EQ(
          message.rfind("parameters." + std::string(c.field) + ": must not be or contain ", 0), 0u)
          << message;
      EXPECT_NE(message.find(why), std::string::npos) << message;
      EXPECT_NE(message.find(std::string(c.field) == "escrowId" ? "GET /v1/escrows/{id}"
                                                                : "GET /v1/accounts/{user}"),
                std::string::npos)
          << message;
    }
  }
  auto balance = parse_balance_query(json::parse(R"({"account":"a\u0001"})"));
  ASSERT_FALSE(balance.ok());
  EXPECT_EQ(balance.error().message.rfind("parameters.account: must not be or contain", 0), 0u);
  // What a path segment can carry, percent-encoded where it must be, stays an id; so does the
  // "kind" of a transfer, which no path names.
  auto fine = parse(LedgerOp::kTransfer, R"({"from":"a b:c%d.e","to":"\u00e9t\u00e9 \u0085",)"
                                         R"("amount":1,"currency":"USD","kind":"a/b\n"})");
  ASSERT_TRUE(fine.ok()) << fine.error().message;
  EXPECT_EQ(*fine->from, "a b:c%d.e");
  EXPECT_EQ(fine->kind, "a/b\n");
  // Text that is not UTF-8 (a workflow can make it: States.Base64Decode) cannot be a segment.
  json::object bytes{{"account", "a\xff"}, {"amount", 1}, {"currency", "USD"}};
  auto not_utf8 = parse_ledger_request(LedgerOp::kDeposit, bytes);
  ASSERT_FALSE(not_utf8.ok());
  EXPECT_NE(not_utf8.error().message.find("not UTF-8"), std::string::npos);
}

TEST(LedgerRequest, UnknownFieldsAreRefused) {
  // A typo must not turn a partial release into a full one.
  auto [code, text] = refusal(LedgerOp::kRelease, R"({"escrowId":"e","ammount":5})");
  EXPECT_EQ(code, LedgerErrc::kInvalidParameters);
  EXPECT_EQ(text, "parameters.ammount: unknown field (allowed: escrowId, amount, currency)");
}

TEST(LedgerRequest, Hold) {
  auto r = parse(LedgerOp::kHold, R"({"escrowId":"e","payer":"p","payee":"q","amount":5,)"
                                  R"("currency":"HOUR","expiresAt":"2026-01-31T12:00:00+01:00"})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->escrow_id, "e");
  EXPECT_EQ(r->payer, "p");
  EXPECT_EQ(r->payee, "q");
  EXPECT_EQ(r->currency, "HOUR");
  ASSERT_TRUE(r->expires_at);
  EXPECT_EQ(format_timestamp(*r->expires_at), "2026-01-31T11:00:00.000Z");
  EXPECT_EQ(to_json(*r).at("expiresAt"), "2026-01-31T11:00:00.000Z");

  EXPECT_EQ(refusal(LedgerOp::kHold,
                    R"({"escrowId":"e","payer":"p","payee":"p","amount":5,"currency":"USD"})")
                .second,
            "parameters.payee: must differ from parameters.payer");
  EXPECT_EQ(refusal(LedgerOp::kHold, R"({"escrowId":"e","payer":"p","payee":"q","amount":5,)"
                                     R"("currency":"USD","expiresAt":1700000000})")
                .second,
            "parameters.expiresAt: must be an RFC 3339 timestamp such as 2026-01-31T12:00:00Z");
  // An offset past year 9999 made an escrow its own row could not be read back as.
  for (const char* beyond : {"9999-12-31T23:59:59-01:00", "0000-01-01T00:00:00+00:01"}) {
    const auto [code, text] = refusal(
        LedgerOp::kHold, std::string(R"({"escrowId":"e","payer":"p","payee":"q","amount":5,)") +
                             R"("currency":"USD","expiresAt":")" + beyond + R"("})");
    EXPECT_EQ(code, LedgerErrc::kInvalidParameters) << beyond;
    EXPECT_EQ(text,
              "parameters.expiresAt: must be an RFC 3339 timestamp such as 2026-01-31T12:00:00Z")
        << beyond;
  }
  EXPECT_EQ(
      refusal(LedgerOp::kHold, R"({"payer":"p","payee":"q","amount":5,"currency":"USD"})").second,
      "parameters.escrowId: field is missing");
}

TEST(LedgerRequest, ReleaseAmountIsOptional) {
  auto full = parse(LedgerOp::kRelease, R"({"escrowId":"e"})");
  ASSERT_TRUE(full.ok());
  EXPECT_FALSE(full->amount);
  EXPECT_EQ(full->currency, "");
  auto partial = parse(LedgerOp::kRelease, R"({"escrowId":"e","amount":7,"currency":"EUR"})");
  ASSERT_TRUE(partial.ok());
  EXPECT_EQ(partial->amount, 7);
  EXPECT_EQ(partial->currency, "EUR");
  EXPECT_EQ(refusal(LedgerOp::kRelease, R"({"escrowId":"e","amount":7.5})").first,
            LedgerErrc::kInvalidAmount);
}

TEST(LedgerRequest, EscrowOnlyOperations) {
  for (LedgerOp op :
       {LedgerOp::kCancel, LedgerOp::kFreeze, LedgerOp::kUnfreeze, LedgerOp::kExpire}) {
    auto r = parse(op, R"({"escrowId":"e"})");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(to_json(*r), json::parse(R"({"escrowId":"e"})"));
    EXPECT_EQ(refusal(op, R"({"escrowId":"e","amount":5})").second,
              "parameters.amount: unknown field (allowed: escrowId, currency)");
  }
}

TEST(LedgerRequest, SplitAllowsZeroButNotNegative) {
  auto zero = parse(LedgerOp::kSplit, R"({"escrowId":"e","payeeAmount":0})");
  ASSERT_TRUE(zero.ok());
  EXPECT_EQ(zero->payee_amount, 0);
  auto [code, text] = refusal(LedgerOp::kSplit, R"({"escrowId":"e","payeeAmount":-1})");
  EXPECT_EQ(code, LedgerErrc::kInvalidAmount);
  EXPECT_EQ(text, "parameters.payeeAmount: amount must not be negative, got -1");
}

TEST(LedgerRequest, Transfer) {
  auto minted = parse(LedgerOp::kTransfer,
                      R"({"to":"u","amount":100,"currency":"HOUR","kind":"welcome_bonus"})");
  ASSERT_TRUE(minted.ok());
  EXPECT_FALSE(minted->from);
  EXPECT_EQ(minted->kind, "welcome_bonus");
  EXPECT_FALSE(to_json(*minted).contains("from"));
  auto direct = parse(LedgerOp::kTransfer,
                      R"({"from":"a","to":"b","amount":1,"currency":"USD","kind":"direct"})");
  ASSERT_TRUE(direct.ok());
  EXPECT_EQ(direct->from, "a");
  EXPECT_EQ(refusal(LedgerOp::kTransfer, R"({"to":"u","amount":1,"currency":"USD"})").second,
            "parameters.kind: field is missing");
  EXPECT_EQ(refusal(LedgerOp::kTransfer,
                    R"({"from":"u","to":"u","amount":1,"currency":"USD","kind":"x"})")
                .second,
            "parameters.to: must differ from parameters.from");
  EXPECT_EQ(refusal(LedgerOp::kTransfer,
                    R"({"from":null,"to":"u","amount":1,"currency":"USD","kind":"x"})")
                .second,
            "parameters.from: must be a string of 1-200 characters");
}

TEST(LedgerRequest, WithdrawKindDefaults) {
  auto r = parse(LedgerOp::kWithdraw, R"({"account":"a","amount":1,"currency":"USD"})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->kind, "withdrawal");
  r = parse(LedgerOp::kWithdraw, R"({"account":"a","amount":1,"currency":"USD","kind":"payout"})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->kind, "payout");
}

TEST(LedgerRequest, BalanceQuery) {
  auto all = parse_balance_query(json::parse(R"({"account":"a"})"));
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->currency, "");
  auto one = parse_balance_query(json::parse(R"({"account":"a","currency":"HOUR"})"));
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->currency, "HOUR");
  EXPECT_FALSE(parse_balance_query(json::parse(R"({"account":"a","amount":1})")).ok());
  EXPECT_FALSE(parse_balance_query(json::parse(R"({})")).ok());
}

}  // namespace
}  // namespace settled::ledger
