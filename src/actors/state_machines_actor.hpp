#pragma once
// The state machines actor: the only place versions are registered (PUT /v1/state-machines,
// `settlectl workflows register`, the workflows directory at start and on reload). It numbers
// each new definition, makes it durable through the store before anyone hears of it, and only
// then swaps the engine's registry. It handles one request at a time, waiting for the store in
// between, so two registrations of one name can never take the same number.

#include "actors/engine.hpp"
#include "actors/interfaces.hpp"
#include "domain/result.hpp"

#include <caf/all.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace settled::actors {

struct RegisterResult {
  std::string name;
  std::int64_t version = 0;
  bool created = false;  // false: the definition is the latest version already

  boost::json::object to_json() const {
    return {{"name", name}, {"version", version}, {"created", created}};
  }
};

struct RegisterRequest {
  std::string name;
  boost::json::value definition;  // the ASL definition as a JSON value
  std::function<void(Result<RegisterResult>)> reply;
};

struct ReloadRequest {
  // Already parsed workflow files (main has them at start); null: read the workflows directory.
  asl::RegistryPtr files;
  // {"stateMachines": [names], "registered": [{name, version}]} or why nothing changed.
  std::function<void(Result<boost::json::object>)> reply;
};

struct RetireRequest {
  std::string name;
  std::function<void(Status)> reply;
};

struct StateMachinesOptions {
  std::string workflows_dir;
  std::chrono::seconds store_timeout{30};
};

// Handles: register_atom, RegisterRequest -> RegisterRequest::reply (InvalidRequest for a bad
//            name, InvalidDefinition with every problem's path, or the store's error)
//          reload_atom, ReloadRequest -> ReloadRequest::reply; a workflow file that differs from
//            its name's latest version becomes a new version (source "file")
//          retire_atom, RetireRequest -> RetireRequest::reply: the name deleted (or had no current
//            version); InvalidRequest when its latest version came from a workflow file
// At spawn it reads every stored version; the engine's registry is set on the first reload.
StateMachinesActor spawn_state_machines(caf::actor_system& system, EnginePtr engine,
                                        StateMachinesOptions options);

// For main's thread only (blocks): sends a reload and waits for its answer.
Result<boost::json::object> reload_state_machines(const StateMachinesActor& state_machines,
                                                  asl::RegistryPtr files,
                                                  std::chrono::seconds timeout);

}  // namespace settled::actors
