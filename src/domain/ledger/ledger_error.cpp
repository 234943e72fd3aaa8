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
    case LedgerErrc::kRecordCorrupt:
      return "Ledger.RecordCorrupt";
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
  switch (error.code) {
    case LedgerErrc::kInsufficientFunds:
      code = ErrorCode::kInsufficientFunds;
      break;
    case LedgerErrc::kUnknownEscrow:
      code = ErrorCode::kUnknownEscrow;
      break;
    case LedgerErrc::kEscrowResolved:
      code = ErrorCode::kEscrowResolved;
      break;
    case LedgerErrc::kEscrowFrozen:
      code = ErrorCode::kEscrowFrozen;
      break;
    case LedgerErrc::kCurrencyMismatch:
      code = ErrorCode::kCurrencyMismatch;
      break;
    case LedgerErrc::kInvalidAmount:
      code = ErrorCode::kInvalidAmount;
      break;
    case LedgerErrc::kInvalidParameters:
      code = ErrorCode::kInvalidRequest;
      break;
    case LedgerErrc::kEscrowExists:
      code = ErrorCode::kEscrowExists;
      break;
    case LedgerErrc::kEscrowNotFrozen:
      code = ErrorCode::kEscrowNotFrozen;
      break;
    case LedgerErrc::kEscrowNotExpired:
      code = ErrorCode::kEscrowNotExpired;
      break;
    case LedgerErrc::kIdempotencyConflict:
      code = ErrorCode::kIdempotencyConflict;
      break;
    case LedgerErrc::kRecordCorrupt:
      code = ErrorCode::kRecordCorrupt;
      break;
    case LedgerErrc::kInternal:
      code = ErrorCode::kInternal;
      break;
  }
  return Error(code, std::string(asl_error_name(error.code)) + ": " + error.message);
}

}  // namespace settled::ledger
