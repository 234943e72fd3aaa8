#include "api/webhook_routes.hpp"

#include "actors/messages.hpp"
#include "actors/veriff_decisions.hpp"
#include "adapters/ops/metrics.hpp"
#include "adapters/stripe/webhook_events_reader.hpp"
#include "adapters/veriff/veriff_decisions_reader.hpp"
#include "api/http_responses.hpp"
#include "api/request_parsing.hpp"
#include "api/stripe_webhook.hpp"
#include "api/veriff_webhook.hpp"

#include <boost/json.hpp>
#include <caf/all.hpp>

#include <charconv>
#include <optional>

namespace settled::api {

using namespace actors;
using adapters::HttpRequest;
using adapters::HttpResponder;
using adapters::HttpResponse;

namespace {

// A Stripe webhook (docs/webhooks.md): answered once the event is durably stored (or found
// stored before); a refusal stores nothing.
void stripe_webhook(const HttpRoutesDeps& deps_, const HttpRequest& req, HttpResponder respond) {
  auto event = read_stripe_webhook(req, deps_.stripe_webhooks, deps_.engine->now());
  if (!event) {
    adapters::Metrics::instance().stripe_webhook("refused");
    return respond(error_response(event.error()));
  }
  StripeEventPost post{std::move(*event), [respond = std::move(respond)](Answer answer) {
                         adapters::Metrics::instance().stripe_webhook(
                             !answer                                 ? "failed"
                             : answer->outcome == Outcome::kExisting ? "duplicate"
                                                                     : "stored");
                         respond(answer_response(answer));
                       }};
  caf::anon_send(deps_.engine->events, events_atom::value, std::move(post));
}

// A Veriff decision webhook (docs/veriff.md): answered once the decision is durably stored
// (or found stored before); a refusal stores nothing.
void veriff_webhook(const HttpRoutesDeps& deps_, const HttpRequest& req, HttpResponder respond) {
  auto decision = read_veriff_webhook(req, deps_.veriff_secrets, deps_.engine->now());
  if (!decision) return respond(error_response(decision.error()));
  caf::anon_send(
      deps_.engine->events, events_atom::value,
      actors::veriff_decision_post(*decision, [respond = std::move(respond)](Answer answer) {
        respond(answer_response(answer));
      }));
}

HttpResponse list_veriff_decisions(const HttpRoutesDeps& deps_,
                                   const adapters::RequestTarget& target) {
  static_assert(adapters::veriff::kMaxDecisionsPage == 500, "the message below says 500");
  if (auto known = check_query(target, {"sessionId", "after", "limit"}); !known.ok())
    return error_response(known.error());
  const auto limit =
      query_number(target, "limit",
                   {adapters::veriff::kDefaultDecisionsPage, 1, adapters::veriff::kMaxDecisionsPage,
                    "limit must be an integer from 1 to 500", ""});
  if (!limit) return error_response(limit.error());
  return json_response(
      200, adapters::veriff::list_veriff_decisions(
               *deps_.engine->db, target.query_param("sessionId").value_or(""),
               target.query_param("after").value_or(""), static_cast<std::size_t>(*limit)));
}

HttpResponse list_stripe_events(const HttpRoutesDeps& deps_,
                                const adapters::RequestTarget& target) {
  static_assert(adapters::stripe::kMaxEventsPage == 500, "the message below says 500");
  if (auto known = check_query(target, {"after", "limit"}); !known.ok())
    return error_response(known.error());
  const auto limit =
      query_number(target, "limit",
                   {adapters::stripe::kDefaultEventsPage, 1, adapters::stripe::kMaxEventsPage,
                    "limit must be an integer from 1 to 500", ""});
  if (!limit) return error_response(limit.error());
  return json_response(200, adapters::stripe::list_stripe_events(
                                *deps_.engine->db, target.query_param("after").value_or(""),
                                static_cast<std::size_t>(*limit)));
}

HttpResponse stripe_event(const HttpRoutesDeps& deps_, const std::string& id) {
  auto event = adapters::stripe::read_stripe_event(*deps_.engine->db, id);
  if (!event) return error_response(event.error());
  return json_response(200, *event);
}

}  // namespace

std::optional<HttpResponse> webhook_body_refusal(adapters::HttpRequest& req) {
  const auto& s = req.parsed_target.segments;
  if (req.method != "POST" || s.size() != 3 || s[0] != "v1" || s[1] != "webhooks") return {};
  const std::size_t limit = s[2] == "stripe"   ? kMaxWebhookBodyBytes
                            : s[2] == "veriff" ? kMaxVeriffWebhookBodyBytes
                                               : 0;
  if (limit == 0) return {};
  // A chunked body announces no size: the session stops reading it past the limit (413).
  req.body_limit = limit;
  const auto length = req.header("content-length");
  std::uint64_t announced = 0;
  if (!length ||
      std::from_chars(length->data(), length->data() + length->size(), announced).ec !=
          std::errc() ||
      announced <= limit)
    return {};
  return error_response(ErrorCode::kPayloadTooLarge,
                        "a webhook's body is at most " + std::to_string(limit) + " bytes");
}

bool route_webhooks(const HttpRequest& req, HttpResponder& respond, const HttpRoutesDeps& deps) {
  const adapters::RequestTarget& target = req.parsed_target;
  const auto& s = target.segments;
  if (s.size() < 3 || s[0] != "v1" || s[1] != "webhooks") return false;
  const bool get = req.is_get_or_head(), post = req.method == "POST";
  if (s[2] == "stripe" && s.size() == 3) {
    if (post)
      stripe_webhook(deps, req, std::move(respond));
    else
      respond(method_not_allowed(req, {"POST"}));
    return true;
  }
  if (s[2] == "stripe" && (s.size() == 4 || s.size() == 5) && s[3] == "events") {
    if (!get)
      respond(method_not_allowed(req, {"GET"}));
    else if (s.size() == 4)
      respond(list_stripe_events(deps, target));
    else
      respond(stripe_event(deps, s[4]));
    return true;
  }
  if (s[2] == "veriff" && s.size() == 3) {
    if (post)
      veriff_webhook(deps, req, std::move(respond));
    else
      respond(method_not_allowed(req, {"POST"}));
    return true;
  }
  if (s[2] == "veriff" && s.size() == 4 && s[3] == "decisions") {
    respond(get ? list_veriff_decisions(deps, target) : method_not_allowed(req, {"GET"}));
    return true;
  }
  return false;  // not a webhook route: the caller answers 404
}

}  // namespace settled::api
