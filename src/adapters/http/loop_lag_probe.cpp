#include "adapters/http/loop_lag_probe.hpp"

#include "adapters/ops/metrics.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include <utility>

namespace settled::adapters {

LoopLagProbe::LoopLagProbe(boost::asio::io_context& ioc, Clock::duration period,
                           std::function<void(Clock::duration)> report)
    : timer_(boost::asio::make_strand(ioc)), period_(period), report_(std::move(report)) {}

LoopLagProbe::Clock::duration LoopLagProbe::lateness(Clock::time_point due, Clock::time_point ran) {
  return ran > due ? ran - due : Clock::duration::zero();
}

void LoopLagProbe::start() {
  boost::asio::post(timer_.get_executor(),
                    [self = shared_from_this()] { self->arm(Clock::now() + self->period_); });
}

void LoopLagProbe::stop() {
  stopped_.store(true);
  // The timer is touched on its strand only; cancelling there avoids a data race.
  boost::asio::post(timer_.get_executor(), [self = shared_from_this()] { self->timer_.cancel(); });
}

void LoopLagProbe::arm(Clock::time_point due) {
  if (stopped_.load()) return;
  timer_.expires_at(due);
  timer_.async_wait([self = shared_from_this(), due](const boost::system::error_code& ec) {
    if (ec) return;
    const Clock::time_point ran = Clock::now();
    const Clock::duration lag = lateness(due, ran);
    self->lag_.store(lag.count(), std::memory_order_relaxed);
    Metrics::instance().http_loop_lag(lag);
    if (self->report_) self->report_(lag);
    // The next tick is due a period after this one ran, not after it was due: a late loop is
    // measured again, not handed a backlog of ticks that all look late.
    self->arm(ran + self->period_);
  });
}

}  // namespace settled::adapters
