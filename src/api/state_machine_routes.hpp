#pragma once
// The state machines' HTTP routes (docs/state-machines.md):
//   GET /v1/state-machines[?limit=1..100&starting_after=NAME]
//       {"stateMachines": [{name, version, registeredAt}], "has_more"}: a page, in name order
//   GET /v1/state-machines/{name}                the latest version, with every version's summary
//   PUT /v1/state-machines/{name}                registers the body (ASL) as the next version
//   GET /v1/state-machines/{name}/versions/{v}   that version
// Reads are LMDB read transactions; registrations go to the state machines actor, which answers
// once the version is durable. Refusals are the one JSON error shape.

#include "actors/interfaces.hpp"
#include "adapters/http/http_message.hpp"
#include "adapters/store/lmdb_store.hpp"

namespace settled::api {

// True if the request's path is /v1/state-machines or under it (it has been answered then).
bool route_state_machines(const adapters::HttpRequest& req, adapters::HttpResponder& respond,
                          const adapters::LmdbStore& db,
                          const actors::StateMachinesActor& state_machines);

}  // namespace settled::api
