// One data directory, one daemon: a second settled on the same directory exits 2 naming the
// first one's pid, and touches nothing — the first keeps serving and its admin socket works.

#include "integration/ops_fixture.hpp"

#include <sys/stat.h>

namespace settled::testing {
namespace {

class DataDirLock : public OpsTest {};

TEST_F(DataDirLock, ASecondDaemonOnTheSameDirectoryExits2NamingTheHolder) {
  ASSERT_EQ(start_payment("p-first", "pm_card_visa").status, 201u);
  struct stat socket_before {};
  ASSERT_EQ(::stat(socket_path().c_str(), &socket_before), 0);

  DaemonProcess second(SETTLED_BINARY,
                       {"--data-dir=" + dir_.path() + "/var", "--http=127.0.0.1:0",
                        "--workflows-dir=" + workflows_dir()},
                       dir_.path() + "/second.log");
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (second.running() && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_FALSE(second.running()) << "the second daemon is still running:\n" << second.output();
  EXPECT_EQ(second.terminate(), 2) << second.output();
  const std::string said = second.output();
  EXPECT_NE(said.find("pid " + std::to_string(daemon_->pid())), std::string::npos) << said;
  // It got nowhere near serving or resuming anything.
  EXPECT_EQ(said.find("settled ready"), std::string::npos) << said;
  EXPECT_EQ(said.find("settled.started"), std::string::npos) << said;

  // The first one's socket is the same file and answers; HTTP and executions go on.
  struct stat socket_after {};
  ASSERT_EQ(::stat(socket_path().c_str(), &socket_after), 0);
  EXPECT_EQ(socket_after.st_ino, socket_before.st_ino);
  EXPECT_EQ(ctl({"ping"}).code, 0);
  EXPECT_EQ(ctl_json({"status"}).at("ingestion").as_string(), "accepting");
  EXPECT_EQ(wait_final("payment:p-first").at("status").as_string(), "SUCCEEDED");
  ASSERT_EQ(start_payment("p-second", "pm_card_visa").status, 201u);
  EXPECT_EQ(wait_final("payment:p-second").at("status").as_string(), "SUCCEEDED");

  // Once the first has stopped, the directory is free again.
  restart();
  EXPECT_EQ(client_->get("/healthz").status, 200u);
}

}  // namespace
}  // namespace settled::testing
