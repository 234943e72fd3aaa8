// Prepares a data directory for bench/run-restart.sh: N executions that each wait an hour
// (state machine "nap"), started through the in-process engine wired as the daemon wires it,
// every one durable before this exits.
// Usage: settled_bench_restart_prepare DATA_DIR WORKFLOWS_DIR COUNT

#include "actors/messages.hpp"
#include "bench_support.hpp"

#include <boost/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s DATA_DIR WORKFLOWS_DIR COUNT\n", argv[0]);
    return 2;
  }
  using namespace settled;
  const int count = std::atoi(argv[3]);
  bench::InProcessEngine engine(argv[2], argv[1]);
  // Each passivates once its first transition is durable; the supervisor counts it as running
  // until its actor is gone, which may lag behind this loop.
  engine.engine->max_running_executions = static_cast<std::size_t>(count) + 1;
  // As the daemon does at every start (on this new store, it finds nothing and records that
  // runnable_executions is complete).
  {
    caf::scoped_actor self{*engine.system};
    self->request(engine.executions, caf::infinite, actors::recover_atom::value)
        .receive([](std::uint64_t) {},
                 [](caf::error& error) {
                   std::fprintf(stderr, "recovery failed: %s\n", caf::to_string(error).c_str());
                   std::exit(1);
                 });
  }
  std::atomic<int> answered{0}, refused{0};
  constexpr int kInFlight = 2000;  // bounded: the supervisor's admission sheds beyond its own
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < count; ++i) {
    while (i - answered.load() >= kInFlight)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    actors::StartRequest req;
    req.state_machine = "nap";
    req.name = "nap-" + std::to_string(i);
    req.input = boost::json::object{{"n", i}};
    req.reply = [&](actors::Answer reply) {
      if (!reply.ok() || reply->outcome != Outcome::kCreated) {
        if (refused++ == 0 && !reply.ok())
          std::fprintf(stderr, "refused: %s\n", reply.error().message.c_str());
      }
      answered += 1;
    };
    caf::anon_send(engine.executions, actors::start_atom::value, std::move(req));
  }
  while (answered.load() < count) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("prepared=%d refused=%d seconds=%.1f\n", count, refused.load(), seconds);
  return refused.load() == 0 ? 0 : 1;
}
