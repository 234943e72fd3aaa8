#include "domain/ledger/stored_text.hpp"

#include "domain/json_append.hpp"
#include "domain/time.hpp"

namespace settled::ledger {

std::string stored_text(const AccountBalance& balance) {
  std::string out;
  out.reserve(160);
  JsonObjectWriter(out)
      .text("account", balance.account)
      .text("currency", balance.currency)
      .number("available", balance.available)
      .number("held", balance.held)
      .number("frozen", balance.frozen)
      .number("externalIn", balance.external_in)
      .number("externalOut", balance.external_out)
      .close();
  return out;
}

std::string stored_text(const Escrow& escrow) {
  std::string out;
  out.reserve(256);
  JsonObjectWriter o(out);
  o.text("escrowId", escrow.id)
      .text("payer", escrow.payer)
      .text("payee", escrow.payee)
      .number("amount", escrow.amount)
      .text("currency", escrow.currency)
      .text("status", escrow_status_name(escrow.status));
  if (escrow.expires_at) o.text("expiresAt", format_timestamp(*escrow.expires_at));
  o.number("released", escrow.released)
      .number("returned", escrow.returned)
      .text("heldBy", escrow.held_by);
  if (!escrow.resolved_by.empty()) o.text("resolvedBy", escrow.resolved_by);
  o.close();
  return out;
}

std::string stored_text(const JournalEntry& entry) {
  std::string out;
  out.reserve(512);
  JsonObjectWriter o(out);
  o.text("id", entry.id)
      .text("op", ledger_op_name(entry.op))
      .text("at", format_timestamp(entry.at));
  if (!entry.escrow_id.empty()) o.text("escrowId", entry.escrow_id);
  o.value("params", entry.params);
  std::string& legs = o.member("legs");
  legs += '[';
  for (std::size_t i = 0; i < entry.legs.size(); ++i) {
    const JournalLeg& leg = entry.legs[i];
    if (i) legs += ',';
    JsonObjectWriter(legs)
        .text("account", leg.account)
        .text("currency", leg.currency)
        .text("bucket", bucket_name(leg.bucket))
        .number("delta", leg.delta)
        .number("before", leg.before)
        .number("after", leg.after)
        .close();
  }
  legs += ']';
  o.value("result", entry.result).close();
  return out;
}

}  // namespace settled::ledger
