#include "domain/veriff/decision.hpp"

#include "domain/json_limits.hpp"
#include "domain/veriff/veriff_calls.hpp"

#include <boost/algorithm/string/predicate.hpp>
#include <boost/json.hpp>

namespace settled::veriff {

namespace json = boost::json;

const std::vector<DecisionStatus>& decision_statuses() {
  static const std::vector<DecisionStatus> statuses = {
      {9001, "approved"}, {9102, "declined"},  {9103, "resubmission_requested"},
      {9104, "expired"},  {9104, "abandoned"}, {9121, "review"},
  };
  return statuses;
}

std::optional<int> code_of(std::string_view status) {
  for (const auto& s : decision_statuses())
    if (s.status == status) return s.code;
  return std::nullopt;
}

std::optional<std::string_view> status_of(int code) {
  for (const auto& s : decision_statuses())
    if (s.code == code) return s.status;
  return std::nullopt;
}

std::string_view simulated_status(const json::object& verification) {
  const auto* person = verification.if_contains("person");
  const auto* first =
      person && person->is_object() ? person->as_object().if_contains("firstName") : nullptr;
  if (!first || !first->is_string()) return "approved";
  const std::string_view name = first->as_string();
  using boost::algorithm::iequals;
  if (iequals(name, "Declined")) return "declined";
  if (iequals(name, "Resubmit")) return "resubmission_requested";
  if (iequals(name, "Review")) return "review";
  if (iequals(name, "Expired")) return "expired";
  if (iequals(name, "Abandoned")) return "abandoned";
  return "approved";
}

namespace {

// Veriff's reason codes for the simulated refusals (null for the others).
json::value reason_of(std::string_view status) {
  if (status == "declined") return "Physical document not used";
  if (status == "resubmission_requested") return "Video and/or photos missing";
  return nullptr;
}
json::value reason_code_of(std::string_view status) {
  if (status == "declined") return 101;
  if (status == "resubmission_requested") return 201;
  return nullptr;
}

Result<VeriffDecision> invalid(std::string message) {
  return Error{ErrorCode::kInvalidRequest, std::move(message)};
}

bool usable_key(std::string_view key) {
  return !key.empty() && key.size() <= kMaxCorrelationKeyBytes &&
         key.find('\0') == std::string_view::npos;
}

}  // namespace

json::object decision_body(const DecisionInput& input) {
  const int code = code_of(input.status).value_or(9001);
  json::object person{{"firstName", nullptr}, {"lastName", nullptr}};
  if (const auto* p = input.verification.if_contains("person"); p && p->is_object())
    for (const auto& field : p->as_object()) person[field.key()] = field.value();
  json::value vendor = nullptr;
  if (const auto* v = input.verification.if_contains("vendorData")) vendor = *v;
  json::object verification{{"id", input.session_id},
                            {"attemptId", input.attempt_id},
                            {"vendorData", vendor},
                            {"endUserId", nullptr},
                            {"code", code},
                            {"status", input.status},
                            {"reason", reason_of(input.status)},
                            {"reasonCode", reason_code_of(input.status)},
                            {"person", std::move(person)},
                            {"document", {{"type", "PASSPORT"}, {"country", "EE"}}},
                            {"acceptanceTime", format_timestamp(input.created_at)},
                            {"decisionTime", format_timestamp(input.decided_at)}};
  return json::object{{"status", "success"},
                      {"verification", std::move(verification)},
                      {"technicalData", {{"ip", nullptr}}}};
}

std::string VeriffDecision::key() const {
  return session_id + "/" + attempt_id + "/" + std::to_string(code);
}

Result<VeriffDecision> parse_decision(std::string_view raw_body, EpochMillis now) {
  auto parsed = parse_request_json(raw_body);
  if (!parsed) return parsed.error();
  if (!parsed->is_object()) return invalid("a Veriff decision is a JSON object");
  VeriffDecision decision;
  decision.body = std::move(parsed->as_object());
  const auto* v = decision.body.if_contains("verification");
  if (!v || !v->is_object())
    return invalid("verification must be an object (a Veriff decision webhook)");
  const auto& verification = v->as_object();
  const auto* id = verification.if_contains("id");
  if (!id || !id->is_string() || !is_session_id(id->as_string()))
    return invalid("verification.id must be a Veriff session id");
  decision.session_id = std::string(id->as_string());
  const auto* code = verification.if_contains("code");
  if (!code || !code->is_int64() || !status_of(static_cast<int>(code->as_int64())))
    return invalid(
        "verification.code must be a Veriff decision code (9001, 9102, 9103, 9104, "
        "9121)");
  decision.code = static_cast<int>(code->as_int64());
  const auto* status = verification.if_contains("status");
  if (!status || !status->is_string() || status->as_string().empty() ||
      status->as_string().size() > 64)
    return invalid("verification.status must be a decision status");
  decision.status = std::string(status->as_string());
  if (const auto* attempt = verification.if_contains("attemptId"); attempt && !attempt->is_null()) {
    if (!attempt->is_string() ||
        (!attempt->as_string().empty() && !is_session_id(attempt->as_string())))
      return invalid("verification.attemptId must be an attempt id");
    decision.attempt_id = std::string(attempt->as_string());
  }
  if (const auto* vendor = verification.if_contains("vendorData"); vendor && !vendor->is_null()) {
    if (!vendor->is_string() || vendor->as_string().size() > kMaxVendorDataBytes)
      return invalid("verification.vendorData must be a string of at most " +
                     std::to_string(kMaxVendorDataBytes) + " bytes");
    decision.vendor_data = std::string(vendor->as_string());
  }
  decision.received_at = now;
  decision.correlation_keys.push_back(decision.session_id);
  if (usable_key(decision.vendor_data) && decision.vendor_data != decision.session_id)
    decision.correlation_keys.push_back(decision.vendor_data);
  return decision;
}

json::object to_json(const VeriffDecision& decision) {
  json::array keys;
  for (const auto& k : decision.correlation_keys) keys.emplace_back(k);
  json::object out{{"key", decision.key()},
                   {"sessionId", decision.session_id},
                   {"attemptId", decision.attempt_id},
                   {"code", decision.code},
                   {"status", decision.status}};
  if (!decision.vendor_data.empty()) out["vendorData"] = decision.vendor_data;
  out["receivedAt"] = format_timestamp(decision.received_at);
  out["correlationKeys"] = std::move(keys);
  return out;
}

}  // namespace settled::veriff
