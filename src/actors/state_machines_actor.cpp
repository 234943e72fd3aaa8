#include "actors/state_machines_actor.hpp"

#include "actors/messages.hpp"
#include "adapters/config/workflow_loader.hpp"
#include "adapters/ops/log.hpp"
#include "adapters/store/state_machine_store.hpp"
#include "domain/asl/parser.hpp"
#include "domain/state_machine_versions.hpp"

#include <boost/json.hpp>

#include <future>
#include <vector>

namespace settled::actors {

namespace json = boost::json;
using adapters::LogLevel;

namespace {

struct StateMachinesState {
  EnginePtr engine;
  StateMachinesOptions options;
  asl::ParseOptions parse_options;
  VersionBook book;
  std::shared_ptr<const asl::Registry> registry = std::make_shared<asl::Registry>();
};

using Self = caf::stateful_actor<StateMachinesState, StateMachinesActor::base>;

// One version ready to commit: its record and its parsed machine.
struct Pending {
  StateMachineVersion record;
  asl::StateMachinePtr machine;
};

asl::StateMachinePtr with_version(asl::StateMachine machine, std::int64_t version) {
  machine.version = version;
  return std::make_shared<const asl::StateMachine>(std::move(machine));
}

// Reads every stored version into the book and the registry. A stored version that no longer
// parses (a stricter validator, a removed resource) keeps its number but cannot run: logged.
void load_stored(StateMachinesState& st) {
  std::vector<std::string> problems;
  auto registry = std::make_shared<asl::Registry>();
  for (const auto& v : adapters::read_state_machine_versions(*st.engine->db, {}, &problems, true)) {
    st.book.stored(v.name, v.version, v.sha256);
    if (v.deleted()) {  // the versions before it stay resolvable by number
      registry->retire(v.name);
      continue;
    }
    auto machine = asl::parse_state_machine(v.definition, v.name, st.parse_options);
    if (!machine) {
      problems.push_back(v.name + " version " + std::to_string(v.version) + ": " +
                         machine.error().message);
      continue;
    }
    registry->add(with_version(std::move(*machine), v.version));
  }
  for (const auto& problem : problems)
    adapters::log(LogLevel::kError, "state_machines.stored_version_unusable", {{"cause", problem}});
  st.registry = std::move(registry);
}

Error store_error(const caf::error& err) {
  return Error{ErrorCode::kStoreUnavailable,
               "the store did not confirm the registration: " + caf::to_string(err)};
}

// Commits the pending versions in one batch, then (and only then) swaps them into the registry
// and calls `done`. Waits for the store before this actor takes its next request.
void commit(Self* self, std::vector<Pending> pending, std::function<void(Status)> done) {
  if (pending.empty()) {
    self->state.engine->set_workflows(self->state.registry);
    return done(ok_status());
  }
  WriteBatch batch;
  for (const auto& p : pending)
    batch.put(Table::kStateMachines, state_machine_key(p.record.name, p.record.version),
              json::serialize(p.record.to_json()));
  self->request(self->state.engine->store, self->state.options.store_timeout, commit_atom::value,
                std::move(batch))
      .await(
          [self, pending, done](StoreReply& reply) {
            if (!reply.ok) return done(reply.error);
            auto& st = self->state;
            auto next = std::make_shared<asl::Registry>(*st.registry);
            for (const auto& p : pending) {
              st.book.stored(p.record.name, p.record.version, p.record.sha256);
              if (!p.machine) {  // a deletion
                next->retire(p.record.name);
                adapters::log(LogLevel::kInfo, "state_machine.deleted",
                              {{"stateMachine", p.record.name}, {"version", p.record.version}});
                continue;
              }
              next->add(p.machine);
              adapters::log(LogLevel::kInfo, "state_machine.registered",
                            {{"stateMachine", p.record.name},
                             {"version", p.record.version},
                             {"source", p.record.source},
                             {"sha256", p.record.sha256}});
            }
            st.registry = std::move(next);
            st.engine->set_workflows(st.registry);
            done(ok_status());
          },
          [done](caf::error& err) { done(store_error(err)); });
}

Pending make_pending(Self* self, asl::StateMachine machine, std::int64_t version,
                     std::string sha256, const char* source) {
  Pending p;
  p.record.name = machine.name;
  p.record.version = version;
  p.record.definition = machine.definition;
  p.record.sha256 = std::move(sha256);
  p.record.registered_at = self->state.engine->now();
  p.record.source = source;
  p.machine = with_version(std::move(machine), version);
  return p;
}

void handle_register(Self* self, RegisterRequest& req) {
  auto reply = std::move(req.reply);
  if (!valid_state_machine_name(req.name))
    return reply(Error{ErrorCode::kInvalidRequest,
                       "a state machine name must be 1 to 80 characters of A-Z, a-z, 0-9, _ "
                       "and -: \"" +
                           req.name + "\""});
  auto machine = asl::parse_state_machine(req.definition, req.name, self->state.parse_options);
  if (!machine) return reply(machine.error());
  std::string sha = definition_sha256(req.definition);
  const auto decision = self->state.book.decide(req.name, sha);
  RegisterResult result{req.name, decision.version, decision.created};
  if (!decision.created) return reply(result);
  std::vector<Pending> pending;
  pending.push_back(
      make_pending(self, std::move(*machine), decision.version, std::move(sha), "api"));
  commit(self, std::move(pending), [reply, result](Status status) {
    if (!status) return reply(status.error());
    reply(result);
  });
}

// DeleteStateMachine: a deletion version after the name's latest (state_machine_versions.hpp).
// New starts no longer find the name; executions already running keep their version and finish
// on it. A name with no current version is deleted already: nothing to do. A name whose latest
// version came from a workflow file is refused: the next reload would bring the file back.
void handle_retire(Self* self, RetireRequest& req) {
  auto reply = std::move(req.reply);
  auto& st = self->state;
  const auto latest = st.book.latest(req.name);
  if (!valid_state_machine_name(req.name) || latest == 0) return reply(ok_status());
  auto stored = adapters::read_state_machine_version(*st.engine->db, req.name, latest);
  if (stored && stored->source == "file")
    return reply(Error{ErrorCode::kInvalidRequest,
                       "state machine \"" + req.name + "\" comes from the workflow file " +
                           req.name + ".asl.json: remove the file and reload instead"});
  const auto decision = st.book.retire(req.name);
  if (!decision.created) return reply(ok_status());
  Pending tombstone;
  tombstone.record.name = req.name;
  tombstone.record.version = decision.version;
  tombstone.record.registered_at = st.engine->now();
  tombstone.record.source = kDeletedSource;
  std::vector<Pending> pending;
  pending.push_back(std::move(tombstone));
  commit(self, std::move(pending), [reply](Status status) { reply(std::move(status)); });
}

void handle_reload(Self* self, ReloadRequest& req) {
  auto reply = std::move(req.reply);
  asl::RegistryPtr files = req.files;
  if (!files) {
    auto loaded = adapters::load_workflows(self->state.options.workflows_dir,
                                           self->state.engine->aws_resources);
    if (!loaded) {
      adapters::log(LogLevel::kError, "workflows.reload_failed",
                    {{"cause", loaded.error().message}});
      return reply(loaded.error());
    }
    files = *loaded;
  }
  for (const auto& [name, machine] : files->all())
    if (!valid_state_machine_name(name))
      return reply(Error{ErrorCode::kInvalidDefinition,
                         name + ".asl.json: a state machine name must be 1 to 80 characters of "
                                "A-Z, a-z, 0-9, _ and -"});
  std::vector<Pending> pending;
  json::array names, registered;
  for (const auto& [name, machine] : files->all()) {
    names.push_back(json::string(name));
    std::string sha = definition_sha256(machine->definition);
    const auto decision = self->state.book.decide(name, sha);
    if (!decision.created) continue;
    registered.push_back(json::object{{"name", name}, {"version", decision.version}});
    pending.push_back(make_pending(self, *machine, decision.version, std::move(sha), "file"));
  }
  json::object result{{"stateMachines", std::move(names)}, {"registered", std::move(registered)}};
  commit(self, std::move(pending), [reply, result = std::move(result)](Status status) {
    if (!status) {
      adapters::log(LogLevel::kError, "workflows.reload_failed",
                    {{"cause", status.error().message}});
      return reply(status.error());
    }
    adapters::log(LogLevel::kInfo, "workflows.reloaded", result);
    reply(result);
  });
}

StateMachinesActor::behavior_type state_machines_behavior(Self* self, EnginePtr engine,
                                                          StateMachinesOptions options) {
  auto& st = self->state;
  st.engine = std::move(engine);
  st.options = std::move(options);
  st.parse_options = adapters::builtin_parse_options(st.engine->aws_resources);
  // Test mode: like Step Functions Local, any Task resource is accepted; a test case mocks it,
  // and one that is not mocked fails when it runs (unknown resource).
  if (st.engine->mock) st.parse_options.known_resource = nullptr;
  load_stored(st);
  return {
      [self](register_atom, RegisterRequest& req) { handle_register(self, req); },
      [self](reload_atom, ReloadRequest& req) { handle_reload(self, req); },
      [self](retire_atom, RetireRequest& req) { handle_retire(self, req); },
  };
}

}  // namespace

StateMachinesActor spawn_state_machines(caf::actor_system& system, EnginePtr engine,
                                        StateMachinesOptions options) {
  return system.spawn(state_machines_behavior, std::move(engine), std::move(options));
}

Result<json::object> reload_state_machines(const StateMachinesActor& state_machines,
                                           asl::RegistryPtr files, std::chrono::seconds timeout) {
  auto promise = std::make_shared<std::promise<Result<json::object>>>();
  auto future = promise->get_future();
  caf::anon_send(state_machines, reload_atom::value,
                 ReloadRequest{std::move(files), [promise](Result<json::object> result) {
                                 promise->set_value(std::move(result));
                               }});
  if (future.wait_for(timeout) != std::future_status::ready)
    return Error{ErrorCode::kTimeout, "the state machines actor did not answer a reload"};
  return future.get();
}

}  // namespace settled::actors
