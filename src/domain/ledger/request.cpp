#include "domain/ledger/request.hpp"

#include "domain/money.hpp"
#include "domain/path_segment.hpp"
#include "domain/utf8.hpp"

#include <algorithm>
#include <initializer_list>
#include <vector>

namespace settled::ledger {

namespace json = boost::json;

namespace {

constexpr std::size_t kMaxIdLength = 200;
constexpr std::size_t kMaxKindLength = 64;
constexpr std::string_view kResourcePrefix = "settled:ledger.";

std::string where(std::string_view field) {
  return "parameters." + std::string(field);
}

LedgerError invalid(std::string_view field, std::string_view why) {
  return LedgerError(LedgerErrc::kInvalidParameters, where(field) + ": " + std::string(why));
}

// Refuses fields the operation does not know: a typo ("ammount") must not silently fall back
// to a default such as "release everything".
std::optional<LedgerError> check_fields(const json::object& o,
                                        std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, value] : o) {
    if (std::find(allowed.begin(), allowed.end(), std::string_view(key)) != allowed.end()) continue;
    std::string list;
    for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
    return LedgerError(LedgerErrc::kInvalidParameters,
                       where(cut_for_display(key)) + ": unknown field (allowed: " + list + ")");
  }
  return std::nullopt;
}

// A text field; `route` (a GET that names the value in its path) makes it an id, which must be
// addressable by it.
LedgerResult<std::string> read_text(const json::object& o, std::string_view field,
                                    std::size_t max_length, std::string_view route = {}) {
  const json::value* v = o.if_contains(field);
  if (v == nullptr) return invalid(field, "field is missing");
  const json::string* s = v->if_string();
  if (s == nullptr || s->empty() || s->size() > max_length)
    return invalid(field, "must be a string of 1-" + std::to_string(max_length) + " characters");
  // Ids become LMDB key parts separated by NUL.
  if (s->subview().find('\0') != std::string_view::npos)
    return invalid(field, "must not contain NUL");
  if (route.empty()) return std::string(s->subview());
  // An id a path segment could not carry could never be named by the GET that reads it back.
  if (const SegmentProblem problem = segment_problem(s->subview());
      problem != SegmentProblem::kNone)
    return invalid(field, "must not be or contain " + std::string(describe(problem)) + ": " +
                              std::string(route) + " could not name it");
  return std::string(s->subview());
}

constexpr std::string_view kAccountRoute = "GET /v1/accounts/{user}";
constexpr std::string_view kEscrowRoute = "GET /v1/escrows/{id}";

LedgerResult<std::string> read_account(const json::object& o, std::string_view field) {
  return read_text(o, field, kMaxIdLength, kAccountRoute);
}

LedgerResult<std::optional<std::string>> read_optional_text(const json::object& o,
                                                            std::string_view field,
                                                            std::size_t max_length,
                                                            std::string_view route = {}) {
  if (!o.contains(field)) return std::optional<std::string>();
  auto text = read_text(o, field, max_length, route);
  if (!text) return text.error();
  return std::optional<std::string>(std::move(text).value());
}

LedgerResult<std::int64_t> read_amount(const json::object& o, std::string_view field,
                                       AmountRule rule) {
  const json::value* v = o.if_contains(field);
  if (v == nullptr) return invalid(field, "field is missing");
  Result<std::int64_t> amount = parse_amount(*v, where(field), rule);
  if (!amount) return from_error(amount.error());
  return *amount;
}

LedgerResult<std::string> read_currency(const json::object& o, std::string_view field) {
  const json::value* v = o.if_contains(field);
  if (v == nullptr) return invalid(field, "field is missing");
  Result<std::string> currency = parse_currency(*v, where(field));
  if (!currency) return from_error(currency.error());
  return std::move(currency).value();
}

}  // namespace

std::optional<LedgerOp> ledger_op_from_resource(std::string_view resource) {
  if (resource.substr(0, kResourcePrefix.size()) != kResourcePrefix) return std::nullopt;
  return parse_ledger_op(resource.substr(kResourcePrefix.size()));
}

LedgerResult<LedgerRequest> parse_ledger_request(LedgerOp op, const json::value& parameters) {
  const json::object* obj = parameters.if_object();
  if (obj == nullptr)
    return LedgerError(LedgerErrc::kInvalidParameters, "parameters must be a JSON object");
  const json::object& o = *obj;
  LedgerRequest r;
  r.op = op;

  std::optional<LedgerError> unknown;
  switch (op) {
    case LedgerOp::kDeposit:
      unknown = check_fields(o, {"account", "amount", "currency"});
      break;
    case LedgerOp::kWithdraw:
      unknown = check_fields(o, {"account", "amount", "currency", "kind"});
      break;
    case LedgerOp::kHold:
      unknown = check_fields(o, {"escrowId", "payer", "payee", "amount", "currency", "expiresAt"});
      break;
    case LedgerOp::kRelease:
      unknown = check_fields(o, {"escrowId", "amount", "currency"});
      break;
    case LedgerOp::kCancel:
    case LedgerOp::kFreeze:
    case LedgerOp::kUnfreeze:
    case LedgerOp::kExpire:
      unknown = check_fields(o, {"escrowId", "currency"});
      break;
    case LedgerOp::kSplit:
      unknown = check_fields(o, {"escrowId", "payeeAmount", "currency"});
      break;
    case LedgerOp::kTransfer:
      unknown = check_fields(o, {"from", "to", "amount", "currency", "kind"});
      break;
  }
  if (unknown) return *unknown;

  switch (op) {
    case LedgerOp::kDeposit:
    case LedgerOp::kWithdraw: {
      auto account = read_account(o, "account");
      if (!account) return account.error();
      r.account = std::move(account).value();
      break;
    }
    case LedgerOp::kTransfer: {
      auto from = read_optional_text(o, "from", kMaxIdLength, kAccountRoute);
      if (!from) return from.error();
      r.from = std::move(from).value();
      auto to = read_account(o, "to");
      if (!to) return to.error();
      r.to = std::move(to).value();
      if (r.from && *r.from == r.to) return invalid("to", "must differ from parameters.from");
      break;
    }
    default: {
      auto escrow_id = read_text(o, "escrowId", kMaxIdLength, kEscrowRoute);
      if (!escrow_id) return escrow_id.error();
      r.escrow_id = std::move(escrow_id).value();
      break;
    }
  }

  if (op == LedgerOp::kHold) {
    auto payer = read_account(o, "payer");
    if (!payer) return payer.error();
    r.payer = std::move(payer).value();
    auto payee = read_account(o, "payee");
    if (!payee) return payee.error();
    r.payee = std::move(payee).value();
    // An escrow to oneself moves nothing and would make the legs ambiguous.
    if (r.payer == r.payee) return invalid("payee", "must differ from parameters.payer");
    if (const json::value* e = o.if_contains("expiresAt")) {
      const json::string* text = e->if_string();
      if (text != nullptr) r.expires_at = parse_timestamp(text->subview());
      if (!r.expires_at)
        return invalid("expiresAt", "must be an RFC 3339 timestamp such as 2026-01-31T12:00:00Z");
    }
  }

  const bool amount_required = op == LedgerOp::kDeposit || op == LedgerOp::kWithdraw ||
                               op == LedgerOp::kHold || op == LedgerOp::kTransfer;
  if (amount_required || (op == LedgerOp::kRelease && o.contains("amount"))) {
    auto amount = read_amount(o, "amount", AmountRule::kPositive);
    if (!amount) return amount.error();
    r.amount = *amount;
  }
  if (op == LedgerOp::kSplit) {
    // Zero is a real decision: everything back to the payer.
    auto payee_amount = read_amount(o, "payeeAmount", AmountRule::kNonNegative);
    if (!payee_amount) return payee_amount.error();
    r.payee_amount = *payee_amount;
  }

  if (amount_required || o.contains("currency")) {
    auto currency = read_currency(o, "currency");
    if (!currency) return currency.error();
    r.currency = std::move(currency).value();
  }

  if (op == LedgerOp::kTransfer) {
    auto kind = read_text(o, "kind", kMaxKindLength);
    if (!kind) return kind.error();
    r.kind = std::move(kind).value();
  }
  if (op == LedgerOp::kWithdraw) {
    auto kind = read_optional_text(o, "kind", kMaxKindLength);
    if (!kind) return kind.error();
    r.kind = kind->value_or("withdrawal");
  }
  return r;
}

json::object to_json(const LedgerRequest& r) {
  json::object o;
  if (!r.account.empty()) o["account"] = r.account;
  if (!r.escrow_id.empty()) o["escrowId"] = r.escrow_id;
  if (!r.payer.empty()) o["payer"] = r.payer;
  if (!r.payee.empty()) o["payee"] = r.payee;
  if (r.from) o["from"] = *r.from;
  if (!r.to.empty()) o["to"] = r.to;
  if (r.amount) o["amount"] = *r.amount;
  if (r.payee_amount) o["payeeAmount"] = *r.payee_amount;
  if (!r.currency.empty()) o["currency"] = r.currency;
  if (r.expires_at) o["expiresAt"] = format_timestamp(*r.expires_at);
  if (!r.kind.empty()) o["kind"] = r.kind;
  return o;
}

LedgerResult<BalanceQuery> parse_balance_query(const json::value& parameters) {
  const json::object* obj = parameters.if_object();
  if (obj == nullptr)
    return LedgerError(LedgerErrc::kInvalidParameters, "parameters must be a JSON object");
  if (auto unknown = check_fields(*obj, {"account", "currency"})) return *unknown;
  BalanceQuery q;
  auto account = read_account(*obj, "account");
  if (!account) return account.error();
  q.account = std::move(account).value();
  if (obj->contains("currency")) {
    auto currency = read_currency(*obj, "currency");
    if (!currency) return currency.error();
    q.currency = std::move(currency).value();
  }
  return q;
}

}  // namespace settled::ledger
