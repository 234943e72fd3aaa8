#include "integration/ops_fixture.hpp"

namespace settled::testing {

void OpsTest::SetUp() {
  std::filesystem::create_directories(workflows_dir());
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(SETTLED_SOURCE_DIR) + "/config/workflows"))
    std::filesystem::copy_file(entry.path(),
                               workflows_dir() + "/" + entry.path().filename().string());
  add_workflows();
  start_with(daemon_flags());
}

void OpsTest::write_workflow(const std::string& name, const std::string& definition) {
  std::ofstream(workflows_dir() + "/" + name + ".asl.json") << definition;
}

void OpsTest::start_with(std::vector<std::string> extra) {
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

void OpsTest::restart() {
  client_.reset();
  daemon_->terminate();
  start_with(extra_);
}

CommandResult OpsTest::ctl(std::vector<std::string> args) {
  args.insert(args.begin(), "--socket=" + socket_path());
  args.insert(args.begin(), SETTLECTL_BINARY);
  return run_command(args);
}

boost::json::value OpsTest::ctl_json(std::vector<std::string> args, int expected_code) {
  args.insert(args.begin(), "--json");
  auto r = ctl(args);
  EXPECT_EQ(r.code, expected_code) << r.out << r.err;
  boost::system::error_code ec;
  auto value = boost::json::parse(r.out, ec);
  EXPECT_FALSE(ec) << "settlectl printed no JSON: " << r.out << r.err;
  return value;
}

}  // namespace settled::testing
