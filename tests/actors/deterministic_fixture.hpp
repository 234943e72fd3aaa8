#pragma once
// A whole engine (store, executions supervisor, timer actor) on CAF's testing scheduler: no
// worker threads, every message runs when the test calls run(), and time moves only when the
// test calls advance(). Waits and timers are therefore tested without sleeping, and a test
// sees exactly the state left once every actor is idle.
//
// The store runs as a scheduled actor (StoreOptions::detached = false): the testing scheduler
// cannot drive a detached actor's thread.

#include "actors/executions_actor.hpp"
#include "actors/messages.hpp"
#include "actors/store_actor.hpp"
#include "actors/timer_actor.hpp"
#include "adapters/store/lmdb_store.hpp"
#include "domain/asl/parser.hpp"
#include "domain/execution_record.hpp"
#include "domain/records/history_chunk.hpp"
#include "domain/storage_keys.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <caf/all.hpp>
#include <caf/scheduler/test_coordinator.hpp>

#include <boost/json.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace settled::actors::testing {

// The engine's wall clock at the test clock's start: a fixed date, so runs are identical.
constexpr EpochMillis kTestEpochMillis = 1'700'000'000'000;

inline caf::actor_system_config& testing_policy(caf::actor_system_config& cfg) {
  cfg.set("scheduler.policy", caf::atom("testing"));
  return cfg;
}

class DeterministicEngine : public ::testing::Test {
 protected:
  DeterministicEngine() : DeterministicEngine(nullptr) {}

  // With `simulated` (actors/clock.hpp) the engine runs on that clock instead of the test
  // scheduler's: time moves only when the clock actor advances it.
  explicit DeterministicEngine(ClockPtr simulated)
      : system_(testing_policy(cfg_)),
        sched_(dynamic_cast<caf::scheduler::test_coordinator&>(system_.scheduler())),
        clock_start_(sched_.clock().current_time) {
    adapters::LmdbOptions lmdb;
    lmdb.path = dir_.path();
    lmdb.map_size = std::size_t{64} << 20;
    lmdb.durable = false;  // nothing here survives a crash anyway; skip the fsyncs
    auto db = adapters::LmdbStore::open(lmdb);
    if (!db.ok()) throw std::runtime_error(db.error().message);
    engine_ = std::make_shared<Engine>();
    engine_->db = *db;
    engine_->set_workflows(std::make_shared<asl::Registry>());
    // Everything that reads the time (records, Wait due dates, the timer actor) reads the test
    // clock, which moves only with advance().
    engine_->now = [this] {
      return kTestEpochMillis + std::chrono::duration_cast<std::chrono::milliseconds>(
                                    sched_.clock().current_time - clock_start_)
                                    .count();
    };
    if (simulated) {
      engine_->clock = simulated;
      engine_->now = [simulated] { return simulated->now(); };
    }
    StoreOptions store_options;
    store_options.detached = false;
    engine_->store = spawn_store(system_, engine_->db, store_options, store_stats_);
    executions_ = spawn_executions(system_, engine_);
    // Set before any execution runs, as main does: executions read engine->timers unlocked.
    engine_->timers = spawn_timers(system_, engine_, executions_);
    run();
  }

  ~DeterministicEngine() override {
    const auto stop = [](const auto& actor) {
      caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
    };
    stop(executions_);
    stop(engine_->timers);
    stop(engine_->store);
    run();
    // The system's destructor waits for every actor: drop every handle first.
    executions_ = nullptr;
    engine_.reset();
  }

  // Runs every actor until all mailboxes are empty and nothing is due. Time does not move.
  // A delayed_send goes through the clock even with a zero delay (an execution resuming a wait
  // that is already over sends itself its wake-up so): the real clock delivers it at once, the
  // test clock only when told, so each round also fires what is due now.
  std::size_t run() {
    std::size_t events = 0;
    for (;;) {
      events += sched_.run();
      const std::size_t fired = sched_.clock().advance_time(caf::timespan{0});
      if (fired == 0) return events;
      events += fired;
    }
  }

  // Moves the test clock (firing every delayed message now due), then runs until idle.
  void advance(caf::timespan by) {
    sched_.clock().advance_time(by);
    run();
  }

  void add_workflow(const std::string& name, const std::string& definition) {
    auto parsed = asl::parse_state_machine_text(definition, name);
    if (!parsed.ok()) throw std::runtime_error(parsed.error().message);
    auto registry = std::make_shared<asl::Registry>(*engine_->workflows());
    registry->add(std::make_shared<const asl::StateMachine>(std::move(*parsed)));
    engine_->set_workflows(std::move(registry));
  }

  // A start's answer as the tests read it: "Created" or "Existing", or the refusal's error name
  // ("ExecutionAlreadyExists"); the body, or the refusal's {"error", "message"}.
  struct StartAnswer {
    std::string outcome;
    boost::json::object body;
  };

  // Sends the supervisor a start as the API layer does, without running: the answer is filled in
  // by a later run(). Lets a test put several messages in the mailboxes before any is handled.
  std::shared_ptr<std::optional<StartAnswer>> send_start(const std::string& machine,
                                                         const std::string& name,
                                                         boost::json::value input) {
    auto answer = std::make_shared<std::optional<StartAnswer>>();
    StartRequest request;
    request.state_machine = machine;
    request.name = name;
    request.input = std::move(input);
    request.reply = [answer](Answer reply) {
      if (answer->has_value()) ADD_FAILURE() << "a start was answered twice";
      if (!reply) {
        *answer = StartAnswer{std::string(error_name(reply.error().code)), to_json(reply.error())};
      } else {
        const bool created = reply->outcome == Outcome::kCreated;
        *answer = StartAnswer{created ? "Created" : "Existing", std::move(reply->body)};
        if (!created && reply->outcome != Outcome::kExisting)
          ADD_FAILURE() << "a start answered neither Created nor Existing";
      }
    };
    caf::anon_send(executions_, start_atom::value, std::move(request));
    return answer;
  }

  // Sends a start and runs until idle. The reply is empty if the start was never answered.
  std::optional<StartAnswer> start(const std::string& machine, const std::string& name,
                                   boost::json::value input) {
    auto answer = send_start(machine, name, std::move(input));
    run();
    return *answer;
  }

  // Sends `dest` a request as an actor would, runs until idle, and returns the answer; empty
  // (and a test failure) if it was an error or never came.
  template <class Reply, class Dest, class... Args>
  std::optional<Reply> ask(const Dest& dest, Args... args) {
    auto answer = std::make_shared<std::optional<Reply>>();
    // The destination goes in as a spawn argument: CAF 0.17 dereferences a null argument tuple
    // when a function actor is spawned with none (UBSan: reference binding to null pointer).
    system_.spawn(
        [=](caf::event_based_actor* self, const Dest& to) {
          self->request(to, caf::infinite, args...)
              .then([answer](Reply& reply) { *answer = std::move(reply); },
                    [](caf::error& err) { ADD_FAILURE() << "request failed: " << to_string(err); });
        },
        dest);
    run();
    return *answer;
  }

  // The stored record (what GET /v1/executions/{id} reads), or empty.
  std::optional<ExecutionRecord> record(const std::string& id) const {
    auto stored = engine_->db->get(Table::kExecutions, id);
    if (!stored) return std::nullopt;
    auto parsed = ExecutionRecord::parse(*stored, id);
    if (!parsed.ok()) {
      ADD_FAILURE() << id << ": " << parsed.error().message;
      return std::nullopt;
    }
    return std::move(*parsed);
  }

  // The events of `id`'s history in order, as the history API reads them.
  std::vector<boost::json::object> history(const std::string& id) const {
    std::vector<boost::json::object> events;
    engine_->db->scan(Table::kHistory, history_prefix(id),
                      [&](std::string_view, std::string_view value) {
                        auto chunk = records::decode_history_chunk(value);
                        if (!chunk.ok()) {
                          ADD_FAILURE() << id << ": " << chunk.error().message;
                          return false;
                        }
                        for (auto& event : *chunk) events.push_back(std::move(event));
                        return true;
                      });
    return events;
  }

  // Just the events' types, e.g. {"ExecutionStarted", "PassStateEntered", ...}.
  std::vector<std::string> history_types(const std::string& id) const {
    std::vector<std::string> types;
    for (const auto& event : history(id)) types.emplace_back(event.at("type").as_string());
    return types;
  }

  // Stops an execution as `settlectl executions stop` does.
  std::optional<ControlReply> stop(const std::string& id) {
    return ask<ControlReply>(executions_, abort_atom::value, id, std::string(),
                             std::string("stopped by operator"));
  }

  // Execution actors alive (running, or in a short wait); a passivated execution has none.
  std::uint64_t execution_actors() {
    return ask<std::uint64_t>(executions_, count_atom::value).value_or(~std::uint64_t{0});
  }

  // The ids of the branch and child executions `id` started (its own, not theirs), in key order.
  std::vector<std::string> branches_of(const std::string& id) const {
    std::vector<std::string> ids;
    const std::string prefix = id + "~";
    engine_->db->scan(Table::kExecutions, prefix, [&](std::string_view key, std::string_view) {
      if (key.find('~', prefix.size()) == std::string_view::npos) ids.emplace_back(key);
      return true;
    });
    return ids;
  }

  std::string status_of(const std::string& id) const {
    auto rec = record(id);
    return rec ? status_name(rec->status) : "(no record)";
  }

  settled::testing::TempDir dir_;
  caf::actor_system_config cfg_;
  caf::actor_system system_;
  caf::scheduler::test_coordinator& sched_;
  const caf::actor_clock::time_point clock_start_;
  std::shared_ptr<StoreStats> store_stats_ = std::make_shared<StoreStats>();
  EnginePtr engine_;
  ExecutionsActor executions_;
};

}  // namespace settled::actors::testing
