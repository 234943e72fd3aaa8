#pragma once
// Veriff's decisions: the status codes, the decision webhook's body (what the simulator sends and
// POST /v1/webhooks/veriff reads), and the keys a decision is routed and deduplicated by
// (docs/veriff.md). The signature is checked before a body is read here (veriff_signature.hpp).

#include "domain/result.hpp"
#include "domain/time.hpp"

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace settled::veriff {

// The type a decision is posted under for settled:events.waitFor; its correlation keys are the
// session id and the vendorData.
inline constexpr std::string_view kDecisionEventType = "veriff.decision";

// Veriff's decision codes (verification.code) and statuses (verification.status).
struct DecisionStatus {
  int code;
  std::string_view status;
};
// approved 9001, declined 9102, resubmission_requested 9103, expired 9104, abandoned 9104,
// review 9121.
const std::vector<DecisionStatus>& decision_statuses();
std::optional<int> code_of(std::string_view status);
// The status a code stands for ("expired" for 9104); nullopt for a code Veriff does not send.
std::optional<std::string_view> status_of(int code);

// The status the simulator decides for a session, chosen by the test data: person.firstName
// `Approved`, `Declined`, `Resubmit`, `Review`, `Expired` or `Abandoned` (any case); any other
// name, or none, is approved.
std::string_view simulated_status(const boost::json::object& verification);

struct DecisionInput {
  std::string session_id;
  std::string attempt_id;
  std::string status;                // one of decision_statuses()
  boost::json::object verification;  // as the session was created (person, vendorData, ...)
  EpochMillis created_at = 0;
  EpochMillis decided_at = 0;
};
// The decision webhook's body as Veriff sends it: {"status":"success","verification":{"id",
// "attemptId","code","status","reason","reasonCode","vendorData","person",...,"decisionTime",
// "acceptanceTime"},"technicalData":{"ip":null}}.
boost::json::object decision_body(const DecisionInput& input);

// A decision as settled keeps it.
struct VeriffDecision {
  std::string session_id;
  std::string attempt_id;  // "" when the webhook carries none
  int code = 0;
  std::string status;
  std::string vendor_data;  // "" when none
  EpochMillis received_at = 0;
  std::vector<std::string> correlation_keys;  // session id, then vendorData if usable
  boost::json::object body;                   // the webhook's body as received

  // What a redelivery is recognised by: session id, attempt id and code.
  std::string key() const;
};

// The longest correlation key taken (the events tables' keys hold type, key and a sequence).
inline constexpr std::size_t kMaxCorrelationKeyBytes = 200;

// A decision webhook's body: an object with "verification" an object with "id" (a session id),
// "code" (a Veriff decision code) and "status" (a string); "attemptId" and "vendorData" if
// present strings. Anything else is InvalidJson or InvalidRequest naming the field.
Result<VeriffDecision> parse_decision(std::string_view raw_body, EpochMillis now);

// {key, sessionId, attemptId, code, status, vendorData?, receivedAt, correlationKeys}.
boost::json::object to_json(const VeriffDecision& decision);

}  // namespace settled::veriff
