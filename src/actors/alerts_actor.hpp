#pragma once
// The alerts actor: every alert (a workflow's settled:alert.raise, an execution that failed
// after its last retry, a store nearly full) goes to the log, to the settled_alerts_total
// metric, and — if configured — to an alert webhook as a JSON POST, retried with exponential
// backoff. It runs on its own thread, so a slow webhook never holds up an execution.

#include "actors/interfaces.hpp"
#include "adapters/store/lmdb_store.hpp"

#include <caf/fwd.hpp>

#include <chrono>
#include <memory>
#include <string>

namespace settled::actors {

struct AlertsOptions {
  std::string webhook_url;      // empty: log and metric only
  std::string webhook_ca_file;  // extra trust anchors for an https webhook
  std::string webhook_secret;   // set: each POST carries Settled-Signature (signed_webhook.hpp)
  int max_attempts = 6;         // 1 s, 2 s, 4 s, 8 s, 16 s between them
  std::chrono::milliseconds timeout{5000};
  double store_full_ratio = 0.9;  // alert once when the map is this full
  std::chrono::seconds store_check_interval{10};
};

// Handles `alert_atom, Alert` (fire and forget; see messages.hpp).
// The webhook must have been checked with adapters::WebhookClient::create.
AlertsActor spawn_alerts(caf::actor_system& system, AlertsOptions options,
                         std::shared_ptr<adapters::LmdbStore> db);

}  // namespace settled::actors
