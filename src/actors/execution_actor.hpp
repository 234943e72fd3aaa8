#pragma once
// One actor per running execution. It drives the pure interpreter and makes every transition
// durable (history events + execution record, one store commit) before the side effect that
// follows it starts. In-process resources run inside the transition and their writes commit
// with it; remote ones (Stripe) run after the commit that schedules them, with the attempt's
// idempotency key, so a restart re-runs them with the same key and never pays twice.

#include "actors/engine.hpp"
#include "actors/interfaces.hpp"
#include "domain/execution_record.hpp"

#include <caf/fwd.hpp>

namespace settled::actors {

struct ExecutionSpawn {
  EnginePtr engine;
  ExecutionsActor supervisor;
  ExecutionRecord record;
  asl::StateMachinePtr machine;
  bool fresh = false;  // a new start (reports StartResult to the supervisor) or a resumed one
};

ExecutionActor::behavior_type execution_behavior(ExecutionActor::pointer self,
                                                 ExecutionSpawn spawn);

}  // namespace settled::actors
