#pragma once
// A ledger operation's parameters, parsed strictly from a task's JSON input. Amounts must be JSON
// integers of minor units; every refusal names the field ("parameters.amount: ...").

#include "domain/ledger/journal.hpp"
#include "domain/ledger/ledger_error.hpp"
#include "domain/time.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace settled::ledger {

// Fields a request kind uses (the others stay empty):
//   deposit   {account, amount, currency}
//   withdraw  {account, amount, currency, kind?}
//   hold      {escrowId, payer, payee, amount, currency, expiresAt?}
//   release   {escrowId, amount?, currency?}       no amount: the whole escrow
//   cancel / freeze / unfreeze / expire  {escrowId, currency?}
//   split     {escrowId, payeeAmount, currency?}
//   transfer  {from?, to, amount, currency, kind}  no from: minted by the system
// An escrow operation's optional currency must be the escrow's (else CurrencyMismatch).
struct LedgerRequest {
  LedgerOp op = LedgerOp::kDeposit;
  std::string account;  // deposit, withdraw
  std::string escrow_id;
  std::string payer;  // hold
  std::string payee;  // hold
  std::optional<std::string> from;
  std::string to;
  std::optional<std::int64_t> amount;  // required except for release (optional) and escrow ops
  std::optional<std::int64_t> payee_amount;  // split
  std::string currency;                      // "" when an escrow operation does not name one
  std::optional<EpochMillis> expires_at;     // hold
  std::string kind;                          // transfer, withdraw
};

// settled:ledger.deposit -> kDeposit, ... ("settled:ledger.balance" is a read, not an op: nullopt)
std::optional<LedgerOp> ledger_op_from_resource(std::string_view resource);

// Parses `parameters` for `op`: an object with exactly the fields above. Unknown fields, a
// missing field, an id that is not a 1-200 character string a GET's path segment can name (no
// NUL or other control character, no "/" or "\", not "." or "..", UTF-8), a bad currency or
// timestamp are kInvalidParameters; an amount that is not a positive JSON integer (payeeAmount:
// non-negative) that fits int64 is kInvalidAmount.
LedgerResult<LedgerRequest> parse_ledger_request(LedgerOp op, const boost::json::value& parameters);

// The request in normalized JSON: stored in the journal entry so a replay of its key with other
// parameters is recognised.
boost::json::object to_json(const LedgerRequest& request);

// settled:ledger.balance {account, currency?}
struct BalanceQuery {
  std::string account;
  std::string currency;  // "" = every currency of the account
};

LedgerResult<BalanceQuery> parse_balance_query(const boost::json::value& parameters);

}  // namespace settled::ledger
