#include "domain/ledger/operations.hpp"

#include "domain/money.hpp"

#include <algorithm>
#include <deque>
#include <iterator>
#include <utility>

namespace settled::ledger {

namespace json = boost::json;

namespace {

// The operation's working copy: balances are copied out of the view on first touch and every
// change is recorded as a leg, so the outcome is exactly what changed. Nothing is written to
// the view, so a refusal half-way leaves the caller's state as it was.
class Draft {
 public:
  explicit Draft(const LedgerView& view) : view_(view) {}

  // Moves `delta` into (account, currency, bucket). A debit below zero of available is
  // kInsufficientFunds; of held or frozen it means the stored state is inconsistent.
  std::optional<LedgerError> move(const std::string& account, const std::string& currency,
                                  Bucket bucket, std::int64_t delta) {
    auto row = touch(account, currency);
    if (!row) return row.error();
    AccountBalance& balance = **row;
    const std::int64_t before = balance.bucket(bucket);
    Result<std::int64_t> after = checked_add(before, delta);
    if (!after) {
      return LedgerError(LedgerErrc::kInvalidAmount, "account " + account + " " +
                                                         std::string(bucket_name(bucket)) + " " +
                                                         currency + ": " + after.error().message);
    }
    if (*after < 0) {
      if (bucket == Bucket::kAvailable) {
        return LedgerError(LedgerErrc::kInsufficientFunds,
                           "account " + account + " has " + format_money({before, currency}) +
                               " available, " + format_money({-delta, currency}) + " needed");
      }
      return LedgerError(LedgerErrc::kInternal, "account " + account + " " +
                                                    std::string(bucket_name(bucket)) + " " +
                                                    currency + " would go below zero");
    }
    balance.bucket(bucket) = *after;
    // One leg per (account, currency, bucket) per entry keeps the journal chain simple.
    for (JournalLeg& leg : legs_) {
      if (leg.account == account && leg.currency == currency && leg.bucket == bucket) {
        leg.delta += delta;  // cannot overflow: before + sum of deltas == after fits
        leg.after = *after;
        return std::nullopt;
      }
    }
    legs_.push_back(JournalLeg{account, currency, bucket, delta, before, *after});
    return std::nullopt;
  }

  // Counts money crossing the ledger's edge on the account's row.
  std::optional<LedgerError> count_external(const std::string& account, const std::string& currency,
                                            std::int64_t in, std::int64_t out) {
    auto row = touch(account, currency);
    if (!row) return row.error();
    Result<std::int64_t> new_in = checked_add((*row)->external_in, in);
    Result<std::int64_t> new_out = checked_add((*row)->external_out, out);
    if (!new_in || !new_out) {
      return LedgerError(LedgerErrc::kInvalidAmount, "account " + account + " " + currency +
                                                         ": external total overflows int64");
    }
    (*row)->external_in = *new_in;
    (*row)->external_out = *new_out;
    return std::nullopt;
  }

  const AccountBalance* balance(const std::string& account, const std::string& currency) const {
    for (const AccountBalance& b : touched_) {
      if (b.account == account && b.currency == currency) return &b;
    }
    return nullptr;
  }

  std::vector<AccountBalance> take_balances() {
    return std::vector<AccountBalance>(std::make_move_iterator(touched_.begin()),
                                       std::make_move_iterator(touched_.end()));
  }
  std::vector<JournalLeg> take_legs() {
    // A leg whose moves cancelled out records nothing.
    legs_.erase(std::remove_if(legs_.begin(), legs_.end(),
                               [](const JournalLeg& leg) { return leg.delta == 0; }),
                legs_.end());
    return std::move(legs_);
  }

 private:
  LedgerResult<AccountBalance*> touch(const std::string& account, const std::string& currency) {
    for (AccountBalance& b : touched_) {
      if (b.account == account && b.currency == currency) return &b;
    }
    auto found = view_.balances.find(BalanceKey{account, currency});
    if (found == view_.balances.end()) {
      return LedgerError(LedgerErrc::kInternal,
                         "ledger view lacks the balance of account " + account + " in " + currency);
    }
    touched_.push_back(found->second);
    return &touched_.back();
  }

  const LedgerView& view_;
  // A deque: the pointers touch() hands out stay valid as rows are added.
  std::deque<AccountBalance> touched_;
  std::vector<JournalLeg> legs_;
};

LedgerError escrow_error(LedgerErrc code, const Escrow& escrow, std::string_view why) {
  return LedgerError(code, "escrow " + escrow.id + " " + std::string(why));
}

// The checks every operation on an existing escrow makes, in the order a caller can act on:
// does it exist, is it in this currency, is it still open, is it frozen.
LedgerResult<const Escrow*> open_escrow(const LedgerRequest& request, const LedgerView& view) {
  auto found = view.escrows.find(request.escrow_id);
  if (found == view.escrows.end()) {
    return LedgerError(LedgerErrc::kUnknownEscrow,
                       "escrow " + request.escrow_id + " does not exist");
  }
  const Escrow& escrow = found->second;
  if (!request.currency.empty() && request.currency != escrow.currency) {
    return escrow_error(LedgerErrc::kCurrencyMismatch, escrow,
                        "is in " + escrow.currency + ", not " + request.currency);
  }
  if (is_resolved(escrow.status)) {
    return escrow_error(LedgerErrc::kEscrowResolved, escrow,
                        "is already " + std::string(escrow_status_name(escrow.status)) +
                            " (journal entry " + escrow.resolved_by + ")");
  }
  const bool frozen_allowed = request.op == LedgerOp::kUnfreeze || request.op == LedgerOp::kSplit;
  if (escrow.status == EscrowStatus::kFrozen && !frozen_allowed) {
    return escrow_error(LedgerErrc::kEscrowFrozen, escrow,
                        "is frozen by a dispute: only split or unfreeze may resolve it");
  }
  return &escrow;
}

// The bucket an open escrow's money sits in on the payer's account.
Bucket escrow_bucket(const Escrow& escrow) {
  return escrow.status == EscrowStatus::kFrozen ? Bucket::kFrozen : Bucket::kHeld;
}

// Resolves `escrow`: its whole amount leaves the payer's held/frozen, `to_payee` goes to the
// payee's available and the rest back to the payer's available.
std::optional<LedgerError> resolve(Draft& draft, Escrow& escrow, std::int64_t to_payee,
                                   EscrowStatus status, std::string_view key) {
  const std::int64_t to_payer = escrow.amount - to_payee;  // 0 <= to_payee <= amount
  if (auto e = draft.move(escrow.payer, escrow.currency, escrow_bucket(escrow), -escrow.amount))
    return e;
  if (to_payee > 0) {
    if (auto e = draft.move(escrow.payee, escrow.currency, Bucket::kAvailable, to_payee)) return e;
  }
  if (to_payer > 0) {
    if (auto e = draft.move(escrow.payer, escrow.currency, Bucket::kAvailable, to_payer)) return e;
  }
  escrow.status = status;
  escrow.released = to_payee;
  escrow.returned = to_payer;
  escrow.resolved_by = std::string(key);
  return std::nullopt;
}

json::object escrow_result(const Escrow& escrow) {
  json::object o;
  o["escrowId"] = escrow.id;
  return o;
}

LedgerResult<LedgerOutcome> run(const LedgerRequest& r, const LedgerView& view,
                                std::string_view key, EpochMillis now) {
  Draft draft(view);
  LedgerOutcome out;
  json::object result;
  std::optional<Escrow> changed;

  switch (r.op) {
    case LedgerOp::kDeposit:
    case LedgerOp::kWithdraw: {
      const bool deposit = r.op == LedgerOp::kDeposit;
      const std::int64_t amount = *r.amount;
      if (auto e =
              draft.move(r.account, r.currency, Bucket::kAvailable, deposit ? amount : -amount))
        return *e;
      if (auto e = draft.count_external(r.account, r.currency, deposit ? amount : 0,
                                        deposit ? 0 : amount))
        return *e;
      result = account_balances_json(r.account, {*draft.balance(r.account, r.currency)});
      break;
    }
    case LedgerOp::kTransfer: {
      const std::int64_t amount = *r.amount;
      if (r.from) {
        if (auto e = draft.move(*r.from, r.currency, Bucket::kAvailable, -amount)) return *e;
      }
      if (auto e = draft.move(r.to, r.currency, Bucket::kAvailable, amount)) return *e;
      // Minted money (a welcome bonus) enters the ledger like a deposit.
      if (!r.from) {
        if (auto e = draft.count_external(r.to, r.currency, amount, 0)) return *e;
      }
      if (r.from) result["from"] = *r.from;
      result["to"] = r.to;
      result["amount"] = amount;
      result["currency"] = r.currency;
      result["kind"] = r.kind;
      break;
    }
    case LedgerOp::kHold: {
      if (view.escrows.count(r.escrow_id) != 0) {
        return LedgerError(LedgerErrc::kEscrowExists,
                           "escrow " + r.escrow_id + " already exists (held by journal entry " +
                               view.escrows.at(r.escrow_id).held_by + ")");
      }
      Escrow escrow;
      escrow.id = r.escrow_id;
      escrow.payer = r.payer;
      escrow.payee = r.payee;
      escrow.currency = r.currency;
      escrow.amount = *r.amount;
      escrow.expires_at = r.expires_at;
      escrow.held_by = std::string(key);
      // Two legs on the payer: available -x, held +x.
      if (auto e = draft.move(r.payer, r.currency, Bucket::kAvailable, -escrow.amount)) return *e;
      if (auto e = draft.move(r.payer, r.currency, Bucket::kHeld, escrow.amount)) return *e;
      result = escrow_result(escrow);
      result["status"] = "HELD";
      changed = std::move(escrow);
      break;
    }
    case LedgerOp::kRelease:
    case LedgerOp::kCancel:
    case LedgerOp::kSplit:
    case LedgerOp::kExpire: {
      auto open = open_escrow(r, view);
      if (!open) return open.error();
      Escrow escrow = **open;
      std::int64_t to_payee = 0;
      EscrowStatus status = EscrowStatus::kReleased;
      if (r.op == LedgerOp::kRelease) {
        to_payee = r.amount.value_or(escrow.amount);
      } else if (r.op == LedgerOp::kSplit) {
        to_payee = *r.payee_amount;
        status = EscrowStatus::kSplit;
      } else if (r.op == LedgerOp::kCancel) {
        status = EscrowStatus::kCancelled;
      } else {
        status = EscrowStatus::kExpired;
      }
      if (to_payee > escrow.amount) {
        const std::string field = r.op == LedgerOp::kSplit ? "payeeAmount" : "amount";
        return LedgerError(LedgerErrc::kInvalidAmount,
                           "parameters." + field + ": " +
                               format_money({to_payee, escrow.currency}) + " is more than escrow " +
                               escrow.id + " holds (" +
                               format_money({escrow.amount, escrow.currency}) + ")");
      }
      if (r.op == LedgerOp::kExpire) {
        if (!escrow.expires_at) {
          return escrow_error(LedgerErrc::kEscrowNotExpired, escrow, "has no expiry time");
        }
        if (now < *escrow.expires_at) {
          return escrow_error(LedgerErrc::kEscrowNotExpired, escrow,
                              "expires at " + format_timestamp(*escrow.expires_at) + ", not yet");
        }
      }
      if (auto e = resolve(draft, escrow, to_payee, status, key)) return *e;
      result = escrow_result(escrow);
      if (r.op == LedgerOp::kRelease) {
        result["released"] = escrow.released;
        result["returned"] = escrow.returned;
      } else if (r.op == LedgerOp::kSplit) {
        result["released"] = escrow.released;
        result["refunded"] = escrow.returned;
      } else if (r.op == LedgerOp::kCancel) {
        result["refunded"] = escrow.returned;
      } else {
        result["returned"] = escrow.returned;
      }
      result["status"] = escrow_status_name(status);
      changed = std::move(escrow);
      break;
    }
    case LedgerOp::kFreeze:
    case LedgerOp::kUnfreeze: {
      auto open = open_escrow(r, view);
      if (!open) return open.error();
      Escrow escrow = **open;
      const bool freeze = r.op == LedgerOp::kFreeze;
      if (!freeze && escrow.status != EscrowStatus::kFrozen) {
        return escrow_error(LedgerErrc::kEscrowNotFrozen, escrow, "is not frozen");
      }
      const Bucket from = freeze ? Bucket::kHeld : Bucket::kFrozen;
      const Bucket to = freeze ? Bucket::kFrozen : Bucket::kHeld;
      if (auto e = draft.move(escrow.payer, escrow.currency, from, -escrow.amount)) return *e;
      if (auto e = draft.move(escrow.payer, escrow.currency, to, escrow.amount)) return *e;
      escrow.status = freeze ? EscrowStatus::kFrozen : EscrowStatus::kHeld;
      result = escrow_result(escrow);
      result["status"] = escrow_status_name(escrow.status);
      changed = std::move(escrow);
      break;
    }
  }

  JournalEntry entry;
  entry.id = std::string(key);
  entry.op = r.op;
  entry.at = now;
  entry.escrow_id = r.escrow_id;
  entry.params = to_json(r);
  entry.legs = draft.take_legs();
  entry.result = result;

  // One index line per account the entry touches, at that account's next sequence number.
  for (const JournalLeg& leg : entry.legs) {
    const bool seen =
        std::any_of(out.index.begin(), out.index.end(),
                    [&](const JournalIndexEntry& i) { return i.account == leg.account; });
    if (seen) continue;
    auto head = view.journal_heads.find(leg.account);
    if (head == view.journal_heads.end()) {
      return LedgerError(LedgerErrc::kInternal,
                         "ledger view lacks the journal head of account " + leg.account);
    }
    out.index.push_back(JournalIndexEntry{leg.account, head->second + 1, entry.id});
  }

  out.result = std::move(result);
  out.balances = draft.take_balances();
  if (changed) out.escrows.push_back(std::move(*changed));
  out.entry = std::move(entry);
  return out;
}

}  // namespace

LedgerResult<LedgerOutcome> apply_ledger(const LedgerRequest& request, const LedgerView& view,
                                         std::string_view idempotency_key, EpochMillis now) {
  if (idempotency_key.empty())
    return LedgerError(LedgerErrc::kInternal, "a ledger operation needs an idempotency key");
  if (view.existing) {
    const JournalEntry& stored = *view.existing;
    // Same key, same operation and parameters: the retry of an attempt that already committed.
    if (stored.op == request.op && stored.params == to_json(request)) {
      LedgerOutcome replay;
      replay.result = stored.result;
      replay.replayed = true;
      return replay;
    }
    return LedgerError(LedgerErrc::kIdempotencyConflict,
                       "idempotency key " + std::string(idempotency_key) + " was used by a " +
                           std::string(ledger_op_name(stored.op)) +
                           " with other parameters; a key names one operation");
  }
  return run(request, view, idempotency_key, now);
}

json::object balance_result(const BalanceQuery& query,
                            const std::vector<AccountBalance>& balances) {
  if (query.currency.empty()) return account_balances_json(query.account, balances);
  std::vector<AccountBalance> one;
  for (const AccountBalance& b : balances) {
    if (b.account == query.account && b.currency == query.currency) one.push_back(b);
  }
  if (one.empty()) one.push_back(empty_balance(BalanceKey{query.account, query.currency}));
  // One currency asked for: its buckets also flat, so a workflow reads $.available without
  // knowing the currency's key in advance (JSONPath cannot select a member by a computed name).
  json::object out = account_balances_json(query.account, one);
  out["currency"] = query.currency;
  out["available"] = one.front().available;
  out["held"] = one.front().held;
  out["frozen"] = one.front().frozen;
  return out;
}

}  // namespace settled::ledger
