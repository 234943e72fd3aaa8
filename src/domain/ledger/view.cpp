#include "domain/ledger/view.hpp"

#include <algorithm>

namespace settled::ledger {

namespace {

void add_balance(ReadSet& set, const std::string& account, const std::string& currency) {
  BalanceKey key{account, currency};
  if (std::find(set.balances.begin(), set.balances.end(), key) == set.balances.end())
    set.balances.push_back(std::move(key));
  if (std::find(set.accounts.begin(), set.accounts.end(), account) == set.accounts.end())
    set.accounts.push_back(account);
}

}  // namespace

ReadSet read_set(const LedgerRequest& request, const std::map<std::string, Escrow>& escrows) {
  ReadSet set;
  switch (request.op) {
    case LedgerOp::kDeposit:
    case LedgerOp::kWithdraw:
      add_balance(set, request.account, request.currency);
      return set;
    case LedgerOp::kTransfer:
      if (request.from) add_balance(set, *request.from, request.currency);
      add_balance(set, request.to, request.currency);
      return set;
    case LedgerOp::kHold:
      // The escrow is read too: a hold must not overwrite an existing one.
      set.escrows.push_back(request.escrow_id);
      add_balance(set, request.payer, request.currency);
      return set;
    default:
      break;
  }
  set.escrows.push_back(request.escrow_id);
  auto found = escrows.find(request.escrow_id);
  if (found != escrows.end()) {
    const Escrow& escrow = found->second;
    add_balance(set, escrow.payer, escrow.currency);
    // Only these pay the payee; the others touch the payer alone.
    if (request.op == LedgerOp::kRelease || request.op == LedgerOp::kSplit)
      add_balance(set, escrow.payee, escrow.currency);
  }
  return set;
}

}  // namespace settled::ledger
