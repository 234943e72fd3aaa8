#include "api/state_machine_routes.hpp"

#include "actors/state_machines_actor.hpp"
#include "adapters/store/state_machine_store.hpp"
#include "api/http_responses.hpp"
#include "api/http_status.hpp"
#include "api/request_parsing.hpp"
#include "domain/json_limits.hpp"
#include "domain/utf8.hpp"

#include <boost/json.hpp>

#include <limits>

namespace settled::api {

using namespace actors;
using adapters::HttpRequest;
using adapters::HttpResponder;
using adapters::HttpResponse;
using adapters::LmdbStore;

namespace {

constexpr const char* kNameRule =
    "a state machine name must be 1 to 80 characters of A-Z, a-z, 0-9, _ and -";

// A name from the URL as a message quotes it: cut short when longer than any state machine's.
std::string quoted_name(const std::string& name) {
  return quote_name(name, kMaxStateMachineNameLength);
}

// Paged as the simulators' lists are: limit 1-100 (10 by default), starting_after a name.
HttpResponse list_machines(const LmdbStore& db, const adapters::RequestTarget& target) {
  if (auto known = check_query(target, kPageParameters); !known.ok())
    return error_response(known.error());
  const auto limit = query_page_limit(target);
  if (!limit) return error_response(limit.error());
  const auto after = target.query_param("starting_after");
  if (after && !valid_state_machine_name(*after))
    return error_response(ErrorCode::kInvalidRequest,
                          std::string("starting_after is a state machine name: ") + kNameRule);
  return json_response(
      200, adapters::list_state_machines(db, static_cast<std::size_t>(*limit), after.value_or("")));
}

HttpResponse describe_machine(const LmdbStore& db, const std::string& name) {
  auto described = adapters::describe_state_machine(db, name);
  if (!described)
    return error_response(ErrorCode::kStateMachineDoesNotExist,
                          "state machine \"" + quoted_name(name) + "\" does not exist");
  return json_response(200, *described);
}

HttpResponse machine_version(const LmdbStore& db, const std::string& name,
                             const std::string& version_text) {
  const std::string malformed =
      "a version is a positive integer: \"" + cut_for_display(version_text) + "\"";
  const auto parsed = parse_number(
      version_text,
      {0, 1, static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()), malformed, ""});
  if (!parsed) return error_response(parsed.error());
  const auto version = static_cast<std::int64_t>(*parsed);
  auto stored = adapters::read_state_machine_version(db, name, version);
  if (!stored)
    return error_response(ErrorCode::kStateMachineDoesNotExist,
                          "state machine \"" + quoted_name(name) + "\" has no version " +
                              cut_for_display(version_text));
  return json_response(200, stored->to_json());
}

// The body is the ASL definition itself; the actor validates, numbers and commits it.
void register_machine(const StateMachinesActor& state_machines, const std::string& name,
                      const HttpRequest& req, HttpResponder respond) {
  if (!valid_state_machine_name(name))
    return respond(error_response(ErrorCode::kInvalidRequest, kNameRule));
  auto definition = parse_request_json(req.body);
  if (!definition) return respond(error_response(definition.error()));
  RegisterRequest registration{name, std::move(*definition), nullptr};
  registration.reply = [respond = std::move(respond)](Result<RegisterResult> result) {
    if (!result) return respond(error_response(result.error()));
    respond(json_response(http_status(result->created ? Outcome::kCreated : Outcome::kExisting),
                          result->to_json()));
  };
  caf::anon_send(state_machines, register_atom::value, std::move(registration));
}

}  // namespace

bool route_state_machines(const HttpRequest& req, HttpResponder& respond, const LmdbStore& db,
                          const StateMachinesActor& state_machines) {
  const auto& target = req.parsed_target;
  const auto& s = target.segments;
  if (s.size() < 2 || s[0] != "v1" || s[1] != "state-machines") return false;
  const bool get = req.is_get_or_head();
  if (s.size() == 2) {
    respond(get ? list_machines(db, target) : method_not_allowed(req, {"GET"}));
    return true;
  }
  if (s.size() == 3) {
    if (get) {
      respond(describe_machine(db, s[2]));
    } else if (req.method == "PUT") {
      // A definition may move money with the ledger's tasks: registering one is an operator's
      // act, like the ledger's raw routes (docs/identities.md).
      if (auto refused = forbidden_without_scope(req, "admin", "registering a state machine needs"))
        respond(std::move(*refused));
      else
        register_machine(state_machines, s[2], req, std::move(respond));
    } else {
      respond(method_not_allowed(req, {"GET", "PUT"}));
    }
    return true;
  }
  if (s.size() == 5 && s[3] == "versions") {
    respond(get ? machine_version(db, s[2], s[4]) : method_not_allowed(req, {"GET"}));
    return true;
  }
  return false;  // not a route: the router's NotFound
}

}  // namespace settled::api
