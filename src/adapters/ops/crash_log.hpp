#pragma once
// The long-lived actors' guards: CAF 0.17 ends an actor whose handler throws, whatever its
// exception handler returns. Handlers therefore decode without throwing and run their work
// under survive(), which fails that one message; log_crash() is the last line, making sure
// that, should an exception still escape, the log says which actor died of what (then /readyz
// and the systemd watchdog stop vouching for the daemon). No CAF here: the exception handler
// that calls log_crash() is actors::crash_handler (actors/messages.hpp).

#include "adapters/ops/log.hpp"
#include "adapters/ops/metrics.hpp"

#include <boost/json/object.hpp>

#include <exception>
#include <string>
#include <utility>

namespace settled::adapters {

// What an exception that escaped a handler says about itself.
inline std::string exception_cause(const std::exception_ptr& eptr) {
  try {
    std::rethrow_exception(eptr);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
  }
  return "unknown exception";
}

// Runs one message's work for `actor`. An exception it throws (a bug, bad data that slipped past
// a decode check) fails that message only: logged with what `about()` names (the execution id,
// the event's key, ...), counted, and `failed` answers whoever waits. The actor itself never
// unwinds, so everything else it serves goes on. `about` runs only on a failure: the happy path
// builds nothing.
template <class About, class Work, class Failed>
void survive(const char* actor, const char* handler, About&& about, Work&& work, Failed&& failed) {
  std::string cause;
  try {
    work();
    return;
  } catch (const std::exception& e) {
    cause = e.what();
  } catch (...) {
    cause = "unknown exception";
  }
  boost::json::object subject = about();
  subject["handler"] = handler;
  subject["cause"] = cause;
  log(LogLevel::kError, std::string(actor) + ".handler_failed", std::move(subject));
  Metrics::instance().handler_failed(actor);
  failed(cause);
}

// For survive(): a message about nothing in particular.
inline boost::json::object no_subject() {
  return {};
}

// Logs and counts the death of `actor` by the exception `eptr`; returns its cause.
inline std::string log_crash(const std::string& actor, const std::exception_ptr& eptr) {
  std::string cause = exception_cause(eptr);
  log(LogLevel::kError, "actor.crashed", {{"actor", actor}, {"cause", cause}});
  Metrics::instance().handler_failed(actor);
  return cause;
}

}  // namespace settled::adapters
