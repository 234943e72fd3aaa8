#include "actors/alerts_actor.hpp"

#include "actors/engine.hpp"
#include "actors/messages.hpp"
#include "adapters/ops/log.hpp"
#include "adapters/ops/metrics.hpp"
#include "adapters/ops/signed_webhook.hpp"
#include "adapters/ops/webhook_client.hpp"

#include <boost/json.hpp>

#include <caf/all.hpp>

namespace settled::actors {

namespace json = boost::json;

namespace {

struct AlertsState {
  AlertsOptions options;
  std::optional<adapters::WebhookClient> webhook;
  std::shared_ptr<adapters::LmdbStore> db;
  bool store_alerted = false;
};

using Self = caf::stateful_actor<AlertsState, AlertsActor::base>;

void deliver(Self* self, const std::string& body, int attempt) {
  auto& st = self->state;
  if (!st.webhook) return;
  Status posted = adapters::post_signed(*st.webhook, body, st.options.webhook_secret,
                                        system_now() / 1000, st.options.timeout);
  if (posted.ok()) return;
  if (attempt >= st.options.max_attempts) {
    adapters::log(adapters::LogLevel::kError, "alert.webhook_gave_up",
                  {{"attempts", attempt}, {"cause", posted.error().message}});
    return;
  }
  const auto backoff = std::chrono::seconds(1LL << std::min(attempt - 1, 10));
  adapters::log(
      adapters::LogLevel::kWarn, "alert.webhook_retry",
      {{"attempt", attempt}, {"inSeconds", backoff.count()}, {"cause", posted.error().message}});
  self->delayed_send(self, backoff, retry_atom::value, body, attempt + 1);
}

void raise(Self* self, const std::string& source, json::object alert) {
  alert["source"] = source;
  adapters::Metrics::instance().alert(source);
  adapters::log(adapters::LogLevel::kError, "alert", alert);
  deliver(self, json::serialize(alert), 1);
}

AlertsActor::behavior_type alerts_behavior(Self* self, AlertsOptions options,
                                           std::shared_ptr<adapters::LmdbStore> db) {
  self->state.options = options;
  self->state.db = std::move(db);
  if (!options.webhook_url.empty()) {
    auto client = adapters::WebhookClient::create(options.webhook_url, options.webhook_ca_file);
    if (client) self->state.webhook = std::move(*client);
  }
  self->send(self, check_atom::value);
  return {
      [self](alert_atom, Alert& alert) { raise(self, alert.source, std::move(alert.body)); },
      [self](retry_atom, const std::string& body, int attempt) { deliver(self, body, attempt); },
      [self](check_atom) {
        auto& st = self->state;
        self->delayed_send(self, st.options.store_check_interval, check_atom::value);
        if (!st.db) return;
        const auto usage = st.db->usage();
        const double ratio =
            static_cast<double>(usage.used_bytes) / static_cast<double>(usage.map_size);
        if (ratio >= st.options.store_full_ratio && !st.store_alerted) {
          st.store_alerted = true;
          raise(self, "store_near_full",
                json::object{
                    {"severity", "critical"},
                    {"subject", "settled store nearly full"},
                    {"message", "LMDB map is " + std::to_string(static_cast<int>(ratio * 100)) +
                                    "% used; raise map-size-mib"},
                    {"usedBytes", usage.used_bytes},
                    {"mapSize", usage.map_size}});
        } else if (ratio < st.options.store_full_ratio) {
          st.store_alerted = false;
        }
      },
  };
}

}  // namespace

AlertsActor spawn_alerts(caf::actor_system& system, AlertsOptions options,
                         std::shared_ptr<adapters::LmdbStore> db) {
  return system.spawn<caf::detached>(alerts_behavior, std::move(options), std::move(db));
}

}  // namespace settled::actors
