#include "api/user_routes.hpp"

#include "actors/messages.hpp"
#include "api/http_responses.hpp"
#include "api/http_status.hpp"
#include "api/request_parsing.hpp"
#include "domain/digest.hpp"
#include "domain/execution_record.hpp"
#include "domain/storage_keys.hpp"

#include <boost/json.hpp>

#include <caf/all.hpp>

#include <chrono>
#include <functional>
#include <memory>

namespace settled::api {

using namespace actors;

namespace json = boost::json;
using adapters::HttpRequest;
using adapters::HttpResponder;
using adapters::HttpResponse;

namespace {

// How long a route waits for its execution to finish before answering 202 (these workflows
// take milliseconds; the wait is polled, never slept on a thread).
constexpr auto kPollEvery = std::chrono::milliseconds(10);
constexpr int kPolls = 300;  // 3 s, well inside request-deadline-ms's default 10 s
constexpr std::size_t kMaxIdLength = 64;
constexpr std::size_t kMaxTextLength = 500;

Error invalid(std::string message) {
  return Error{ErrorCode::kInvalidRequest, std::move(message)};
}

// One of two names for the same field (the seed's and settled's): the string sent, "" if
// neither; InvalidRequest if both differ or it is not a safe id.
Result<std::string> id_field(const json::object& body, const char* name, const char* alias) {
  std::string out;
  for (const char* field : {name, alias}) {
    const json::value* v = body.if_contains(field);
    if (!v) continue;
    if (!v->is_string() || !safe_id(v->as_string()))
      return invalid(std::string(field) + " must be 1-64 letters, digits, '-', '_' or '.'");
    if (!out.empty() && out != v->as_string())
      return invalid(std::string(name) + " and " + alias + " differ; send one of them");
    out = std::string(v->as_string());
  }
  return out;
}

// An optional bounded string copied into `input`; InvalidRequest if it is not one.
std::optional<Error> copy_text(const json::object& body, const char* field, json::object& input,
                               bool required = false) {
  const json::value* v = body.if_contains(field);
  if (!v) {
    if (required) return invalid(std::string(field) + " is required");
    return std::nullopt;
  }
  if (!v->is_string() || v->as_string().size() > kMaxTextLength ||
      (required && v->as_string().empty()))
    return invalid(std::string(field) + " must be a string of " + (required ? "1" : "0") + "-" +
                   std::to_string(kMaxTextLength) + " characters");
  input[field] = *v;
  return std::nullopt;
}

// The workflow's failure as the API's one error shape: the error code says whose fault it was
// (the input's, the balance's, the route's own mapping, or ours); the workflow's own error name
// is kept beside it.
HttpResponse failed(const json::object& described, const FailureCode& failure_code) {
  const std::string workflow_error =
      described.contains("error") ? std::string(described.at("error").as_string()) : "";
  ErrorCode code = ErrorCode::kInternal;
  if (auto mapped = failure_code ? failure_code(workflow_error) : std::nullopt) {
    code = *mapped;
  } else if (workflow_error.find("InsufficientFunds") != std::string::npos) {
    code = ErrorCode::kInsufficientFunds;
  } else if (workflow_error.find("Invalid") != std::string::npos) {
    code = ErrorCode::kInvalidRequest;
  }
  json::object body{
      {"error", error_name(code)},
      {"message",
       described.contains("cause") ? described.at("cause") : json::value("the workflow failed")},
      {"workflowError", workflow_error.empty() ? std::string("States.Failed") : workflow_error},
      {"executionId", described.at("executionId")},
      {"status", described.at("status")}};
  return json_response(code == ErrorCode::kInternal ? 500 : http_status(code), body);
}

struct Await {
  std::shared_ptr<adapters::LmdbStore> db;
  std::string id;
  bool created = true;
  Shape shape;
  FailureCode failure_code;
  HttpResponder respond;
  int polls_left = kPolls;
};

// The answer once the execution has left RUNNING; none while it runs.
std::optional<HttpResponse> finished(const Await& await) {
  auto stored = await.db->get(Table::kExecutions, await.id);
  if (!stored) return std::nullopt;
  auto record = ExecutionRecord::parse(*stored, await.id);
  if (!record) return error_response(record.error());
  if (record->status == ExecutionStatus::kRunning) return std::nullopt;
  const json::object described = record->describe();
  if (record->status != ExecutionStatus::kSucceeded) return failed(described, await.failure_code);
  json::object body = await.shape(described);
  body["executionId"] = await.id;
  body["status"] = described.at("status");
  return json_response(await.created ? 201 : 200, body);
}

caf::behavior await_execution(caf::event_based_actor* self, std::shared_ptr<Await> await) {
  self->send(self, check_atom::value);
  return {[self, await](check_atom) {
    if (auto answer = finished(*await)) {
      await->respond(std::move(*answer));
      return self->quit();
    }
    if (--await->polls_left <= 0) {
      await->respond(json_response(
          202, json::object{{"executionId", await->id},
                            {"status", "RUNNING"},
                            {"message", "still running: GET /v1/executions/" + await->id}}));
      return self->quit();
    }
    self->delayed_send(self, kPollEvery, check_atom::value);
  }};
}

}  // namespace

bool safe_id(std::string_view id) {
  if (id.empty() || id.size() > kMaxIdLength) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

void start_and_await(const HttpRoutesDeps& deps, const std::string& machine,
                     const std::string& name, json::object input, Shape shape,
                     HttpResponder& respond, FailureCode failure_code) {
  if (!deps.executions || !deps.engine)
    return respond(error_response(ErrorCode::kDraining, "executions are not running"));
  StartRequest start;
  start.state_machine = machine;
  start.name = name;
  start.input = std::move(input);
  auto system = &deps.executions.home_system();
  start.reply = [system, db = deps.engine->db, shape = std::move(shape),
                 failure_code = std::move(failure_code),
                 respond = std::move(respond)](Answer answer) mutable {
    if (!answer) return respond(error_response(answer.error()));
    auto await = std::make_shared<Await>();
    await->db = db;
    await->id = std::string(answer->body.at("executionId").as_string());
    await->created = answer->outcome == Outcome::kCreated;
    await->shape = std::move(shape);
    await->failure_code = std::move(failure_code);
    await->respond = std::move(respond);
    system->spawn(await_execution, std::move(await));
  };
  caf::anon_send(deps.executions, start_atom::value, std::move(start));
}

namespace {

const json::value* output_field(const json::object& described, const char* field) {
  const json::value* output = described.if_contains("output");
  return output && output->is_object() ? output->as_object().if_contains(field) : nullptr;
}

std::string hours_text(std::int64_t hundredths) {
  const std::string sign = hundredths < 0 ? "-" : "";
  const std::int64_t abs = hundredths < 0 ? -hundredths : hundredths;
  const std::int64_t cents = abs % 100;
  return sign + std::to_string(abs / 100) + "." + (cents < 10 ? "0" : "") + std::to_string(cents);
}

void register_user(const HttpRequest& req, HttpResponder& respond, const HttpRoutesDeps& deps) {
  auto body = parse_fields_object(req.body, {"userId", "id", "email", "name", "username"});
  if (!body) return respond(error_response(body.error()));
  auto user = id_field(*body, "userId", "id");
  if (!user) return respond(error_response(user.error()));
  if (user->empty()) return respond(error_response(invalid("userId (or id) is required")));
  json::object input{{"userId", *user}, {"bonusHundredths", deps.welcome_bonus_hundredths}};
  for (const char* field : {"email", "name", "username"})
    if (auto bad = copy_text(*body, field, input)) return respond(error_response(*bad));
  const std::int64_t bonus = deps.welcome_bonus_hundredths;
  start_and_await(
      deps, "user-registration", "user-" + *user, std::move(input),
      [user = *user, bonus](const json::object&) {
        return json::object{
            {"userId", user},
            {"bonus",
             json::object{{"amount", bonus}, {"hours", hours_text(bonus)}, {"currency", "HOUR"}}}};
      },
      respond);
}

void register_service(const HttpRequest& req, HttpResponder& respond, const HttpRoutesDeps& deps) {
  auto body =
      parse_fields_object(req.body, {"id", "serviceId", "providerId", "userId", "title",
                                     "description", "hourlyRate", "isActive", "responseTimeHours"});
  if (!body) return respond(error_response(body.error()));
  auto service = id_field(*body, "serviceId", "id");
  if (!service) return respond(error_response(service.error()));
  if (service->empty()) return respond(error_response(invalid("id (or serviceId) is required")));
  auto provider = id_field(*body, "providerId", "userId");
  if (!provider) return respond(error_response(provider.error()));
  if (provider->empty())
    return respond(error_response(invalid("providerId (or userId) is required")));
  json::object input{{"serviceId", *service}, {"providerId", *provider}};
  if (auto bad = copy_text(*body, "title", input, true)) return respond(error_response(*bad));
  if (auto bad = copy_text(*body, "description", input)) return respond(error_response(*bad));
  const json::value* active = body->if_contains("isActive");
  if (active && !active->is_bool())
    return respond(error_response(invalid("isActive must be true or false")));
  input["isActive"] = active ? *active : json::value(true);
  // The numbers go to the workflow as sent: settled:decimal.toMinor checks them exactly.
  const json::value* rate = body->if_contains("hourlyRate");
  input["hourlyRate"] = rate ? *rate : json::value(1);
  const json::value* response = body->if_contains("responseTimeHours");
  input["responseTimeHours"] = response ? *response : json::value(24);
  // A registration with other fields (or after another one changed the record) is a new
  // execution; a repeat of the one that wrote the record as it is replays it.
  const std::string key = record_key("services", *service);
  const auto current =
      deps.engine && deps.engine->db ? deps.engine->db->get(Table::kRecords, key) : std::nullopt;
  const std::string digest = sha256_hex(json::serialize(input) + "|" + current.value_or(""));
  start_and_await(
      deps, "service-registration", "service-" + *service + "-" + digest.substr(0, 16),
      std::move(input),
      [](const json::object& described) {
        const json::value* record = output_field(described, "service");
        return json::object{{"service", record ? *record : json::value(nullptr)}};
      },
      respond);
}

void direct_transfer(const HttpRequest& req, HttpResponder& respond, const HttpRoutesDeps& deps) {
  if (auto refused = forbidden_without_scope(req, "admin", "direct transfers need"))
    return respond(std::move(*refused));
  auto body = parse_fields_object(req.body, {"fromUserId", "toUserId", "amount", "transferType",
                                             "description", "idempotencyKey", "reason"});
  if (!body) return respond(error_response(body.error()));
  const json::value* key = body->if_contains("idempotencyKey");
  if (!key || !key->is_string() || !safe_id(key->as_string()))
    return respond(error_response(
        invalid("idempotencyKey is required: 1-64 letters, digits, '-', '_' or '.'; it names the "
                "transfer, so a retry finds the first one")));
  auto to = id_field(*body, "toUserId", "toUserId");
  if (!to) return respond(error_response(to.error()));
  if (to->empty()) return respond(error_response(invalid("toUserId is required")));
  auto from = id_field(*body, "fromUserId", "fromUserId");
  if (!from) return respond(error_response(from.error()));
  if (*from == *to) return respond(error_response(invalid("fromUserId and toUserId are the same")));
  const json::value* type = body->if_contains("transferType");
  if (!type || !type->is_string())
    return respond(error_response(
        invalid("transferType is required: REFUND, ADMIN_ADJUSTMENT or DISPUTE_RESOLUTION")));
  const std::string kind(type->as_string());
  if (kind == "WELCOME_BONUS")
    return respond(
        error_response(invalid("transferType WELCOME_BONUS is granted only by registering the user "
                               "(POST /v1/users); a direct transfer is REFUND, ADMIN_ADJUSTMENT or "
                               "DISPUTE_RESOLUTION")));
  if (kind != "REFUND" && kind != "ADMIN_ADJUSTMENT" && kind != "DISPUTE_RESOLUTION")
    return respond(error_response(
        invalid("transferType must be REFUND, ADMIN_ADJUSTMENT or DISPUTE_RESOLUTION")));
  const json::value* amount = body->if_contains("amount");
  if (!amount) return respond(error_response(invalid("amount is required (hours, e.g. 1.5)")));
  json::object input{{"toUserId", *to},
                     {"amount", *amount},
                     {"transferType", kind},
                     {"idempotencyKey", *key},
                     {"adminId", req.caller.identity}};
  if (!from->empty()) input["fromUserId"] = *from;
  input["description"] = "";
  input["reason"] = "";
  for (const char* field : {"description", "reason"})
    if (auto bad = copy_text(*body, field, input)) return respond(error_response(*bad));
  start_and_await(
      deps, "direct-transfer", "transfer-" + std::string(key->as_string()), std::move(input),
      [](const json::object& described) {
        const json::value* transfer = output_field(described, "transfer");
        return transfer && transfer->is_object() ? transfer->as_object() : json::object{};
      },
      respond);
}

}  // namespace

bool route_time_bank_registrations(const HttpRequest& req, HttpResponder& respond,
                                   const HttpRoutesDeps& deps) {
  const auto& s = req.parsed_target.segments;
  if (s.size() != 2 || s[0] != "v1" ||
      (s[1] != "users" && s[1] != "services" && s[1] != "transfers"))
    return false;
  if (req.method != "POST") {
    respond(method_not_allowed(req, {"POST"}));
  } else if (s[1] == "users") {
    register_user(req, respond, deps);
  } else if (s[1] == "services") {
    register_service(req, respond, deps);
  } else {
    direct_transfer(req, respond, deps);
  }
  return true;
}

}  // namespace settled::api
