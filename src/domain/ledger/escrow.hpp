#pragma once
// An escrow: money a hold moved from the payer's available to held, waiting to be released to
// the payee, refunded, frozen by a dispute, split, or expired. Resolved at most once.

#include "domain/result.hpp"
#include "domain/time.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace settled::ledger {

enum class EscrowStatus : std::uint8_t { kHeld, kFrozen, kReleased, kCancelled, kSplit, kExpired };

// "HELD", "FROZEN", "RELEASED", "CANCELLED", "SPLIT", "EXPIRED"
std::string_view escrow_status_name(EscrowStatus status);
std::optional<EscrowStatus> parse_escrow_status(std::string_view name);

// Released, cancelled, split or expired: its money has left the payer's held/frozen for good.
bool is_resolved(EscrowStatus status);

struct Escrow {
  std::string id;
  std::string payer;
  std::string payee;
  std::string currency;
  std::int64_t amount = 0;  // what the hold took from the payer's available
  EscrowStatus status = EscrowStatus::kHeld;
  std::optional<EpochMillis> expires_at;  // past it, expire returns the money to the payer
  std::int64_t released = 0;              // paid to the payee on resolution
  std::int64_t returned = 0;              // given back to the payer on resolution
  std::string held_by;                    // journal entry id of the hold
  std::string resolved_by;                // journal entry id of the resolution ("" while open)
};

bool operator==(const Escrow& a, const Escrow& b);
inline bool operator!=(const Escrow& a, const Escrow& b) {
  return !(a == b);
}

// {"escrowId","payer","payee","amount","currency","status","expiresAt"?,"released","returned",
//  "heldBy","resolvedBy"?}
boost::json::object to_json(const Escrow& escrow);
Result<Escrow> escrow_from_json(const boost::json::value& value);

}  // namespace settled::ledger
