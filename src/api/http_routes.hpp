#pragma once
// The HTTP routes (docs/architecture.md): each request, its target already parsed by the HTTP
// session, goes to an actor (start, callbacks, events, ledger writes, registrations) or to an
// LMDB read transaction (describe, history, accounts); the actors' domain answers and every
// refusal become HTTP here (api/http_status.hpp), every error as {"error", "message"}.

#include "actors/engine.hpp"
#include "adapters/http/http_message.hpp"
#include "adapters/stripe/webhook_signature.hpp"
#include "api/sfn/arn.hpp"
#include "api/sfn/aws_auth.hpp"

#include <caf/actor.hpp>

#include <memory>

namespace settled::api {

struct HttpRoutesDeps {
  actors::EnginePtr engine;
  actors::ExecutionsActor executions;
  actors::StateMachinesActor state_machines;  // registers versions (PUT /v1/state-machines/{name})
  std::shared_ptr<adapters::LmdbStore> simulator_db;          // null when Stripe is not simulated
  std::int64_t events_retention_ms = 7LL * 24 * 3600 * 1000;  // POST /v1/events keeps this long
  actors::ReadinessActor readiness;                           // GET /readyz (readiness_actor.hpp)
  // POST /v1/webhooks/stripe: the signing secrets (none: the route answers NotFound).
  adapters::stripe::SignatureCheck stripe_webhooks;
  // POST /v1/clock/advance (clock_actor.hpp); unset unless the clock is simulated.
  actors::ClockActor clock;
  actors::SchedulesActor schedules;  // /v1/schedules (schedule_routes.hpp)
  // POST /v1/simulator/stripe/account_links/{id}/complete; unset when Stripe is live.
  actors::StripeSimulatorActor stripe_simulator;
  // POST /v1/webhooks/veriff: the shared secrets (none: the route answers NotFound).
  std::vector<std::string> veriff_secrets;
  // GET /v1/simulator/veriff/sessions; null when Veriff is not simulated.
  std::shared_ptr<adapters::LmdbStore> veriff_simulator_db;
  // /v1/users/{userId}/notifications (notification_routes.hpp): read marks.
  actors::NotificationsActor notifications;
  // POST /v1/users: the welcome bonus each new user is granted, in hundredths of an hour
  // (welcome-bonus-hundredths; docs/users.md).
  std::int64_t welcome_bonus_hundredths = 1000;
  // POST /: the Step Functions API (docs/aws-api.md). Stop and redrive go through the admin
  // actor (actors/admin_actor.hpp); the ARNs name this region and account; the authenticator
  // is the seam a SigV4 verifier plugs into (api/sfn/aws_auth.hpp; unset: local-only).
  actors::AdminActor admin{};
  sfn::ArnScope aws_arns{};
  sfn::AwsAuthenticator aws_authenticate{};
};

// Returns the handler to give the HTTP server.
adapters::HttpHandler make_http_routes(HttpRoutesDeps deps);

}  // namespace settled::api
