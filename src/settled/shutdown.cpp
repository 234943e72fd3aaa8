// The daemon's shutdown order (daemon.hpp): what is stopped before what, so that nothing
// acknowledged is lost and no actor is asked anything by one already gone.

#include "actors/executions_actor.hpp"
#include "actors/messages.hpp"
#include "adapters/ops/log.hpp"
#include "settled/daemon.hpp"

#include <caf/all.hpp>

namespace settled::app {

using adapters::LogLevel;

bool Daemon::drain(std::chrono::seconds timeout) {
  bool drained = false;
  caf::scoped_actor self{system_};
  self->request(executions_, timeout, actors::drain_atom::value)
      .receive(
          [&](bool) { drained = true; },
          [](caf::error& err) {
            adapters::log(LogLevel::kWarn, "drain.incomplete", {{"cause", caf::to_string(err)}});
          });
  return drained;
}

void Daemon::stop_actors(std::chrono::seconds timeout) {
  if (stopped_) return;
  stopped_ = true;
  caf::scoped_actor self{system_};
  self->send_exit(readiness_, caf::exit_reason::user_shutdown);
  if (clock_) self->send_exit(clock_, caf::exit_reason::user_shutdown);
  self->send_exit(admin_api_.actor, caf::exit_reason::user_shutdown);
  if (aws_admin_) self->send_exit(aws_admin_, caf::exit_reason::user_shutdown);
  // No timer or schedule fires into a supervisor that is going away.
  self->send_exit(schedules_, caf::exit_reason::user_shutdown);
  self->send_exit(engine_->timers, caf::exit_reason::user_shutdown);
  self->send_exit(engine_->events, caf::exit_reason::user_shutdown);
  if (retention_) self->send_exit(retention_, caf::exit_reason::user_shutdown);
  self->send_exit(state_machines_, caf::exit_reason::user_shutdown);
  // The supervisor ends after its executions; then an empty commit behind whatever they
  // sent tells us the store has finished the pending group commit.
  self->monitor(executions_);
  self->send_exit(executions_, caf::exit_reason::user_shutdown);
  self->receive(
      [](const caf::down_msg&) {},
      caf::after(timeout) >> [] { adapters::log(LogLevel::kWarn, "shutdown.executions_slow"); });
  // The ledger answers nothing more; commits its account actors sent are in the store's
  // mailbox already and land before the barrier below.
  self->send_exit(engine_->ledger, caf::exit_reason::user_shutdown);
  self->request(engine_->store, timeout, actors::commit_atom::value, WriteBatch{})
      .receive([](actors::StoreReply&) {},
               [](caf::error& err) {
                 adapters::log(LogLevel::kWarn, "shutdown.store_flush_failed",
                               {{"cause", caf::to_string(err)}});
               });
  self->send_exit(engine_->stripe, caf::exit_reason::user_shutdown);
  if (engine_->veriff) self->send_exit(engine_->veriff, caf::exit_reason::user_shutdown);
  if (engine_->http_invoke) self->send_exit(engine_->http_invoke, caf::exit_reason::user_shutdown);
  // Its senders are linked: they end with it, each after the POST it is making.
  self->send_exit(engine_->notifications, caf::exit_reason::user_shutdown);
  self->send_exit(engine_->alerts, caf::exit_reason::user_shutdown);
  if (engine_->mock_tasks) self->send_exit(engine_->mock_tasks, caf::exit_reason::user_shutdown);
  self->send_exit(engine_->store, caf::exit_reason::user_shutdown);
}

}  // namespace settled::app
