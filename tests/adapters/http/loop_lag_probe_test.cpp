// The io loop's lag: zero when idle, the length of a handler that holds the loop when busy,
// and a stopped probe leaves the io_context free to run out of work.

#include "adapters/http/loop_lag_probe.hpp"

#include <gtest/gtest.h>

#include <boost/asio/post.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

namespace settled::adapters {
namespace {

using namespace std::chrono_literals;
using Clock = LoopLagProbe::Clock;

TEST(LoopLagProbe, LatenessIsHowLongAfterItsDueTimeATickRanNeverNegative) {
  const Clock::time_point due = Clock::now();
  EXPECT_EQ(LoopLagProbe::lateness(due, due + 7ms), Clock::duration(7ms));
  EXPECT_EQ(LoopLagProbe::lateness(due, due - 3ms), Clock::duration::zero());
}

TEST(LoopLagProbe, AHandlerThatHoldsTheLoopShowsAsLagAndStopLetsTheLoopEnd) {
  boost::asio::io_context ioc;
  // The largest lag any tick reported: polling probe->lag() from here could miss a late tick
  // when the next, on-time one overwrites it before this thread runs again.
  std::atomic<Clock::rep> largest_reported{-1};
  auto probe = std::make_shared<LoopLagProbe>(ioc, 2ms, [&largest_reported](Clock::duration lag) {
    auto seen = largest_reported.load();
    while (seen < lag.count() && !largest_reported.compare_exchange_weak(seen, lag.count())) {
    }
  });
  probe->start();
  std::thread io([&ioc] { ioc.run(); });
  // A handler that keeps the only io thread busy for 60 ms, as a burst of requests would.
  boost::asio::post(ioc, [] {
    const auto until = Clock::now() + 60ms;
    while (Clock::now() < until) {
    }
  });
  const auto deadline = Clock::now() + 5s;
  while (Clock::now() < deadline && Clock::duration(largest_reported.load()) < 50ms) {
  }
  EXPECT_GE(Clock::duration(largest_reported.load()), Clock::duration(50ms));
  // Once the loop is free again the next ticks are on time.
  while (Clock::now() < deadline && probe->lag() >= 50ms) {
  }
  EXPECT_LT(probe->lag(), Clock::duration(50ms));
  probe->stop();
  io.join();  // returns only once the probe's timer is no longer armed
}

}  // namespace
}  // namespace settled::adapters
