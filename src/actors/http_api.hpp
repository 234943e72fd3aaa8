#pragma once
// The HTTP API (docs/architecture.md): routes requests to the actors (start, ...) or to LMDB read
// transactions (describe, history), and shapes every error as {"error", "message"}.

#include "actors/engine.hpp"
#include "adapters/http_message.hpp"

#include <caf/actor.hpp>

#include <memory>

namespace settled::actors {

struct HttpApiDeps {
  EnginePtr engine;
  caf::actor executions;
  caf::actor state_machines;  // registers versions (PUT /v1/state-machines/{name})
  std::shared_ptr<adapters::LmdbStore> simulator_db;          // null when Stripe is not simulated
  std::int64_t events_retention_ms = 7LL * 24 * 3600 * 1000;  // POST /v1/events keeps this long
  caf::actor readiness;                                       // GET /readyz (readiness.hpp)
};

// Returns the handler to give the HTTP server.
adapters::HttpHandler make_http_api(HttpApiDeps deps);

}  // namespace settled::actors
