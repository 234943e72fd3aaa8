// The daemon as systemd sees it: READY=1 once serving, WATCHDOG=1 pings driven by the actors,
// RELOADING=1/READY=1 around a SIGHUP that re-reads the log level, STOPPING=1 on SIGTERM.
// The test plays systemd's part with its own NOTIFY_SOCKET.

#include "integration/ops_fixture.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cstdlib>

namespace settled::testing {
namespace {

class NotifySocket {
 public:
  explicit NotifySocket(const std::string& path) : path_(path) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::snprintf(address.sun_path, sizeof address.sun_path, "%s", path.c_str());
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
      throw std::runtime_error("cannot bind " + path);
  }
  ~NotifySocket() { ::close(fd_); }

  // Waits for a datagram containing `text`; every datagram read is kept in `seen`.
  bool wait_for(const std::string& text, std::chrono::seconds deadline = std::chrono::seconds(10)) {
    const auto until = std::chrono::steady_clock::now() + deadline;
    while (std::chrono::steady_clock::now() < until) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      char buffer[4096];
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) continue;
      seen.emplace_back(buffer, static_cast<std::size_t>(n));
      if (seen.back().find(text) != std::string::npos) return true;
    }
    return false;
  }

  std::vector<std::string> seen;

 private:
  std::string path_;
  int fd_ = -1;
};

class SystemdNotify : public OpsTest {
 protected:
  void SetUp() override {}  // each test starts its daemon with systemd's environment
};

TEST_F(SystemdNotify, ReadyWatchdogReloadAndStopping) {
  NotifySocket notify(dir_.path() + "/notify.sock");
  const std::string conf = dir_.path() + "/settled.conf";
  std::ofstream(conf) << "[global]\nlog-level=\"info\"\n";
  std::filesystem::create_directories(workflows_dir());
  std::filesystem::copy(std::string(SETTLED_SOURCE_DIR) + "/config/workflows", workflows_dir());
  // The daemon inherits these, as it would from systemd.
  ::setenv("NOTIFY_SOCKET", (dir_.path() + "/notify.sock").c_str(), 1);
  ::setenv("WATCHDOG_USEC", "200000", 1);
  start_with({"--config=" + conf});
  ::unsetenv("NOTIFY_SOCKET");
  ::unsetenv("WATCHDOG_USEC");

  EXPECT_TRUE(notify.wait_for("READY=1"));
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(notify.wait_for("WATCHDOG=1")) << i;

  std::ofstream(conf) << "[global]\nlog-level=\"debug\"\n";
  ::kill(daemon_->pid(), SIGHUP);
  EXPECT_TRUE(notify.wait_for("RELOADING=1"));
  EXPECT_TRUE(notify.wait_for("READY=1"));
  EXPECT_EQ(ctl_json({"log-level"}).at("level").as_string(), "debug");
  EXPECT_NE(daemon_->wait_for_output("\"event\":\"settled.reloaded\""), "");

  EXPECT_EQ(daemon_->terminate(), 0);  // SIGTERM, once
  EXPECT_TRUE(notify.wait_for("STOPPING=1"));
}

}  // namespace
}  // namespace settled::testing
