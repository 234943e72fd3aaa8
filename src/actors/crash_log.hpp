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

inline auto log_crash(std::string actor) {
  return [actor = std::move(actor)](caf::scheduled_actor*, std::exception_ptr& eptr) -> caf::error {
    std::string cause = "unknown exception";
    try {
      std::rethrow_exception(eptr);
    } catch (const std::exception& e) {
      cause = e.what();
    } catch (...) {
    }
    adapters::log(adapters::LogLevel::kError, "actor.crashed",
                  {{"actor", actor}, {"cause", cause}});
    adapters::Metrics::instance().handler_failed(actor);
    return caf::make_error(caf::sec::runtime_error, std::move(cause));
  };
}

}  // namespace settled::actors
