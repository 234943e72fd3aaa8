#pragma once
// What every execution actor needs: the actors it talks to, read access to the store, the
// registered workflows and a clock. Built once by main (or a test) and shared. What executions
// did is counted in adapters/ops/metrics.hpp (Prometheus), nowhere else.

#include "actors/clock.hpp"
#include "actors/interfaces.hpp"
#include "actors/store_actor.hpp"
#include "actors/task_deadlines.hpp"
#include "adapters/store/lmdb_store.hpp"
#include "domain/asl/mock_config.hpp"
#include "domain/asl/registry.hpp"
#include "domain/aws/arns.hpp"
#include "domain/events/event_rules.hpp"
#include "domain/identity/start_scopes.hpp"
#include "domain/resources/aws_resource_map.hpp"
#include "domain/resources/aws_resources.hpp"
#include "domain/time.hpp"

#include <caf/actor.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>

namespace settled::actors {

struct Engine {
  StoreActor store;
  StripeActor stripe;
  VeriffActor veriff;  // settled:veriff.* (the simulator, or unset in tests that need none)
  HttpInvokeActor http_invoke;  // settled:http.invoke; unset without a function URL
  AlertsActor alerts;           // may be unset in tests and benches
  TimersActor timers;           // may be unset in tests and benches
  EventsActor events;           // events.waitFor and POST /v1/events
  LedgerActor ledger;           // the accounts router
  // Woken after a commit that queued notifications for the webhook (may be unset in tests).
  NotificationsActor notifications;
  // A notification webhook is configured (notification-webhook-url). Without one nothing would
  // deliver settled:notify.send's outbox row, so the task's commit leaves it out (the inbox row
  // is the notification) instead of writing a row the notifications actor deletes again.
  bool notification_webhook = false;
  // Closed executions' retention (unset when off); told of each close on a simulated clock.
  RetentionActor retention;
  std::shared_ptr<adapters::LmdbStore> db;
  std::function<EpochMillis()> now;
  // Where business waits wake (clock.hpp); `now` reads it too. Null: the system clock.
  ClockPtr clock;
  std::chrono::seconds default_task_timeout{60};
  // The deadlines of the task calls out; swept by the executions supervisor's sweeper.
  TaskDeadlinesPtr task_deadlines = std::make_shared<TaskDeadlines>();
  // Execution actors in memory (running, or in a short wait) past which a new start is refused
  // with Overloaded: what admission lets in is bounded, and so is what it leaves running.
  std::size_t max_running_executions = 10000;
  // State machines only a scope may start through the API (start-scopes; docs/identities.md).
  identity::StartScopes start_scopes;
  // The execution names event rules start their machines under, which no API start may take.
  events::RuleNamePrefixes rule_name_prefixes;
  // Step Functions' quota: an execution whose history would grow past this fails
  // (States.Runtime) instead of growing without bound.
  std::int64_t history_limit = 25000;
  // Test mode (mock-config): the mocked responses, and the actor that hands them out
  // (mock_tasks_actor.hpp). Both unset in production.
  std::shared_ptr<const asl::MockConfig> mock;
  MockTasksActor mock_tasks;
  // AWS resource ARNs run as built-ins (resource-map; docs/aws-resources.md). Never null.
  std::shared_ptr<const aws::ResourceMap> aws_resources = std::make_shared<aws::ResourceMap>();
  // The region and account of the ARNs an AWS startExecution.sync task hands back (aws-region,
  // aws-account-id), as the Step Functions API names executions.
  aws::ArnScope aws_arns;
  // What makes a child execution's name unguessable (started_execution_name): the daemon's
  // secret, read or made once at start (daemon.cpp). Empty in tests and benches.
  aws::ChildNameSalt child_name_salt;

  asl::RegistryPtr workflows() const {
    std::lock_guard<std::mutex> lock(workflows_mutex_);
    return workflows_;
  }
  void set_workflows(asl::RegistryPtr registry) {
    std::lock_guard<std::mutex> lock(workflows_mutex_);
    workflows_ = std::move(registry);
  }

 private:
  mutable std::mutex workflows_mutex_;
  asl::RegistryPtr workflows_;
};

using EnginePtr = std::shared_ptr<Engine>;

EpochMillis system_now();

}  // namespace settled::actors
