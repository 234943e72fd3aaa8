// systemd/settled.service as installed by `cmake --install`: systemd-analyze verify accepts it,
// and the binary, config and workflows it names are where it says.

#include "integration/command.hpp"
#include "support/build_paths.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

namespace settled::testing {
namespace {

bool have(const std::string& program) {
  return run_command({"sh", "-c", "command -v " + program}).code == 0;
}

TEST(SystemdUnit, InstalledUnitPassesSystemdAnalyzeVerify) {
  if (!have("systemd-analyze") && ::geteuid() == 0)
    run_command({"sh", "-c",
                 "DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "
                 "systemd procps"});
  if (!have("systemd-analyze"))
    GTEST_SKIP() << "systemd-analyze is not installed and could not be installed (not root or "
                    "no package source)";
  TempDir dir;
  const std::string prefix = dir.path() + "/prefix";
  auto install = run_command({"cmake", "--install", SETTLED_BUILD_DIR, "--prefix", prefix});
  ASSERT_EQ(install.code, 0) << install.out << install.err;
  const std::string unit = prefix + "/lib/systemd/system/settled.service";
  for (const std::string& path :
       {unit, prefix + "/bin/settled", prefix + "/bin/settlectl",
        prefix + "/etc/settled/settled.conf", prefix + "/share/settled/workflows/payment.asl.json",
        prefix + "/share/settled/rules", prefix + "/share/settled/prometheus/settled-alerts.yml"})
    EXPECT_TRUE(std::filesystem::exists(path)) << path;

  const std::string text = slurp(unit);
  EXPECT_NE(text.find("ExecStart=" + prefix + "/bin/settled "), std::string::npos) << text;
  EXPECT_NE(text.find("--rules-dir=" + prefix + "/share/settled/rules"), std::string::npos) << text;
  for (const char* directive :
       {"Type=notify", "WatchdogSec=", "ExecReload=", "StateDirectory=settled",
        "RuntimeDirectory=settled", "DynamicUser=yes", "NoNewPrivileges=yes",
        "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes",
        "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6"})
    EXPECT_NE(text.find(directive), std::string::npos) << directive;

  auto verify = run_command({"systemd-analyze", "verify", unit});
  EXPECT_EQ(verify.code, 0) << verify.out << verify.err;
  EXPECT_EQ(verify.err.find("settled.service"), std::string::npos) << verify.err;
}

}  // namespace
}  // namespace settled::testing
