#include "domain/readiness_report.hpp"

namespace settled {

boost::json::object ReadinessReport::to_json() const {
  const auto check = [](const std::string& why) {
    return boost::json::value(why.empty() ? "ok" : why);
  };
  return boost::json::object{{"status", ready() ? "ready" : "not_ready"},
                             {"checks", boost::json::object{{"executions", check(executions)},
                                                            {"ledger", check(ledger)},
                                                            {"events", check(events)},
                                                            {"timers", check(timers)},
                                                            {"store", check(store)}}}};
}

}  // namespace settled
