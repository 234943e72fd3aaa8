#include "domain/ledger/escrow.hpp"

#include "domain/ledger/json_read.hpp"
#include "domain/money.hpp"

namespace settled::ledger {

namespace json = boost::json;

std::string_view escrow_status_name(EscrowStatus status) {
  switch (status) {
    case EscrowStatus::kHeld:
      return "HELD";
    case EscrowStatus::kFrozen:
      return "FROZEN";
    case EscrowStatus::kReleased:
      return "RELEASED";
    case EscrowStatus::kCancelled:
      return "CANCELLED";
    case EscrowStatus::kSplit:
      return "SPLIT";
    case EscrowStatus::kExpired:
      return "EXPIRED";
  }
  return "HELD";
}

std::optional<EscrowStatus> parse_escrow_status(std::string_view name) {
  for (EscrowStatus s : {EscrowStatus::kHeld, EscrowStatus::kFrozen, EscrowStatus::kReleased,
                         EscrowStatus::kCancelled, EscrowStatus::kSplit, EscrowStatus::kExpired}) {
    if (escrow_status_name(s) == name) return s;
  }
  return std::nullopt;
}

bool is_resolved(EscrowStatus status) {
  return status != EscrowStatus::kHeld && status != EscrowStatus::kFrozen;
}

bool operator==(const Escrow& a, const Escrow& b) {
  return a.id == b.id && a.payer == b.payer && a.payee == b.payee && a.currency == b.currency &&
         a.amount == b.amount && a.status == b.status && a.expires_at == b.expires_at &&
         a.released == b.released && a.returned == b.returned && a.held_by == b.held_by &&
         a.resolved_by == b.resolved_by;
}

json::object to_json(const Escrow& escrow) {
  json::object o;
  o["escrowId"] = escrow.id;
  o["payer"] = escrow.payer;
  o["payee"] = escrow.payee;
  o["amount"] = escrow.amount;
  o["currency"] = escrow.currency;
  o["status"] = escrow_status_name(escrow.status);
  if (escrow.expires_at) o["expiresAt"] = format_timestamp(*escrow.expires_at);
  o["released"] = escrow.released;
  o["returned"] = escrow.returned;
  o["heldBy"] = escrow.held_by;
  if (!escrow.resolved_by.empty()) o["resolvedBy"] = escrow.resolved_by;
  return o;
}

Result<Escrow> escrow_from_json(const json::value& value) {
  constexpr std::string_view what = "ledger escrow";
  auto obj = detail::read_object(value, what);
  if (!obj) return obj.error();
  const json::object& o = **obj;
  Escrow e;
  struct Text {
    const char* key;
    std::string* out;
  };
  for (const Text& t : {Text{"escrowId", &e.id}, Text{"payer", &e.payer}, Text{"payee", &e.payee},
                        Text{"currency", &e.currency}, Text{"heldBy", &e.held_by}}) {
    auto v = detail::read_string(o, t.key, what);
    if (!v) return v.error();
    *t.out = std::move(v).value();
  }
  if (!is_currency_code(e.currency))
    return Error(ErrorCode::kInternal, "stored ledger escrow: currency is not a currency code");
  struct Number {
    const char* key;
    std::int64_t* out;
  };
  for (const Number& n : {Number{"amount", &e.amount}, Number{"released", &e.released},
                          Number{"returned", &e.returned}}) {
    auto v = detail::read_int(o, n.key, what);
    if (!v) return v.error();
    *n.out = *v;
  }
  auto status = detail::read_string(o, "status", what);
  if (!status) return status.error();
  std::optional<EscrowStatus> parsed = parse_escrow_status(*status);
  if (!parsed) return Error(ErrorCode::kInternal, "stored ledger escrow: status is unknown");
  e.status = *parsed;
  auto expires = detail::read_optional_string(o, "expiresAt", what);
  if (!expires) return expires.error();
  if (*expires) {
    e.expires_at = parse_timestamp(**expires);
    if (!e.expires_at)
      return Error(ErrorCode::kInternal, "stored ledger escrow: expiresAt is not a timestamp");
  }
  auto resolved_by = detail::read_optional_string(o, "resolvedBy", what);
  if (!resolved_by) return resolved_by.error();
  if (*resolved_by) e.resolved_by = std::move(**resolved_by);
  return e;
}

}  // namespace settled::ledger
