#pragma once
// A daemon for the operations tests: its own workflows directory (the shipped workflows plus
// any a test adds), extra flags, and settlectl pointed at its admin socket.

#include "integration/command.hpp"
#include "integration/daemon_fixture.hpp"

#include <boost/json.hpp>

#include <filesystem>

namespace settled::testing {

class OpsTest : public DaemonTest {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(workflows_dir());
    for (const auto& entry :
         std::filesystem::directory_iterator(std::string(SETTLED_SOURCE_DIR) + "/config/workflows"))
      std::filesystem::copy_file(entry.path(),
                                 workflows_dir() + "/" + entry.path().filename().string());
    add_workflows();
    start_with(daemon_flags());
  }

  // Tests that need more state machines write them here, before the daemon starts.
  virtual void add_workflows() {}
  // Flags of the daemon SetUp starts, besides the data dir, port and workflows.
  virtual std::vector<std::string> daemon_flags() const { return {}; }

  std::string workflows_dir() const { return dir_.path() + "/workflows"; }
  std::string socket_path() const { return dir_.path() + "/var/settled.sock"; }

  void write_workflow(const std::string& name, const std::string& definition) {
    std::ofstream(workflows_dir() + "/" + name + ".asl.json") << definition;
  }

  void start_with(std::vector<std::string> extra) {
    extra_ = std::move(extra);
    std::vector<std::string> args{"--data-dir=" + dir_.path() + "/var", "--http=127.0.0.1:0",
                                  "--workflows-dir=" + workflows_dir()};
    args.insert(args.end(), extra_.begin(), extra_.end());
    client_.reset();
    daemon_ = std::make_unique<DaemonProcess>(SETTLED_BINARY, args, dir_.path() + "/daemon.log",
                                              daemon_env_);
    port_ = daemon_->wait_ready();
    client_ = std::make_unique<HttpClient>("127.0.0.1", port_);
  }

  // After SIGTERM (or a crash), the same daemon again.
  void restart() {
    client_.reset();
    daemon_->terminate();
    start_with(extra_);
  }

  CommandResult ctl(std::vector<std::string> args) {
    args.insert(args.begin(), "--socket=" + socket_path());
    args.insert(args.begin(), SETTLECTL_BINARY);
    return run_command(args);
  }

  // settlectl --json ...; the parsed output (the result, or the error object on failure).
  boost::json::value ctl_json(std::vector<std::string> args, int expected_code = 0) {
    args.insert(args.begin(), "--json");
    auto r = ctl(args);
    EXPECT_EQ(r.code, expected_code) << r.out << r.err;
    boost::system::error_code ec;
    auto value = boost::json::parse(r.out, ec);
    EXPECT_FALSE(ec) << "settlectl printed no JSON: " << r.out << r.err;
    return value;
  }

  std::vector<std::string> extra_;
  std::vector<std::string> daemon_env_;  // "NAME=value" added to every daemon's environment
};

}  // namespace settled::testing
