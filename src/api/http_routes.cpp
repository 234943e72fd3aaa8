#include "api/http_routes.hpp"

#include "actors/messages.hpp"
#include "actors/readiness_actor.hpp"
#include "adapters/ops/metrics.hpp"
#include "adapters/store/history_reader.hpp"
#include "adapters/store/ledger_reader.hpp"
#include "adapters/store/started_executions.hpp"
#include "adapters/stripe/stripe_sim_lifecycle.hpp"
#include "adapters/stripe/stripe_simulator.hpp"
#include "adapters/veriff/veriff_simulator.hpp"
#include "api/clock_commands.hpp"
#include "api/http_responses.hpp"
#include "api/http_status.hpp"
#include "api/notification_routes.hpp"
#include "api/request_parsing.hpp"
#include "api/schedule_routes.hpp"
#include "api/service_request_routes.hpp"
#include "api/sfn/dispatch.hpp"
#include "api/state_machine_routes.hpp"
#include "api/user_routes.hpp"
#include "api/webhook_routes.hpp"
#include "domain/asl/interpreter.hpp"
#include "domain/asl/mock_config.hpp"
#include "domain/events/eventbridge_envelope.hpp"
#include "domain/execution_record.hpp"
#include "domain/json_limits.hpp"
#include "domain/json_size.hpp"
#include "domain/ledger/journal.hpp"
#include "domain/resources/payment_validation.hpp"
#include "domain/state_machine_versions.hpp"
#include "domain/storage_keys.hpp"
#include "domain/utf8.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <limits>

namespace settled::api {

using namespace actors;

namespace json = boost::json;
using adapters::HttpRequest;
using adapters::HttpResponder;
using adapters::HttpResponse;

namespace {

constexpr std::uint64_t kNoMax = std::numeric_limits<std::uint64_t>::max();

class HttpRoutes {
 public:
  explicit HttpRoutes(HttpRoutesDeps deps)
      : deps_(std::move(deps)), sfn_{deps_.engine, deps_.executions, deps_.state_machines,
                                     deps_.admin,  deps_.aws_arns,   deps_.aws_authenticate} {}

  void handle(HttpRequest req, HttpResponder respond) {
    // Parsed once by the HTTP session, the same segments the API-key check read.
    const adapters::RequestTarget& target = req.parsed_target;
    const auto& s = target.segments;
    const bool get = req.is_get_or_head(), post = req.method == "POST";
    // Only the lists read a query, each refusing what it does not take; any other route
    // refuses one rather than ignore what the client meant (?dryRun=true on a start, ?limit=
    // on a route that has no pages), and changes nothing.
    if (!target.query.empty() && !reads_query(req)) {
      if (auto none = check_query(target, {}); !none.ok()) {
        // The AWS API's clients read AWS's error shape (a ValidationException).
        if (s.empty() && post)
          return respond(sfn::aws_error_response(sfn::to_aws_error(none.error())));
        return respond(error_response(none.error()));
      }
    }
    // The Step Functions API (AWS JSON 1.0): every operation is a POST to the root.
    if (s.empty()) {
      if (!post) return respond(method_not_allowed(req, {"POST"}));
      return sfn::handle_sfn_request(sfn_, req, std::move(respond));
    }
    if (s.size() == 1 && s[0] == "metrics") {
      if (!get) return respond(method_not_allowed(req, {"GET"}));
      return respond(metrics());
    }
    if (s.size() == 1 && s[0] == "healthz") {
      if (!get) return respond(method_not_allowed(req, {"GET"}));
      return respond(json_response(200, json::object{{"status", "ok"}}));
    }
    if (s.size() == 1 && s[0] == "readyz") {
      if (!get) return respond(method_not_allowed(req, {"GET"}));
      return readyz(std::move(respond));
    }
    if (s.size() >= 2 && s[0] == "v1" && s[1] == "executions") {
      if (s.size() == 2) {
        if (!post) return respond(method_not_allowed(req, {"POST"}));
        return start_execution(req, std::move(respond));
      }
      if (s.size() == 3) {
        if (!get) return respond(method_not_allowed(req, {"GET"}));
        return respond(describe(s[2]));
      }
      if (s.size() == 4 && s[3] == "history") {
        if (!get) return respond(method_not_allowed(req, {"GET"}));
        return respond(history(s[2]));
      }
    }
    if (route_state_machines(req, respond, *deps_.engine->db, deps_.state_machines)) return;
    if (s.size() >= 2 && s.size() <= 3 && s[0] == "v1" && s[1] == "clock") {
      if (s.size() == 2) {
        if (!get) return respond(method_not_allowed(req, {"GET"}));
        return respond(json_response(200, clock_json(clock())));
      }
      if (s[2] == "advance") {
        if (!post) return respond(method_not_allowed(req, {"POST"}));
        return advance_clock(req, std::move(respond));
      }
    }
    if (s.size() == 2 && s[0] == "v1" && s[1] == "events") {
      if (!post) return respond(method_not_allowed(req, {"POST"}));
      return post_event(req, std::move(respond));
    }
    if (route_webhooks(req, respond, deps_)) return;
    if (s.size() == 4 && s[0] == "v1" && s[1] == "simulator" && s[2] == "veriff" &&
        s[3] == "sessions") {
      if (!get) return respond(method_not_allowed(req, {"GET"}));
      if (!deps_.veriff_simulator_db)
        return respond(
            error_response(Error{ErrorCode::kNotFound, "the Veriff simulator is not enabled"}));
      return respond(list_veriff_sessions(target));
    }
    if (s.size() == 3 && s[0] == "v1" && s[1] == "tasks") {
      if (const auto kind = task_callback_kind(s[2])) {
        if (!post) return respond(method_not_allowed(req, {"POST"}));
        return task_callback(*kind, req, std::move(respond));
      }
    }
    if (s.size() >= 3 && s[0] == "v1" && s[1] == "accounts") {
      if (s.size() == 3) {
        if (!get) return respond(method_not_allowed(req, {"GET"}));
        return respond(account(s[2]));
      }
      if (s.size() == 4 && s[3] == "journal") {
        if (!get) return respond(method_not_allowed(req, {"GET"}));
        return respond(journal(s[2], target));
      }
      if (s.size() == 4 && s[3] == "deposits") {
        if (!post) return respond(method_not_allowed(req, {"POST"}));
        return deposit(s[2], req, std::move(respond));
      }
    }
    if (s.size() == 3 && s[0] == "v1" && s[1] == "escrows") {
      if (!get) return respond(method_not_allowed(req, {"GET"}));
      return respond(escrow(s[2]));
    }
    if (s.size() == 3 && s[0] == "v1" && s[1] == "ledger" && s[2] == "operations") {
      if (!post) return respond(method_not_allowed(req, {"POST"}));
      return ledger_operation(req, std::move(respond));
    }
    if (s.size() == 4 && s[0] == "v1" && s[1] == "records") {
      if (!get) return respond(method_not_allowed(req, {"GET"}));
      return respond(record(s[2], s[3]));
    }
    if (s.size() == 4 && s[0] == "v1" && s[1] == "simulator" && s[2] == "stripe" &&
        s[3] == "payment_intents") {
      if (!get) return respond(method_not_allowed(req, {"GET"}));
      return respond(list_intents(target));
    }
    if (s.size() == 4 && s[0] == "v1" && s[1] == "simulator" && s[2] == "stripe" &&
        s[3] == "requests") {
      if (!get) return respond(method_not_allowed(req, {"GET"}));
      return respond(list_requests(target));
    }
    if (s.size() == 4 && s[0] == "v1" && s[1] == "simulator" && s[2] == "stripe") {
      if (const SimulatorList* list = simulator_list(s[3])) {
        if (!get) return respond(method_not_allowed(req, {"GET"}));
        return respond(list_simulator(target, [&](std::size_t limit) {
          return adapters::list_objects(*deps_.simulator_db, list->table, list->prefix, list->url,
                                        limit, target.query_param("starting_after").value_or(""));
        }));
      }
    }
    if (s.size() == 6 && s[0] == "v1" && s[1] == "simulator" && s[2] == "stripe" &&
        s[3] == "accounts" && s[5] == "balance") {
      if (!get) return respond(method_not_allowed(req, {"GET"}));
      if (!deps_.simulator_db) return respond(simulator_off());
      auto balance = adapters::account_balance(*deps_.simulator_db, s[4]);
      if (!balance) return respond(error_response(balance.error()));
      return respond(json_response(200, *balance));
    }
    if (s.size() == 6 && s[0] == "v1" && s[1] == "simulator" && s[2] == "stripe" &&
        s[3] == "account_links" && s[5] == "complete") {
      if (!post) return respond(method_not_allowed(req, {"POST"}));
      if (!deps_.stripe_simulator) return respond(simulator_off());
      OnboardingCompletion completion{s[4], [respond = std::move(respond)](Answer answer) {
                                        respond(answer_response(answer));
                                      }};
      caf::anon_send(deps_.stripe_simulator, onboard_atom::value, std::move(completion));
      return;
    }
    if (route_schedules(req, respond, deps_.schedules)) return;
    if (route_notifications(req, respond, deps_)) return;
    if (route_time_bank_registrations(req, respond, deps_)) return;
    if (route_service_requests(req, respond, deps_)) return;
    respond(error_response(ErrorCode::kNotFound, "no route for " + req.method_for_display() + " " +
                                                     req.path_for_display()));
  }

 private:
  void start_execution(const HttpRequest& req, HttpResponder respond) {
    auto parsed = parse_fields_object(req.body, {"stateMachine", "name", "input"});
    if (!parsed) return respond(error_response(parsed.error()));
    json::object& o = *parsed;
    const json::value* machine = o.if_contains("stateMachine");
    if (!machine || !machine->is_string() || machine->as_string().empty())
      return respond(error_response(ErrorCode::kInvalidRequest,
                                    "stateMachine is required and must be a string"));
    // Exactly-once admission: the name is the execution's identity, so a retry finds the first
    // execution instead of starting a second payment. Never generated here.
    const auto idempotency_key = req.header("idempotency-key");
    if (std::count_if(req.headers.begin(), req.headers.end(),
                      [](const auto& h) { return h.first == "idempotency-key"; }) > 1)
      return respond(error_response(ErrorCode::kInvalidRequest,
                                    "send the Idempotency-Key header at most once"));
    std::string name;
    if (const json::value* n = o.if_contains("name")) {
      if (!n->is_string() || !is_valid_name(n->as_string()))
        return respond(error_response(ErrorCode::kInvalidRequest,
                                      "name must be a string of 1-80 letters, digits and -_.:"));
      name = std::string(n->as_string());
      if (idempotency_key && *idempotency_key != name)
        return respond(error_response(
            ErrorCode::kInvalidRequest,
            "the Idempotency-Key header and name differ; send one of them, or the same value"));
    } else if (idempotency_key) {
      if (!is_valid_name(*idempotency_key))
        return respond(error_response(
            ErrorCode::kInvalidRequest,
            "the Idempotency-Key header names the execution: 1-80 letters, digits and -_.:"));
      name = std::string(*idempotency_key);
    } else {
      return respond(error_response(
          ErrorCode::kInvalidRequest,
          "name is required (or an Idempotency-Key header): it makes a retry return the first "
          "execution instead of starting a second one"));
    }
    json::value* input = o.if_contains("input");
    // Any JSON value, as Step Functions' StartExecution takes (an array, a string, null...).
    if (!input) return respond(error_response(ErrorCode::kInvalidRequest, "input is required"));
    // Refused before anything is stored, as StartExecution and a schedule's input are: accepted,
    // it became a FAILED execution (States.DataLimitExceeded) keeping up to a body's worth.
    if (serialized_size(*input, asl::kPayloadLimitBytes) > asl::kPayloadLimitBytes)
      return respond(error_response(ErrorCode::kPayloadTooLarge,
                                    "input is larger than " +
                                        std::to_string(asl::kPayloadLimitBytes) +
                                        " bytes (256 KiB) of JSON text, a state's limit"));

    StartRequest start;
    auto [machine_name, test_case] = asl::split_test_case(std::string(machine->as_string()));
    if (machine_name.size() != machine->as_string().size()) {
      // "<machine>#<case>", as Step Functions Local takes a test case.
      if (!deps_.engine->mock)
        return respond(error_response(
            ErrorCode::kInvalidRequest,
            "stateMachine \"" + quote_name(machine->as_string(), aws::kMaxArnLength) +
                "\": a #TestCase suffix needs the daemon's test mode (the mock-config option)"));
      if (!deps_.engine->mock->has_test_case(machine_name, test_case))
        return respond(error_response(
            ErrorCode::kInvalidRequest,
            "stateMachine \"" + quote_name(machine->as_string(), aws::kMaxArnLength) +
                "\": the mock configuration has no test case \"" +
                quote_name(test_case, aws::kMaxArnLength) + "\" for state machine \"" +
                quote_name(machine_name, kMaxStateMachineNameLength) + "\""));
    }
    start.state_machine = std::move(machine_name);
    start.test_case = std::move(test_case);
    start.name = std::move(name);
    start.input = std::move(*input);
    start.caller = req.caller;
    start.reply = [respond = std::move(respond),
                   received = std::chrono::steady_clock::now()](Answer answer) {
      HttpResponse response = answer_response(answer);
      adapters::Metrics::instance().ingestion_acknowledged(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - received).count(),
          response.status);
      respond(std::move(response));
    };
    caf::anon_send(deps_.executions, start_atom::value, std::move(start));
  }

  const actors::Clock& clock() const {
    static const auto wall = actors::Clock::system();
    return deps_.engine->clock ? *deps_.engine->clock : *wall;
  }

  // Answered once everything due by the new time has fired and settled (clock_actor.hpp).
  void advance_clock(const HttpRequest& req, HttpResponder respond) {
    auto body = parse_fields_object(req.body, {"by", "to"});
    if (!body) return respond(error_response(body.error()));
    auto to = parse_clock_advance(*body, clock());
    if (!to) return respond(error_response(to.error()));
    api::advance_clock(deps_.clock, *to, [respond = std::move(respond)](Result<json::object> done) {
      respond(done ? json_response(200, *done) : error_response(done.error()));
    });
  }

  // An event for executions waiting in settled:events.waitFor, in settled's form or
  // EventBridge's (docs/engine.md, "Events"): 200 once a waiting execution has durably taken it
  // (or a rule's executions started), 202 once it is durably kept for a later one.
  void post_event(const HttpRequest& req, HttpResponder respond) {
    auto body = parse_request_json(req.body);
    if (!body) return respond(error_response(body.error()));
    auto posted = events::parse_posted_event(*body, deps_.engine->now(), deps_.events_retention_ms);
    if (!posted) return respond(error_response(posted.error()));
    EventPost post{
        std::move(posted->event),
        [respond = std::move(respond)](Answer answer) { respond(answer_response(answer)); },
        std::move(posted->envelope), req.caller};
    caf::anon_send(deps_.engine->events, events_atom::value, std::move(post));
  }

  // SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat. Answered once the waiting
  // execution has made the callback durable.
  void task_callback(TaskCallback::Kind kind, const HttpRequest& req, HttpResponder respond) {
    auto callback = parse_task_callback(kind, req.body);
    if (!callback) return respond(error_response(callback.error()));
    callback->caller = req.caller;
    callback->reply = [respond = std::move(respond)](Answer answer) {
      respond(answer_response(answer));
    };
    caf::anon_send(deps_.executions, task_callback_atom::value, std::move(*callback));
  }

  // Runs one ledger operation through the accounts router; answers 201 when it committed now,
  // 200 when its idempotency key had committed before (the stored result, nothing changed).
  void run_ledger(std::string resource, json::value parameters, json::object& body, bool wrap,
                  HttpResponder respond) {
    const json::value* key = body.if_contains("idempotencyKey");
    if (!key || !key->is_string() || key->as_string().empty() || key->as_string().size() > 255)
      return respond(error_response(ErrorCode::kInvalidRequest,
                                    "idempotencyKey is required: a string of 1-255 characters"));
    if (!deps_.engine->ledger)
      return respond(error_response(ErrorCode::kStoreUnavailable, "the ledger is not running"));
    LedgerCall call;
    call.attempt.resource = std::move(resource);
    call.attempt.parameters = std::move(parameters);
    call.attempt.idempotency_key = std::string(key->as_string());
    call.reply = [respond = std::move(respond), wrap, key = call.attempt.idempotency_key,
                  op = call.attempt.resource.substr(15)](LedgerReply reply) {
      if (!reply.ok) return respond(error_response(reply.refusal));
      const unsigned status = http_status(reply.replayed ? Outcome::kExisting : Outcome::kCreated);
      if (!wrap) return respond(json_response(status, reply.result));
      respond(json_response(status, json::object{{"operation", op},
                                                 {"idempotencyKey", key},
                                                 {"replayed", reply.replayed},
                                                 {"result", std::move(reply.result)}}));
    };
    caf::anon_send(deps_.engine->ledger, ledger_atom::value, std::move(call));
  }

  // The ledger's raw routes create money and move anyone's, with none of a workflow's checks:
  // an operator's tools, so they need scope admin as direct transfers do (docs/identities.md).
  void deposit(const std::string& user, const HttpRequest& req, HttpResponder respond) {
    if (auto refused = forbidden_without_scope(req, "admin", "deposits need"))
      return respond(std::move(*refused));
    auto parsed = parse_fields_object(req.body, {"amount", "currency", "idempotencyKey"});
    if (!parsed) return respond(error_response(parsed.error()));
    json::object& body = *parsed;
    json::object parameters{{"account", user}};
    for (const char* field : {"amount", "currency"}) {
      const json::value* v = body.if_contains(field);
      if (!v)
        return respond(
            error_response(ErrorCode::kInvalidRequest, std::string(field) + " is required"));
      parameters[field] = *v;
    }
    run_ledger("settled:ledger.deposit", std::move(parameters), body, false, std::move(respond));
  }

  void ledger_operation(const HttpRequest& req, HttpResponder respond) {
    if (auto refused = forbidden_without_scope(req, "admin", "ledger operations need"))
      return respond(std::move(*refused));
    auto parsed = parse_fields_object(req.body, {"operation", "idempotencyKey", "parameters"});
    if (!parsed) return respond(error_response(parsed.error()));
    json::object& body = *parsed;
    const json::value* op = body.if_contains("operation");
    if (!op || !op->is_string() || !ledger::parse_ledger_op(op->as_string()).has_value())
      return respond(error_response(
          ErrorCode::kInvalidRequest,
          "operation is required: deposit, withdraw, hold, release, cancel, freeze, unfreeze, "
          "split, transfer or expire"));
    const json::value* parameters = body.if_contains("parameters");
    if (!parameters || !parameters->is_object())
      return respond(error_response(ErrorCode::kInvalidRequest,
                                    "parameters is required and must be a JSON object"));
    run_ledger("settled:ledger." + std::string(op->as_string()), *parameters, body, true,
               std::move(respond));
  }

  HttpResponse account(const std::string& user) {
    auto out = adapters::read_account(*deps_.engine->db, user);
    if (!out) return error_response(out.error());
    return json_response(200, *out);
  }

  HttpResponse journal(const std::string& user, const adapters::RequestTarget& target) {
    if (auto known = check_query(target, {"after", "limit"}); !known.ok())
      return error_response(known.error());
    const auto after = query_number(
        target, "after",
        {0, 0, kNoMax, "after must be a journal sequence number (decimal digits)", ""});
    if (!after) return error_response(after.error());
    const auto limit = query_number(target, "limit",
                                    {1000, 1, 10000, "limit must be a number between 1 and 10000",
                                     "limit must be between 1 and 10000"});
    if (!limit) return error_response(limit.error());
    auto out = adapters::read_journal(*deps_.engine->db, user, *after, *limit);
    if (!out) return error_response(out.error());
    return json_response(200, *out);
  }

  HttpResponse escrow(const std::string& id) {
    auto out = adapters::read_escrow(*deps_.engine->db, id);
    if (!out) return error_response(out.error());
    return json_response(200, *out);
  }

  // 200 when the supervisor, the ledger and a durable store write all answered well; 503 naming
  // what did not. Liveness (/healthz) only says the process serves HTTP.
  void readyz(HttpResponder respond) {
    if (!deps_.readiness)
      return respond(error_response(ErrorCode::kInternal, "readiness is not wired"));
    // Test mode is shown where an operator looks: mocked tasks never reach their resources.
    const std::size_t test_cases = deps_.engine->mock ? deps_.engine->mock->test_case_count() : 0;
    const bool mock_mode = deps_.engine->mock != nullptr;
    caf::anon_send(deps_.readiness, ready_atom::value,
                   ReadinessCallback{[respond = std::move(respond), mock_mode,
                                      test_cases](ReadinessReport report) {
                     json::object body = report.to_json();
                     if (mock_mode)
                       body["mockConfig"] =
                           json::object{{"testCases", static_cast<std::uint64_t>(test_cases)}};
                     respond(json_response(report.ready() ? 200 : 503, std::move(body)));
                   }});
  }

  // {id}: settled's id, or the execution's ARN ($$.Execution.Id).
  HttpResponse describe(const std::string& reference) {
    auto resolved = adapters::resolve_execution_id(*deps_.engine->db, deps_.aws_arns, reference);
    if (!resolved) return error_response(resolved.error());
    const std::string& id = *resolved;
    auto stored = deps_.engine->db->get(Table::kExecutions, id);
    if (!stored) return error_response(adapters::execution_does_not_exist(id));
    auto record = ExecutionRecord::parse(*stored, id);
    if (!record) return error_response(record.error());
    return json_response(200, record->describe());
  }

  HttpResponse history(const std::string& reference) {
    auto resolved = adapters::resolve_execution_id(*deps_.engine->db, deps_.aws_arns, reference);
    if (!resolved) return error_response(resolved.error());
    const std::string& id = *resolved;
    if (!deps_.engine->db->get(Table::kExecutions, id))
      return error_response(adapters::execution_does_not_exist(id));
    auto events = adapters::read_history_with_branches(*deps_.engine->db, id, deps_.aws_arns);
    if (!events) return error_response(events.error());
    return json_response(200, json::object{{"executionId", id}, {"events", std::move(*events)}});
  }

  HttpResponse metrics() {
    const auto usage = deps_.engine->db->usage();
    adapters::StoreGauges gauges{usage.map_size,
                                 usage.used_bytes,
                                 deps_.engine->db->count(Table::kOpenExecutions),
                                 deps_.engine->db->count(Table::kNotificationOutbox),
                                 usage.ledger_rows_waiting,
                                 usage.ledger_rows_waiting_bytes,
                                 usage.ledger_fold_rounds};
    return HttpResponse{
        200, adapters::Metrics::instance().render(gauges), "text/plain; version=0.0.4", {}};
  }

  HttpResponse record(const std::string& collection, const std::string& key) {
    auto stored = deps_.engine->db->get(Table::kRecords, record_key(collection, key));
    if (!stored)
      return error_response(ErrorCode::kNotFound,
                            "no record \"" + key + "\" in collection \"" + collection + "\"");
    auto value =
        parse_stored_json(*stored, "record \"" + key + "\" in collection \"" + collection + "\"");
    if (!value) return error_response(value.error());
    return json_response(200, *value);
  }

  HttpResponse list_intents(const adapters::RequestTarget& target) {
    return list_simulator(target, [&](std::size_t limit) {
      return adapters::list_payment_intents(*deps_.simulator_db, limit,
                                            target.query_param("starting_after").value_or(""));
    });
  }

  HttpResponse list_veriff_sessions(const adapters::RequestTarget& target) {
    if (auto known = check_query(target, kPageParameters); !known.ok())
      return error_response(known.error());
    const auto limit = query_page_limit(target);
    if (!limit) return error_response(limit.error());
    return json_response(200, adapters::veriff::list_sessions(
                                  *deps_.veriff_simulator_db, static_cast<std::size_t>(*limit),
                                  target.query_param("starting_after").value_or("")));
  }

  HttpResponse list_requests(const adapters::RequestTarget& target) {
    return list_simulator(target,
                          [&](std::size_t limit) {
                            return adapters::list_requests(
                                *deps_.simulator_db, limit,
                                target.query_param("starting_after").value_or(""),
                                target.query_param("idempotency_key").value_or(""));
                          },
                          {"limit", "starting_after", "idempotency_key"});
  }

  // The routes that read their query: the lists (docs/ names each list's parameters), each a
  // GET. A POST to the same path (registering a state machine) reads none: until session 34
  // POST /v1/state-machines?dryRun=true registered the definition.
  static bool reads_query(const HttpRequest& req) {
    if (!req.is_get_or_head()) return false;
    const auto& s = req.parsed_target.segments;
    const auto is = [&s](std::initializer_list<const char*> path) {
      if (path.size() != s.size()) return false;
      std::size_t i = 0;
      for (const char* part : path) {
        if (*part != '*' && s[i] != part) return false;
        ++i;
      }
      return true;
    };
    return is({"v1", "state-machines"}) || is({"v1", "accounts", "*", "journal"}) ||
           is({"v1", "webhooks", "stripe", "events"}) ||
           is({"v1", "webhooks", "veriff", "decisions"}) ||
           is({"v1", "users", "*", "notifications"}) ||
           (s.size() == 4 && s[0] == "v1" && s[1] == "simulator");
  }

  // What GET /v1/simulator/stripe/<name> lists: the simulator's objects whose ids start with
  // a prefix, as Stripe's list of them would.
  struct SimulatorList {
    const char* name;
    Table table;
    const char* prefix;
    const char* url;
  };
  static const SimulatorList* simulator_list(const std::string& name) {
    static const SimulatorList kLists[] = {
        {"payouts", Table::kStripeObjects, "po_", "/v1/simulator/stripe/payouts"},
        {"accounts", Table::kStripeObjects, "acct_", "/v1/simulator/stripe/accounts"},
        {"transfers", Table::kStripeObjects, "tr_", "/v1/simulator/stripe/transfers"},
        {"refunds", Table::kStripeObjects, "re_", "/v1/simulator/stripe/refunds"},
        {"charges", Table::kStripeObjects, "ch_", "/v1/simulator/stripe/charges"},
        {"events", Table::kStripeSimEvents, "evt_", "/v1/simulator/stripe/events"},
    };
    for (const auto& list : kLists) {
      if (name == list.name) return &list;
    }
    return nullptr;
  }

  static HttpResponse simulator_off() {
    return error_response(ErrorCode::kNotFound,
                          "the Stripe simulator is not enabled (Stripe keys are configured)");
  }

  // `parameters`: the query parameters the list takes (others are refused).
  template <typename List>
  HttpResponse list_simulator(const adapters::RequestTarget& target, List list,
                              FieldNames parameters = kPageParameters) {
    if (!deps_.simulator_db) return simulator_off();
    if (auto known = check_query(target, parameters); !known.ok())
      return error_response(known.error());
    const auto limit = query_page_limit(target);
    if (!limit) return error_response(limit.error());
    return json_response(200, list(static_cast<std::size_t>(*limit)));
  }

  HttpRoutesDeps deps_;
  sfn::SfnDeps sfn_;
};

}  // namespace

adapters::HttpHandler make_http_routes(HttpRoutesDeps deps) {
  auto api = std::make_shared<HttpRoutes>(std::move(deps));
  return [api](HttpRequest req, HttpResponder respond) {
    api->handle(std::move(req), std::move(respond));
  };
}

}  // namespace settled::api
