#include "domain/ledger/balance.hpp"

#include "domain/ledger/json_read.hpp"
#include "domain/money.hpp"

#include <map>

namespace settled::ledger {

namespace json = boost::json;

std::string_view bucket_name(Bucket bucket) {
  switch (bucket) {
    case Bucket::kAvailable:
      return "available";
    case Bucket::kHeld:
      return "held";
    case Bucket::kFrozen:
      return "frozen";
  }
  return "available";
}

std::optional<Bucket> parse_bucket(std::string_view name) {
  for (Bucket b : {Bucket::kAvailable, Bucket::kHeld, Bucket::kFrozen}) {
    if (bucket_name(b) == name) return b;
  }
  return std::nullopt;
}

std::int64_t& AccountBalance::bucket(Bucket b) {
  // One switch for both: the const overload names the bucket, this one may change it.
  return const_cast<std::int64_t&>(static_cast<const AccountBalance&>(*this).bucket(b));
}

const std::int64_t& AccountBalance::bucket(Bucket b) const {
  switch (b) {
    case Bucket::kHeld:
      return held;
    case Bucket::kFrozen:
      return frozen;
    case Bucket::kAvailable:
      break;
  }
  return available;
}

bool operator==(const AccountBalance& a, const AccountBalance& b) {
  return a.account == b.account && a.currency == b.currency && a.available == b.available &&
         a.held == b.held && a.frozen == b.frozen && a.external_in == b.external_in &&
         a.external_out == b.external_out;
}

AccountBalance empty_balance(const BalanceKey& key) {
  AccountBalance b;
  b.account = key.account;
  b.currency = key.currency;
  return b;
}

json::object to_json(const AccountBalance& balance) {
  json::object o;
  o["account"] = balance.account;
  o["currency"] = balance.currency;
  o["available"] = balance.available;
  o["held"] = balance.held;
  o["frozen"] = balance.frozen;
  o["externalIn"] = balance.external_in;
  o["externalOut"] = balance.external_out;
  return o;
}

Result<AccountBalance> balance_from_json(const json::value& value) {
  constexpr std::string_view what = "ledger balance";
  auto obj = detail::read_object(value, what);
  if (!obj) return obj.error();
  const json::object& o = **obj;
  AccountBalance b;
  auto account = detail::read_string(o, "account", what);
  if (!account) return account.error();
  auto currency = detail::read_string(o, "currency", what);
  if (!currency) return currency.error();
  if (!is_currency_code(*currency))
    return Error(ErrorCode::kInternal, "stored ledger balance: currency is not a currency code");
  b.account = std::move(account).value();
  b.currency = std::move(currency).value();
  struct Field {
    const char* key;
    std::int64_t* out;
  };
  for (const Field& f :
       {Field{"available", &b.available}, Field{"held", &b.held}, Field{"frozen", &b.frozen},
        Field{"externalIn", &b.external_in}, Field{"externalOut", &b.external_out}}) {
    auto v = detail::read_int(o, f.key, what);
    if (!v) return v.error();
    *f.out = *v;
  }
  return b;
}

json::object account_balances_json(std::string_view account,
                                   const std::vector<AccountBalance>& balances) {
  // std::map: currencies in a stable order whatever order the caller loaded them in.
  std::map<std::string, const AccountBalance*> by_currency;
  for (const AccountBalance& b : balances) {
    if (b.account == account) by_currency[b.currency] = &b;
  }
  json::object per_currency;
  for (const auto& [currency, b] : by_currency) {
    json::object buckets;
    buckets["available"] = b->available;
    buckets["held"] = b->held;
    buckets["frozen"] = b->frozen;
    per_currency[currency] = std::move(buckets);
  }
  json::object out;
  out["account"] = account;
  out["balances"] = std::move(per_currency);
  return out;
}

}  // namespace settled::ledger
