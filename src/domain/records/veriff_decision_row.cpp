#include "domain/records/veriff_decision_row.hpp"

#include "domain/records/row_json.hpp"

#include <boost/json.hpp>

namespace settled::records {

namespace json = boost::json;

namespace {

constexpr std::int64_t kVersion = 1;
constexpr std::string_view kRow = "veriff decision row";

}  // namespace

std::string encode(const veriff::VeriffDecision& decision) {
  json::array keys;
  for (const auto& k : decision.correlation_keys) keys.emplace_back(k);
  return json::serialize(json::object{{"v", kVersion},
                                      {"sessionId", decision.session_id},
                                      {"attemptId", decision.attempt_id},
                                      {"code", decision.code},
                                      {"status", decision.status},
                                      {"vendorData", decision.vendor_data},
                                      {"receivedAtMillis", decision.received_at},
                                      {"correlationKeys", std::move(keys)},
                                      {"decision", decision.body}});
}

Result<veriff::VeriffDecision> decode_veriff_decision_row(std::string_view text) {
  auto stored = read_row_object(text, kRow, kVersion);
  if (!stored) return stored.error();
  const json::object& o = *stored;
  veriff::VeriffDecision decision;
  for (auto [name, target] :
       {std::pair{"sessionId", &decision.session_id}, std::pair{"attemptId", &decision.attempt_id},
        std::pair{"status", &decision.status}, std::pair{"vendorData", &decision.vendor_data}}) {
    const json::value* v = o.if_contains(name);
    if (!v || !v->is_string()) return corrupt_row(kRow, std::string(name) + " is not a string");
    *target = std::string(v->as_string());
  }
  if (decision.session_id.empty()) return corrupt_row(kRow, "sessionId is empty");
  const json::value* code = o.if_contains("code");
  if (!code || !code->is_int64()) return corrupt_row(kRow, "code is not an integer");
  decision.code = static_cast<int>(code->as_int64());
  const json::value* received = o.if_contains("receivedAtMillis");
  if (!received || !received->is_int64())
    return corrupt_row(kRow, "receivedAtMillis is not an integer");
  decision.received_at = received->as_int64();
  const json::value* keys = o.if_contains("correlationKeys");
  if (!keys || !keys->is_array()) return corrupt_row(kRow, "correlationKeys is not an array");
  for (const auto& k : keys->as_array()) {
    if (!k.is_string() || k.as_string().empty())
      return corrupt_row(kRow, "correlationKeys holds something not a non-empty string");
    decision.correlation_keys.emplace_back(k.as_string());
  }
  const json::value* body = o.if_contains("decision");
  if (!body || !body->is_object()) return corrupt_row(kRow, "decision is not an object");
  decision.body = body->as_object();
  return decision;
}

}  // namespace settled::records
