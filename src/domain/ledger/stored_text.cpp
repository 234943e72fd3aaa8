#include "domain/ledger/stored_text.hpp"

#include "domain/json_append.hpp"
#include "domain/time.hpp"

#include <charconv>
#include <string_view>

namespace settled::ledger {

namespace {

// Appends `"name":` (the names here are plain identifiers: nothing to escape).
void name(std::string& out, std::string_view member) {
  out += '"';
  out += member;
  out += "\":";
}

void number(std::string& out, std::int64_t value) {
  char digits[24];
  out.append(digits, std::to_chars(digits, digits + sizeof digits, value).ptr);
}

}  // namespace

std::string stored_text(const AccountBalance& balance) {
  std::string out;
  out.reserve(160);
  out += '{';
  name(out, "account");
  append_json_string(out, balance.account);
  out += ',';
  name(out, "currency");
  append_json_string(out, balance.currency);
  for (const auto& [member, value] :
       {std::pair<std::string_view, std::int64_t>{"available", balance.available},
        {"held", balance.held},
        {"frozen", balance.frozen},
        {"externalIn", balance.external_in},
        {"externalOut", balance.external_out}}) {
    out += ',';
    name(out, member);
    number(out, value);
  }
  out += '}';
  return out;
}

std::string stored_text(const Escrow& escrow) {
  std::string out;
  out.reserve(256);
  out += '{';
  name(out, "escrowId");
  append_json_string(out, escrow.id);
  out += ',';
  name(out, "payer");
  append_json_string(out, escrow.payer);
  out += ',';
  name(out, "payee");
  append_json_string(out, escrow.payee);
  out += ',';
  name(out, "amount");
  number(out, escrow.amount);
  out += ',';
  name(out, "currency");
  append_json_string(out, escrow.currency);
  out += ',';
  name(out, "status");
  append_json_string(out, escrow_status_name(escrow.status));
  if (escrow.expires_at) {
    out += ',';
    name(out, "expiresAt");
    append_json_string(out, format_timestamp(*escrow.expires_at));
  }
  out += ',';
  name(out, "released");
  number(out, escrow.released);
  out += ',';
  name(out, "returned");
  number(out, escrow.returned);
  out += ',';
  name(out, "heldBy");
  append_json_string(out, escrow.held_by);
  if (!escrow.resolved_by.empty()) {
    out += ',';
    name(out, "resolvedBy");
    append_json_string(out, escrow.resolved_by);
  }
  out += '}';
  return out;
}

std::string stored_text(const JournalEntry& entry) {
  std::string out;
  out.reserve(512);
  out += '{';
  name(out, "id");
  append_json_string(out, entry.id);
  out += ',';
  name(out, "op");
  append_json_string(out, ledger_op_name(entry.op));
  out += ',';
  name(out, "at");
  append_json_string(out, format_timestamp(entry.at));
  if (!entry.escrow_id.empty()) {
    out += ',';
    name(out, "escrowId");
    append_json_string(out, entry.escrow_id);
  }
  out += ',';
  name(out, "params");
  append_json(out, entry.params);
  out += ',';
  name(out, "legs");
  out += '[';
  bool first = true;
  for (const JournalLeg& leg : entry.legs) {
    if (!first) out += ',';
    first = false;
    out += '{';
    name(out, "account");
    append_json_string(out, leg.account);
    out += ',';
    name(out, "currency");
    append_json_string(out, leg.currency);
    out += ',';
    name(out, "bucket");
    append_json_string(out, bucket_name(leg.bucket));
    out += ',';
    name(out, "delta");
    number(out, leg.delta);
    out += ',';
    name(out, "before");
    number(out, leg.before);
    out += ',';
    name(out, "after");
    number(out, leg.after);
    out += '}';
  }
  out += "],";
  name(out, "result");
  append_json(out, entry.result);
  out += '}';
  return out;
}

}  // namespace settled::ledger
