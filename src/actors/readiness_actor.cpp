#include "actors/readiness_actor.hpp"

#include "actors/engine.hpp"
#include "actors/executions_actor.hpp"
#include "actors/messages.hpp"
#include "domain/time.hpp"

#include <caf/all.hpp>

#include <memory>

namespace settled::actors {

namespace {

// The row every readiness check rewrites: a real put, so the commit must reach the disk.
constexpr const char* kHeartbeatKey = "readiness/heartbeat";

struct Pending {
  ReadinessReport report;
  int waiting = 5;
  ReadinessCallback done;
  void answered() {
    if (--waiting == 0) done(std::move(report));
  }
};

std::string no_answer(const caf::error& err) {
  return "did not answer: " + caf::to_string(err);
}

// The readiness actor and the watchdog both run it: `Self` is either's pointer.
template <class Self>
void check(Self self, const ReadinessTargets& targets, ReadinessCallback done) {
  auto pending = std::make_shared<Pending>();
  pending->done = std::move(done);
  self->request(targets.executions, targets.timeout, sup_status_atom::value)
      .then(
          [pending](SupervisorStatus& status) {
            if (status.draining) pending->report.executions = "draining";
            pending->answered();
          },
          [pending](caf::error& err) {
            pending->report.executions = no_answer(err);
            pending->answered();
          });
  self->request(targets.ledger, targets.timeout, ledger_stats_atom::value)
      .then([pending](LedgerStats&) { pending->answered(); },
            [pending](caf::error& err) {
              pending->report.ledger = no_answer(err);
              pending->answered();
            });
  const auto ping = [self, &targets, pending](const auto& target,
                                              std::string ReadinessReport::*why) {
    if (!target) return pending->answered();
    self->request(target, targets.timeout, ping_atom::value)
        .then([pending](bool) { pending->answered(); },
              [pending, why](caf::error& err) {
                (pending->report.*why) = no_answer(err);
                pending->answered();
              });
  };
  ping(targets.events, &ReadinessReport::events);
  ping(targets.timers, &ReadinessReport::timers);
  WriteBatch heartbeat;
  heartbeat.put(Table::kMeta, kHeartbeatKey, format_timestamp(system_now()));
  self->request(targets.store, targets.timeout, commit_atom::value, std::move(heartbeat))
      .then(
          [pending, db = targets.db, min_free = targets.min_free_bytes,
           min_map_free = targets.min_map_free_bytes](StoreReply& reply) {
            const auto free = db ? db->disk_free_bytes() : std::nullopt;
            if (reply.ok && free && *free < min_free) {
              reply.ok = false;
              reply.error = Error{ErrorCode::kStoreFull, "the disk holding the store has " +
                                                             std::to_string(*free) + " bytes free"};
            }
            const std::uint64_t map_free =
                db && reply.ok ? db->map_free_bytes(min_map_free) : min_map_free;
            if (map_free < min_map_free) {
              reply.ok = false;
              reply.error =
                  Error{ErrorCode::kStoreFull, "the store's map has " + std::to_string(map_free) +
                                                   " bytes free (map-size-mib)"};
            }
            if (!reply.ok) {
              pending->report.store =
                  std::string(error_name(reply.error.code)) + ": " + reply.error.message;
              pending->report.store_error = reply.error;
            }
            pending->answered();
          },
          [pending](caf::error& err) {
            pending->report.store = no_answer(err);
            pending->answered();
          });
}

}  // namespace

void check_readiness(ReadinessActor::pointer self, const ReadinessTargets& targets,
                     ReadinessCallback done) {
  check(self, targets, std::move(done));
}

void check_readiness(WatchdogActor::pointer self, const ReadinessTargets& targets,
                     ReadinessCallback done) {
  check(self, targets, std::move(done));
}

namespace {

// A named behavior with its targets as a spawn argument: CAF 0.17 dereferences a null argument
// tuple when a function actor is spawned with none (UBSan: reference binding to null).
ReadinessActor::behavior_type readiness_behavior(ReadinessActor::pointer self,
                                                 ReadinessTargets targets) {
  return {
      [self, targets](ready_atom, ReadinessCallback& done) {
        check_readiness(self, targets, std::move(done));
      },
  };
}

}  // namespace

ReadinessActor spawn_readiness(caf::actor_system& system, ReadinessTargets targets) {
  return system.spawn(readiness_behavior, std::move(targets));
}

}  // namespace settled::actors
