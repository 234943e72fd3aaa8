#pragma once
// One account's money in one currency, in three buckets: available (spendable), held (escrowed
// for a payee) and frozen (escrowed and disputed). The external counters say how much entered
// the ledger through this account (deposits, minted transfers) and how much left it
// (withdrawals); kept per account so each account actor owns them and no shared row is hot.

#include "domain/result.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace settled::ledger {

enum class Bucket : std::uint8_t { kAvailable, kHeld, kFrozen };

std::string_view bucket_name(Bucket bucket);  // "available" | "held" | "frozen"
std::optional<Bucket> parse_bucket(std::string_view name);

struct BalanceKey {
  std::string account;
  std::string currency;
};

inline bool operator<(const BalanceKey& a, const BalanceKey& b) {
  return std::tie(a.account, a.currency) < std::tie(b.account, b.currency);
}
inline bool operator==(const BalanceKey& a, const BalanceKey& b) {
  return a.account == b.account && a.currency == b.currency;
}

struct AccountBalance {
  std::string account;
  std::string currency;
  std::int64_t available = 0;
  std::int64_t held = 0;
  std::int64_t frozen = 0;
  std::int64_t external_in = 0;   // deposits and minted transfers into this account
  std::int64_t external_out = 0;  // withdrawals out of the ledger from this account

  BalanceKey key() const { return BalanceKey{account, currency}; }
  std::int64_t& bucket(Bucket b);
  const std::int64_t& bucket(Bucket b) const;
};

bool operator==(const AccountBalance& a, const AccountBalance& b);
inline bool operator!=(const AccountBalance& a, const AccountBalance& b) {
  return !(a == b);
}

// A zero balance: what an account that never held the currency has.
AccountBalance empty_balance(const BalanceKey& key);

// Storage shape: {"account","currency","available","held","frozen","externalIn","externalOut"}.
boost::json::object to_json(const AccountBalance& balance);
Result<AccountBalance> balance_from_json(const boost::json::value& value);

// API shape (task results, GET /v1/accounts/{user}):
// {"account": a, "balances": {"USD": {"available", "held", "frozen"}, ...}}; balances of
// other accounts are skipped; currencies come out in code order.
boost::json::object account_balances_json(std::string_view account,
                                          const std::vector<AccountBalance>& balances);

}  // namespace settled::ledger
