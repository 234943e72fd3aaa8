#include "domain/ledger/ledger_error.hpp"

namespace settled::ledger {

std::string_view asl_error_name(LedgerErrc code) {
  switch (code) {
    case LedgerErrc::kInsufficientFunds:
      return "Ledger.InsufficientFunds";
    case LedgerErrc::kUnknownEscrow:
      return "Ledger.UnknownEscrow";
    case LedgerErrc::kEscrowResolved:
      return "Ledger.EscrowResolved";
    case LedgerErrc::kEscrowFrozen:
      return "Ledger.EscrowFrozen";
    case LedgerErrc::kCurrencyMismatch:
      return "Ledger.CurrencyMismatch";
    case LedgerErrc::kInvalidAmount:
      return "Ledger.InvalidAmount";
    case LedgerErrc::kInvalidParameters:
      return "Ledger.InvalidParameters";
    case LedgerErrc::kEscrowExists:
      return "Ledger.EscrowExists";
    case LedgerErrc::kEscrowNotFrozen:
      return "Ledger.EscrowNotFrozen";
    case LedgerErrc::kEscrowNotExpired:
      return "Ledger.EscrowNotExpired";
    case LedgerErrc::kIdempotencyConflict:
      return "Ledger.IdempotencyConflict";
    case LedgerErrc::kInternal:
      return "Ledger.Internal";
  }
  return "Ledger.Internal";
}

LedgerError from_error(const Error& error) {
  return LedgerError(error.code == ErrorCode::kInvalidAmount ? LedgerErrc::kInvalidAmount
                                                             : LedgerErrc::kInvalidParameters,
                     error.message);
}

Error to_error(const LedgerError& error) {
  ErrorCode code = ErrorCode::kInvalidRequest;
  if (error.code == LedgerErrc::kInvalidAmount) code = ErrorCode::kInvalidAmount;
  if (error.code == LedgerErrc::kUnknownEscrow) code = ErrorCode::kNotFound;
  if (error.code == LedgerErrc::kInternal) code = ErrorCode::kInternal;
  return Error(code, std::string(asl_error_name(error.code)) + ": " + error.message);
}

}  // namespace settled::ledger
