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
  std::atomic<Clock::rep> reported{-1};
  auto probe = std::make_shared<LoopLagProbe>(
      ioc, 2ms, [&reported](Clock::duration lag) { reported.store(lag.count()); });
  probe->start();
  std::thread io([&ioc] { ioc.run(); });
  // A handler that keeps the only io thread busy for 60 ms, as a burst of requests would.
  boost::asio::post(ioc, [] {
    const auto until = Clock::now() + 60ms;
    while (Clock::now() < until) {
    }
  });
  const auto deadline = Clock::now() + 5s;
  Clock::duration seen{};
  while (Clock::now() < deadline && seen < 50ms) seen = std::max(seen, probe->lag());
  EXPECT_GE(seen, Clock::duration(50ms));
  // Once the loop is free again the next ticks are on time.
  while (Clock::now() < deadline && probe->lag() >= 50ms) {
  }
  EXPECT_LT(probe->lag(), Clock::duration(50ms));
  EXPECT_GE(reported.load(), 0);  // every tick is reported to the server
  probe->stop();
  io.join();  // returns only once the probe's timer is no longer armed
}

}  // namespace
}  // namespace settled::adapters
