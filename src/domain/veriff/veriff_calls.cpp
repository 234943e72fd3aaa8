#include "domain/veriff/veriff_calls.hpp"

#include <boost/json.hpp>

#include <cctype>

namespace settled::veriff {

namespace json = boost::json;

namespace {

Result<VeriffRequest, VeriffRefusal> refuse(std::string message) {
  return VeriffRefusal{kInvalidRequest, std::move(message)};
}

Result<VeriffRequest, VeriffRefusal> plan_create(const json::value& parameters) {
  if (!parameters.is_object())
    return refuse("the parameters of " + std::string(kSessionsCreate) +
                  " must be Veriff's verification object");
  const auto& verification = parameters.as_object();
  if (const auto* vendor = verification.if_contains("vendorData")) {
    if (!vendor->is_string()) return refuse("vendorData must be a string");
    if (vendor->as_string().size() > kMaxVendorDataBytes)
      return refuse("vendorData is at most " + std::to_string(kMaxVendorDataBytes) + " bytes");
  }
  if (const auto* person = verification.if_contains("person"); person && !person->is_object())
    return refuse("person must be an object");
  VeriffRequest request;
  request.resource = kSessionsCreate;
  request.method = "POST";
  request.path = "/v1/sessions";
  request.verification = verification;
  request.body = json::serialize(json::object{{"verification", verification}});
  request.signed_payload = request.body;
  return request;
}

Result<VeriffRequest, VeriffRefusal> plan_decision(const json::value& parameters) {
  const auto* object = parameters.if_object();
  const auto* id = object ? object->if_contains("id") : nullptr;
  if (!id || !id->is_string())
    return refuse(std::string(kDecisionGet) + " needs id, the session id, as a string");
  if (!is_session_id(id->as_string()))
    return refuse("id must be a Veriff session id (letters, digits and '-', at most " +
                  std::to_string(kMaxSessionIdBytes) + ")");
  for (const auto& field : *object)
    if (field.key() != "id") return refuse("unknown parameter " + std::string(field.key()));
  VeriffRequest request;
  request.resource = kDecisionGet;
  request.method = "GET";
  request.session_id = std::string(id->as_string());
  request.path = "/v1/sessions/" + request.session_id + "/decision";
  request.signed_payload = request.session_id;
  return request;
}

}  // namespace

bool is_veriff_call(std::string_view resource) {
  return resource == kSessionsCreate || resource == kDecisionGet;
}

std::string VeriffRefusal::cause() const {
  return json::serialize(json::object{{"status", "fail"}, {"code", 1102}, {"message", message}});
}

Result<VeriffRequest, VeriffRefusal> plan_veriff_request(std::string_view resource,
                                                         const json::value& parameters) {
  if (resource == kSessionsCreate) return plan_create(parameters);
  if (resource == kDecisionGet) return plan_decision(parameters);
  return refuse("unknown Veriff resource " + std::string(resource));
}

const char* error_for_status(unsigned status) {
  if (status == 400) return kInvalidRequest;
  if (status == 401 || status == 403) return kAuthentication;
  if (status == 404) return kNotFound;
  if (status == 429) return kRateLimit;
  return kApiError;
}

bool is_session_id(std::string_view id) {
  if (id.empty() || id.size() > kMaxSessionIdBytes) return false;
  for (char c : id)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
  return true;
}

}  // namespace settled::veriff
