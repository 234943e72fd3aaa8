#pragma once
// How late the io threads run what is due: a timer on the server's io_context, re-armed every
// `period`, whose lateness is the time a request that arrives now waits before an io thread
// reads it (the sockets ahead of it in the loop, or the threads not being scheduled at all).
// Under overload that wait is most of what a client sees, and nothing else in the daemon sees
// it: admission measures an admitted request from its arrival, estimated as the time its read
// completed minus this lag (docs/overload.md).

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>

namespace settled::adapters {

class LoopLagProbe : public std::enable_shared_from_this<LoopLagProbe> {
 public:
  using Clock = std::chrono::steady_clock;

  // `report` runs on every tick with the lateness just seen (on an io thread; must not block).
  LoopLagProbe(boost::asio::io_context& ioc, Clock::duration period,
               std::function<void(Clock::duration)> report);

  // Arms the timer; the io_context keeps the probe alive while it is armed.
  void start();
  // Cancels the timer (from any thread), so the io_context can run out of work.
  void stop();

  // The lateness seen at the latest tick (zero before the first one).
  Clock::duration lag() const { return Clock::duration(lag_.load(std::memory_order_relaxed)); }
  // The lateness of one tick that was due at `due` and ran at `ran`: never negative.
  static Clock::duration lateness(Clock::time_point due, Clock::time_point ran);

 private:
  void arm(Clock::time_point due);

  // On a strand: with several io threads, a tick and stop() never touch it at once.
  boost::asio::basic_waitable_timer<Clock, boost::asio::wait_traits<Clock>,
                                    boost::asio::strand<boost::asio::io_context::executor_type>>
      timer_;
  const Clock::duration period_;
  const std::function<void(Clock::duration)> report_;
  std::atomic<Clock::rep> lag_{0};
  std::atomic<bool> stopped_{false};
};

}  // namespace settled::adapters
