#pragma once
// A last line for the long-lived actors: CAF 0.17 ends an actor whose handler throws, whatever
// its exception handler returns. Handlers therefore decode without throwing and guard their
// work; this handler only makes sure that, should one still escape, the log says which actor
// died of what (then /readyz and the systemd watchdog stop vouching for the daemon).

#include "adapters/log.hpp"
#include "adapters/metrics.hpp"

#include <caf/all.hpp>

#include <exception>
#include <string>

namespace settled::actors {

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

inline auto log_crash(std::string actor) {
  return [actor = std::move(actor)](caf::scheduled_actor*, std::exception_ptr& eptr) -> caf::error {
    std::string cause = exception_cause(eptr);
    adapters::log(adapters::LogLevel::kError, "actor.crashed",
                  {{"actor", actor}, {"cause", cause}});
    adapters::Metrics::instance().handler_failed(actor);
    return caf::make_error(caf::sec::runtime_error, std::move(cause));
  };
}

}  // namespace settled::actors
