#pragma once
// The ledger's named refusals. Each maps to an ASL error name a workflow can Catch
// ("Ledger.InsufficientFunds", ...); an operation that fails with one changed nothing.

#include "domain/error.hpp"
#include "domain/result.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace settled::ledger {

enum class LedgerErrc : std::uint8_t {
  kInsufficientFunds,    // the payer's available balance is below the amount
  kUnknownEscrow,        // no escrow with that id
  kEscrowResolved,       // released, cancelled, split or expired already
  kEscrowFrozen,         // disputed: only unfreeze or split may touch it
  kCurrencyMismatch,     // a currency that is not the escrow's
  kInvalidAmount,        // not a positive int64 of minor units, beyond the escrow, or overflow
  kInvalidParameters,    // a missing, ill-typed or unknown field other than an amount
  kEscrowExists,         // hold with an escrow id already in use
  kEscrowNotFrozen,      // unfreeze of an escrow that is not frozen
  kEscrowNotExpired,     // expire before the deadline, or of an escrow without one
  kIdempotencyConflict,  // the key was used by a different operation or parameters
  kRecordCorrupt,        // a stored row cannot be decoded: only what touches it fails
  kInternal,             // the caller's view lacks a record, or stored state is inconsistent
};

// "Ledger.InsufficientFunds", ... exactly as a workflow's ErrorEquals names them.
std::string_view asl_error_name(LedgerErrc code);

struct LedgerError {
  LedgerErrc code = LedgerErrc::kInternal;
  std::string message;

  LedgerError() = default;
  LedgerError(LedgerErrc c, std::string m) : code(c), message(std::move(m)) {}
};

template <class T>
using LedgerResult = Result<T, LedgerError>;

// A domain Error from money parsing, as a ledger error: kInvalidAmount stays an amount error,
// anything else is a parameter error. The message is kept.
LedgerError from_error(const Error& error);

// For the HTTP face: each named refusal has its own ErrorCode (InsufficientFunds, UnknownEscrow,
// EscrowResolved, ... as 409/404), InvalidAmount -> kInvalidAmount, InvalidParameters ->
// kInvalidRequest, Internal -> kInternal; the message is prefixed with the ledger name.
Error to_error(const LedgerError& error);

}  // namespace settled::ledger
