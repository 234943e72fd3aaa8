// The shipped Prometheus alert rules (config/prometheus/settled-alerts.yml, docs/operations.md
// "Alert rules"): promtool (Debian package prometheus, scripts/install-deps.sh) accepts them, and
// their unit tests (settled-alerts.test.yml, settled-alerts-weekly.test.yml) show each alert firing
// above its threshold and not at it. No daemon: the metric names are checked against a real
// /metrics in ledger_reconciliation_test.cpp.

#include "integration/command.hpp"
#include "support/build_paths.hpp"

#include <gtest/gtest.h>

#include <string>

namespace settled::testing {
namespace {

const std::string kRulesDir = std::string(SETTLED_SOURCE_DIR) + "/config/prometheus";

TEST(PrometheusRules, CheckAndTest) {
  const auto check = run_command({"promtool", "check", "rules", kRulesDir + "/settled-alerts.yml"});
  ASSERT_NE(check.code, -1) << "promtool is not installed (scripts/install-deps.sh)";
  EXPECT_EQ(check.code, 0) << check.out << check.err;
  EXPECT_NE(check.out.find("SUCCESS: 4 rules found"), std::string::npos) << check.out;

  const auto test =
      run_command({"promtool", "test", "rules", kRulesDir + "/settled-alerts.test.yml",
                   kRulesDir + "/settled-alerts-weekly.test.yml"});
  EXPECT_EQ(test.code, 0) << test.out << test.err;
  EXPECT_NE(test.out.find("SUCCESS"), std::string::npos) << test.out << test.err;
}

}  // namespace
}  // namespace settled::testing
