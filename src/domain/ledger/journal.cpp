#include "domain/ledger/journal.hpp"

#include "domain/ledger/json_read.hpp"
#include "domain/money.hpp"

namespace settled::ledger {

namespace json = boost::json;

namespace {

constexpr LedgerOp kAllOps[] = {
    LedgerOp::kDeposit,  LedgerOp::kWithdraw, LedgerOp::kHold,     LedgerOp::kRelease,
    LedgerOp::kCancel,   LedgerOp::kFreeze,   LedgerOp::kUnfreeze, LedgerOp::kSplit,
    LedgerOp::kTransfer, LedgerOp::kExpire,
};

json::object leg_to_json(const JournalLeg& leg) {
  json::object o;
  o["account"] = leg.account;
  o["currency"] = leg.currency;
  o["bucket"] = bucket_name(leg.bucket);
  o["delta"] = leg.delta;
  o["before"] = leg.before;
  o["after"] = leg.after;
  return o;
}

Result<JournalLeg> leg_from_json(const json::value& value) {
  constexpr std::string_view what = "ledger journal leg";
  auto obj = detail::read_object(value, what);
  if (!obj) return obj.error();
  const json::object& o = **obj;
  JournalLeg leg;
  auto account = detail::read_string(o, "account", what);
  if (!account) return account.error();
  leg.account = std::move(account).value();
  auto currency = detail::read_string(o, "currency", what);
  if (!currency) return currency.error();
  leg.currency = std::move(currency).value();
  auto bucket = detail::read_string(o, "bucket", what);
  if (!bucket) return bucket.error();
  std::optional<Bucket> parsed = parse_bucket(*bucket);
  if (!parsed) return Error(ErrorCode::kInternal, "stored ledger journal leg: bucket is unknown");
  leg.bucket = *parsed;
  struct Number {
    const char* key;
    std::int64_t* out;
  };
  for (const Number& n :
       {Number{"delta", &leg.delta}, Number{"before", &leg.before}, Number{"after", &leg.after}}) {
    auto v = detail::read_int(o, n.key, what);
    if (!v) return v.error();
    *n.out = *v;
  }
  return leg;
}

}  // namespace

std::string_view ledger_op_name(LedgerOp op) {
  switch (op) {
    case LedgerOp::kDeposit:
      return "deposit";
    case LedgerOp::kWithdraw:
      return "withdraw";
    case LedgerOp::kHold:
      return "hold";
    case LedgerOp::kRelease:
      return "release";
    case LedgerOp::kCancel:
      return "cancel";
    case LedgerOp::kFreeze:
      return "freeze";
    case LedgerOp::kUnfreeze:
      return "unfreeze";
    case LedgerOp::kSplit:
      return "split";
    case LedgerOp::kTransfer:
      return "transfer";
    case LedgerOp::kExpire:
      return "expire";
  }
  return "deposit";
}

std::optional<LedgerOp> parse_ledger_op(std::string_view name) {
  for (LedgerOp op : kAllOps) {
    if (ledger_op_name(op) == name) return op;
  }
  return std::nullopt;
}

bool operator==(const JournalLeg& a, const JournalLeg& b) {
  return a.account == b.account && a.currency == b.currency && a.bucket == b.bucket &&
         a.delta == b.delta && a.before == b.before && a.after == b.after;
}

bool operator==(const JournalEntry& a, const JournalEntry& b) {
  return a.id == b.id && a.op == b.op && a.at == b.at && a.escrow_id == b.escrow_id &&
         a.params == b.params && a.legs == b.legs && a.result == b.result;
}

json::object to_json(const JournalEntry& entry) {
  json::object o;
  o["id"] = entry.id;
  o["op"] = ledger_op_name(entry.op);
  o["at"] = format_timestamp(entry.at);
  if (!entry.escrow_id.empty()) o["escrowId"] = entry.escrow_id;
  o["params"] = entry.params;
  json::array legs;
  legs.reserve(entry.legs.size());
  for (const JournalLeg& leg : entry.legs) legs.push_back(leg_to_json(leg));
  o["legs"] = std::move(legs);
  o["result"] = entry.result;
  return o;
}

Result<JournalEntry> journal_entry_from_json(const json::value& value) {
  constexpr std::string_view what = "ledger journal entry";
  auto obj = detail::read_object(value, what);
  if (!obj) return obj.error();
  const json::object& o = **obj;
  JournalEntry e;
  auto id = detail::read_string(o, "id", what);
  if (!id) return id.error();
  e.id = std::move(id).value();
  auto op = detail::read_string(o, "op", what);
  if (!op) return op.error();
  std::optional<LedgerOp> parsed = parse_ledger_op(*op);
  if (!parsed) return Error(ErrorCode::kInternal, "stored ledger journal entry: op is unknown");
  e.op = *parsed;
  auto at = detail::read_string(o, "at", what);
  if (!at) return at.error();
  std::optional<EpochMillis> when = parse_timestamp(*at);
  if (!when) return Error(ErrorCode::kInternal, "stored ledger journal entry: at is not a time");
  e.at = *when;
  auto escrow_id = detail::read_optional_string(o, "escrowId", what);
  if (!escrow_id) return escrow_id.error();
  if (*escrow_id) e.escrow_id = std::move(**escrow_id);
  const json::value* params = o.if_contains("params");
  if (params == nullptr || !params->is_object())
    return Error(ErrorCode::kInternal, "stored ledger journal entry: params is not an object");
  e.params = params->get_object();
  const json::value* legs = o.if_contains("legs");
  if (legs == nullptr || !legs->is_array())
    return Error(ErrorCode::kInternal, "stored ledger journal entry: legs is not an array");
  for (const json::value& leg : legs->get_array()) {
    auto parsed_leg = leg_from_json(leg);
    if (!parsed_leg) return parsed_leg.error();
    e.legs.push_back(std::move(parsed_leg).value());
  }
  const json::value* result = o.if_contains("result");
  if (result == nullptr)
    return Error(ErrorCode::kInternal, "stored ledger journal entry: result is missing");
  e.result = *result;
  return e;
}

std::int64_t external_flow(const JournalEntry& entry) {
  const bool minted = entry.op == LedgerOp::kTransfer && !entry.params.contains("from");
  if (entry.op != LedgerOp::kDeposit && entry.op != LedgerOp::kWithdraw && !minted) return 0;
  // These operations have exactly one leg: the account's available change.
  std::int64_t flow = 0;
  for (const JournalLeg& leg : entry.legs) flow += leg.delta;
  return flow;
}

}  // namespace settled::ledger
