#pragma once
// The one error vocabulary of settled: every refusal, from the HTTP layer to the store, is an
// ErrorCode with a message that says what was wrong and where.

#include <boost/json/object.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace settled {

enum class ErrorCode : std::uint8_t {
  kInvalidJson = 1,           // body is not JSON
  kInvalidRequest,            // JSON, but a field is missing, of the wrong type or unknown
  kInvalidAmount,             // money that is not a non-negative int64 of minor units
  kPayloadTooLarge,           // body over the configured limit
  kUnauthorized,              // missing or wrong credentials
  kNotFound,                  // unknown route or id
  kMethodNotAllowed,          // known route, wrong method
  kStateMachineDoesNotExist,  // unknown state machine name
  kInvalidDefinition,         // ASL that breaks a rule
  kExecutionAlreadyExists,    // same name, different input
  kExecutionDoesNotExist,     // unknown execution id
  kIngestionPaused,           // operator paused new executions
  kStoreFull,                 // LMDB map is full
  kStoreUnavailable,          // LMDB could not write
  kDraining,                  // shutting down
  kTimeout,                   // an internal request did not answer in time
  kInternal,                  // a bug: never expected
  kIntrinsicFailure,          // an ASL intrinsic refused its arguments (States.IntrinsicFailure)
  kTaskDoesNotExist,          // a task token that was never handed out
  kTaskTimedOut,          // a task token whose wait ended (timed out, or its execution moved on)
  kTaskAlreadyCompleted,  // a task token that was already used: tokens are single-use
  // The ledger's refusals (each also a Ledger.* ASL error name a workflow can Catch).
  kInsufficientFunds,    // 409: available below the amount
  kUnknownEscrow,        // 404: no escrow with that id
  kEscrowResolved,       // 409: released, cancelled, split or expired already
  kEscrowFrozen,         // 409: disputed; only split or unfreeze
  kCurrencyMismatch,     // 409: not the escrow's currency
  kEscrowExists,         // 409: a hold with an escrow id in use
  kEscrowNotFrozen,      // 409: unfreeze of an escrow that is not frozen
  kEscrowNotExpired,     // 409: expire before the deadline
  kIdempotencyConflict,  // 409: the key was used by another operation or other parameters
  kRecordCorrupt,        // 500: a stored record that cannot be decoded (quarantined, not fatal)
  // Admission control: refused before any work, so nothing changed; retry after Retry-After.
  kOverloaded,            // 503: the daemon is at its in-flight or connection bound
  kTooManyRequests,       // 429: this client (API key, or peer address) is at its share
  kBadSignature,          // 400: a signed webhook whose signature is missing, wrong or stale
  kScheduleDoesNotExist,  // 404: unknown schedule name
  kForbidden,             // 403: a valid key whose identity lacks the scope asked for
  // HourBank's rating (POST /v1/service-requests/{id}/rating), 409: not yet, or already, rated.
  kRatingNotOpen,
  kRatingAlreadySubmitted,
  // A commit whose batch read something another commit changed since (WriteCondition); the
  // writer reads again and retries. Internal: never an answer to a request.
  kWriteConflict,
};

// Stable name used as "error" in JSON bodies, e.g. "ExecutionAlreadyExists".
std::string_view error_name(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;

  Error() = default;
  Error(ErrorCode c, std::string m) : code(c), message(std::move(m)) {}
};

// {"error": "<Name>", "message": "<what and why>"}
boost::json::object to_json(const Error& error);

}  // namespace settled
