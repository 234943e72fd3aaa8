#include "actors/executions_actor.hpp"

#include "actors/execution_actor.hpp"
#include "actors/messages.hpp"
#include "adapters/log.hpp"
#include "domain/resources/payment_validation.hpp"

#include <boost/json.hpp>

#include <unordered_map>

namespace settled::actors {

namespace json = boost::json;

namespace {

StartReply error_reply(unsigned status, ErrorCode code, std::string message) {
  return StartReply{status, to_json(Error{code, std::move(message)})};
}

struct SupervisorState {
  EnginePtr engine;
  std::unordered_map<std::string, caf::actor> running;   // id -> execution actor
  std::unordered_map<caf::actor_addr, std::string> ids;  // for DOWN messages
  struct Admission {
    json::value input;
    std::vector<StartCallback> waiters;  // the first created it; the rest are replays
  };
  std::unordered_map<std::string, Admission> admitting;
};

using Self = caf::stateful_actor<SupervisorState>;

void spawn_child(Self* self, ExecutionRecord record, asl::StateMachinePtr machine, bool fresh) {
  const std::string id = record.id;
  ExecutionSpawn spawn{self->state.engine, caf::actor_cast<caf::actor>(self), std::move(record),
                       std::move(machine), fresh};
  auto child = self->spawn<caf::monitored>(execution_behavior, std::move(spawn));
  self->state.ids[child.address()] = id;
  self->state.running[id] = std::move(child);
}

void start(Self* self, StartRequest& req) {
  auto& st = self->state;
  auto machine = st.engine->workflows()->find(req.state_machine);
  if (!machine) {
    req.reply(error_reply(404, ErrorCode::kStateMachineDoesNotExist,
                          "state machine \"" + req.state_machine + "\" does not exist"));
    return;
  }
  const std::string id = req.state_machine + ":" + req.name;
  if (auto it = st.admitting.find(id); it != st.admitting.end()) {
    if (it->second.input != req.input) {
      req.reply(error_reply(409, ErrorCode::kExecutionAlreadyExists,
                            "execution " + id + " already exists with a different input"));
    } else {
      it->second.waiters.push_back(std::move(req.reply));
    }
    return;
  }
  if (auto stored = st.engine->db->get(Table::kExecutions, id)) {
    auto existing = ExecutionRecord::from_json(json::parse(*stored));
    if (!existing) {
      req.reply(error_reply(500, ErrorCode::kInternal, existing.error().message));
      return;
    }
    if (existing->input != req.input) {
      req.reply(error_reply(409, ErrorCode::kExecutionAlreadyExists,
                            "execution " + id + " already exists with a different input"));
      return;
    }
    json::object body;
    body["executionId"] = id;
    body["status"] = status_name(existing->status);
    body["startDate"] = format_timestamp(existing->start);
    req.reply(StartReply{200, std::move(body)});
    return;
  }
  ExecutionRecord record;
  record.id = id;
  record.state_machine = req.state_machine;
  record.name = req.name;
  record.input = req.input;
  record.start = st.engine->now();
  record.state = machine->start_at;
  st.admitting[id] = SupervisorState::Admission{req.input, {std::move(req.reply)}};
  spawn_child(self, std::move(record), std::move(machine), true);
}

void admitted(Self* self, const std::string& id, StartResult& result) {
  auto& st = self->state;
  auto it = st.admitting.find(id);
  if (it == st.admitting.end()) return;
  auto waiters = std::move(it->second.waiters);
  st.admitting.erase(it);
  for (std::size_t i = 0; i < waiters.size(); ++i) {
    if (result.ok) {
      waiters[i](StartReply{i == 0 ? 201u : 200u, result.body});
    } else {
      waiters[i](StartReply{http_status(result.error.code), to_json(result.error)});
    }
  }
}

std::uint64_t recover(Self* self) {
  auto& st = self->state;
  std::vector<std::string> open;
  st.engine->db->scan(Table::kOpenExecutions, "", [&](std::string_view key, std::string_view) {
    open.emplace_back(key);
    return true;
  });
  std::uint64_t resumed = 0;
  for (const auto& id : open) {
    if (st.running.count(id)) continue;
    auto stored = st.engine->db->get(Table::kExecutions, id);
    if (!stored) continue;
    auto record = ExecutionRecord::from_json(json::parse(*stored));
    if (!record) {
      adapters::log(adapters::LogLevel::kError, "recovery.corrupt_record",
                    {{"executionId", id}, {"cause", record.error().message}});
      continue;
    }
    auto machine = st.engine->workflows()->find(record->state_machine);
    if (!machine) {
      adapters::log(adapters::LogLevel::kError, "recovery.unknown_state_machine",
                    {{"executionId", id}, {"stateMachine", record->state_machine}});
      continue;
    }
    spawn_child(self, std::move(*record), std::move(machine), false);
    ++resumed;
  }
  return resumed;
}

caf::behavior executions_behavior(Self* self, EnginePtr engine) {
  self->state.engine = std::move(engine);
  self->set_down_handler([self](const caf::down_msg& down) {
    auto& st = self->state;
    auto it = st.ids.find(down.source);
    if (it == st.ids.end()) return;
    const std::string id = it->second;
    st.ids.erase(it);
    st.running.erase(id);
    // A child that died before its first commit leaves its callers waiting: answer them.
    if (st.admitting.count(id)) {
      StartResult result;
      result.ok = false;
      result.error =
          Error{ErrorCode::kInternal, "execution " + id + " stopped before it was admitted"};
      admitted(self, id, result);
    }
  });
  // Shutting down the supervisor takes its executions with it; they resume from LMDB next start.
  self->set_exit_handler([self](const caf::exit_msg& msg) {
    for (auto& [id, child] : self->state.running) self->send_exit(child, msg.reason);
    self->quit(msg.reason);
  });
  return {
      [self](start_atom, StartRequest& req) { start(self, req); },
      [self](started_atom, const std::string& id, StartResult& result) {
        admitted(self, id, result);
      },
      [self](recover_atom) -> std::uint64_t { return recover(self); },
      [self](count_atom) -> std::uint64_t { return self->state.running.size(); },
  };
}

}  // namespace

caf::actor spawn_executions(caf::actor_system& system, EnginePtr engine) {
  return system.spawn(executions_behavior, std::move(engine));
}

}  // namespace settled::actors
