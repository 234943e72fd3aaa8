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
  void SetUp() override;

  // Tests that need more state machines write them here, before the daemon starts.
  virtual void add_workflows() {}
  // Flags of the daemon SetUp starts, besides the data dir, port and workflows.
  virtual std::vector<std::string> daemon_flags() const { return {}; }

  std::string workflows_dir() const { return dir_.path() + "/workflows"; }
  std::string socket_path() const { return dir_.path() + "/var/settled.sock"; }

  void write_workflow(const std::string& name, const std::string& definition);

  void start_with(std::vector<std::string> extra);

  // After SIGTERM (or a crash), the same daemon again.
  void restart();

  CommandResult ctl(std::vector<std::string> args);

  // settlectl --json ...; the parsed output (the result, or the error object on failure).
  boost::json::value ctl_json(std::vector<std::string> args, int expected_code = 0);

  std::vector<std::string> extra_;
  std::vector<std::string> daemon_env_;  // "NAME=value" added to every daemon's environment
};

}  // namespace settled::testing
