#include "actors/admin_actor.hpp"

#include <chrono>
#include <utility>

namespace settled::actors {

namespace {

constexpr auto kAskTimeout = std::chrono::seconds(10);

struct Sample {
  std::chrono::steady_clock::time_point at;
  std::uint64_t commits = 0;
  std::uint64_t operations = 0;
};

struct AdminState {
  ExecutionsActor executions;
  std::shared_ptr<StoreStats> store_stats;
  std::chrono::steady_clock::time_point started_at = std::chrono::steady_clock::now();
  Sample previous, latest;  // one second apart: the commit rate is their difference
};

using Self = caf::stateful_actor<AdminState, AdminActor::base>;

Sample take_sample(const StoreStats& stats) {
  return Sample{std::chrono::steady_clock::now(), stats.commits.load(), stats.operations.load()};
}

Error no_answer(const caf::error& err) {
  return Error{ErrorCode::kTimeout, "executions supervisor did not answer: " + caf::to_string(err)};
}

void status(Self* self, StatusAsk& ask) {
  self->request(self->state.executions, kAskTimeout, sup_status_atom::value)
      .then(
          [self, reply = ask.reply](SupervisorStatus& supervisor) {
            const auto& st = self->state;
            const Sample& base = st.previous;
            const double seconds = std::chrono::duration<double>(st.latest.at - base.at).count();
            const auto rate = [&](std::uint64_t a, std::uint64_t b) {
              return seconds > 0 ? static_cast<double>(a - b) / seconds : 0.0;
            };
            DaemonStatus out;
            out.supervisor = supervisor;
            out.uptime_seconds = std::chrono::duration_cast<std::chrono::seconds>(
                                     std::chrono::steady_clock::now() - st.started_at)
                                     .count();
            out.commits_per_second = rate(st.latest.commits, base.commits);
            out.operations_per_second = rate(st.latest.operations, base.operations);
            reply(out);
          },
          [reply = ask.reply](caf::error& err) { reply(no_answer(err)); });
}

template <class... Args>
void control(Self* self, ControlAsk& ask, Args&&... args) {
  self->request(self->state.executions, kAskTimeout, std::forward<Args>(args)...)
      .then(
          [reply = ask.reply](ControlReply& r) {
            if (!r.ok) return reply(r.error);
            reply(std::move(r.body));
          },
          [reply = ask.reply](caf::error& err) { reply(no_answer(err)); });
}

AdminActor::behavior_type admin_behavior(Self* self, ExecutionsActor executions,
                                         std::shared_ptr<StoreStats> store_stats) {
  self->state.executions = std::move(executions);
  self->state.store_stats = std::move(store_stats);
  self->state.latest = self->state.previous = take_sample(*self->state.store_stats);
  self->send(self, sample_atom::value);
  return {
      [self](admin_atom, StatusAsk& ask) { status(self, ask); },
      [self](admin_atom, ControlAsk& ask) {
        if (ask.kind == ControlAsk::Kind::kStop)
          return control(self, ask, abort_atom::value, ask.execution_id, ask.error, ask.cause);
        control(self, ask, redrive_atom::value, ask.execution_id);
      },
      [self](admin_atom, IngestionAsk& ask) {
        self->request(self->state.executions, kAskTimeout, ingest_atom::value, ask.pause)
            .then([reply = ask.reply](bool paused) { reply(paused); },
                  [reply = ask.reply](caf::error& err) { reply(no_answer(err)); });
      },
      [self](sample_atom) {
        self->delayed_send(self, std::chrono::seconds(1), sample_atom::value);
        self->state.previous = self->state.latest;
        self->state.latest = take_sample(*self->state.store_stats);
      },
  };
}

}  // namespace

AdminActor spawn_admin_actor(caf::actor_system& system, ExecutionsActor executions,
                             std::shared_ptr<StoreStats> store_stats) {
  return system.spawn(admin_behavior, std::move(executions), std::move(store_stats));
}

}  // namespace settled::actors
