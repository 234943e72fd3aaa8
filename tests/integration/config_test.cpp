// Configuration of a real daemon: an invalid value stops it at start with a message naming the
// option (from the command line or the config file); the shipped config/settled.conf starts it;
// API keys guard /v1 and a non-loopback address needs them.

#include "adapters/http/api_keys.hpp"
#include "integration/ops_fixture.hpp"

#include <sys/stat.h>

#include <fstream>

namespace settled::testing {
namespace {

// Starts settled with `args` and returns what it printed, expecting it to refuse to start.
std::string refusal(const TempDir& dir, std::vector<std::string> args) {
  args.push_back("--data-dir=" + dir.path() + "/var");
  args.push_back("--workflows-dir=" + std::string(SETTLED_SOURCE_DIR) + "/config/workflows");
  DaemonProcess daemon(SETTLED_BINARY, args);
  try {
    daemon.wait_ready(std::chrono::seconds(20));
  } catch (const std::exception& e) {
    return e.what();
  }
  ADD_FAILURE() << "settled started with an invalid configuration";
  return {};
}

std::string write_config(const TempDir& dir, const std::string& text) {
  const std::string path = dir.path() + "/settled.conf";
  std::ofstream(path) << text;
  return path;
}

TEST(Config, InvalidCommandLineValuesStopTheDaemonNamingTheOption) {
  TempDir dir;
  const std::vector<std::pair<std::string, std::string>> cases{
      {"--log-level=loud", "invalid value for log-level"},
      {"--http=nowhere", "invalid value for http"},
      {"--http=127.0.0.1:99999", "invalid value for http"},
      {"--stripe-mode=real", "invalid value for stripe-mode"},
      {"--stripe-mode=live", "invalid value for stripe-secret-key"},
      {"--http-threads=0", "invalid value for http-threads"},
      {"--map-size-mib=0", "invalid value for map-size-mib"},
      {"--shutdown-timeout=0", "invalid value for shutdown-timeout"},
      {"--history-limit=5", "invalid value for history-limit"},
      {"--aws-region=US_EAST", "invalid value for aws-region"},
      {"--aws-account-id=12345", "invalid value for aws-account-id"},
      {"--timer-window-ms=10", "invalid value for timer-window-ms"},
      {"--admin-group=no-such-group-for-settled", "invalid value for admin-group"},
      {"--events-retention-seconds=0", "invalid value for events-retention-seconds"},
      {"--alert-webhook=ftp://example.invalid/x", "invalid value for alert-webhook"},
      {"--alert-webhook=https://example.invalid:0/x", "invalid value for alert-webhook"},
      {"--alert-webhook-ca-file=/etc/hostname", "invalid value for alert-webhook-ca-file"},
      {"--api-key-hashes=[\"not-a-hash\"]", "invalid value for api-key-hashes"},
      {"--stripe-webhook-secrets=[\"\"]", "invalid value for stripe-webhook-secrets"},
      {"--stripe-max-requests-per-second=10001",
       "invalid value for stripe-max-requests-per-second"},
      {"--stripe-max-concurrent-requests=0", "invalid value for stripe-max-concurrent-requests"},
      {"--stripe-max-queued-requests=1000001", "invalid value for stripe-max-queued-requests"},
      {"--stripe-rate-limit-retries=11", "invalid value for stripe-rate-limit-retries"},
      {"--stripe-webhook-tolerance-seconds=0",
       "invalid value for stripe-webhook-tolerance-seconds"},
      {"--stripe-webhook-tolerance-seconds=3601",
       "invalid value for stripe-webhook-tolerance-seconds"},
      {"--stripe-simulator-payout-delay-seconds=2592001",
       "invalid value for stripe-simulator-payout-delay-seconds"},
      {"--veriff-mode=real", "invalid value for veriff-mode"},
      {"--veriff-mode=live", "invalid value for veriff-base-url"},
      {"--veriff-max-requests-per-second=0", "invalid value for veriff-max-requests-per-second"},
      {"--veriff-max-concurrent-requests=0", "invalid value for veriff-max-concurrent-requests"},
      {"--veriff-rate-limit-retries=11", "invalid value for veriff-rate-limit-retries"},
      {"--veriff-request-timeout-ms=99", "invalid value for veriff-request-timeout-ms"},
      {"--map-size-mib=lots", "--map-size-mib=lots"},
  };
  for (const auto& [arg, message] : cases) {
    const std::string out = refusal(dir, {"--http=127.0.0.1:0", arg});
    EXPECT_NE(out.find("exit code 2"), std::string::npos) << arg << ": " << out;
    EXPECT_NE(out.find(message), std::string::npos) << arg << ": " << out;
  }
}

TEST(Config, AnUnreadableWebhookCaFileStopsTheDaemon) {
  TempDir dir;
  const std::string out =
      refusal(dir, {"--http=127.0.0.1:0", "--alert-webhook=https://alerts.example.invalid/x",
                    "--alert-webhook-ca-file=" + dir.path() + "/missing-ca.pem"});
  EXPECT_NE(out.find("exit code 2"), std::string::npos) << out;
  EXPECT_NE(out.find("invalid value for alert-webhook-ca-file"), std::string::npos) << out;
  EXPECT_NE(out.find("missing-ca.pem"), std::string::npos) << out;
}

// docs/aws-auth.md: the AWS secret access keys' file must be the daemon's user's alone.
TEST(Config, AnAwsCredentialsFileOthersMayReadStopsTheDaemon) {
  TempDir dir;
  const std::string path = dir.path() + "/aws-credentials";
  std::ofstream(path) << "ci:admin:AKIASETTLEDIT0000001:wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\n";
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  std::string out = refusal(dir, {"--http=127.0.0.1:0", "--aws-credentials-file=" + path});
  EXPECT_NE(out.find("exit code 2"), std::string::npos) << out;
  EXPECT_NE(out.find("invalid value for aws-credentials-file"), std::string::npos) << out;
  EXPECT_NE(out.find("mode 0644"), std::string::npos) << out;
  EXPECT_EQ(out.find("wJalrXUtnFEMI"), std::string::npos) << out;  // the secret is never shown
  // Owner-only, the same file starts the daemon.
  ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
  DaemonProcess daemon(
      SETTLED_BINARY, {"--http=127.0.0.1:0", "--aws-credentials-file=" + path,
                       "--aws-region=eu-central-1", "--data-dir=" + dir.path() + "/var",
                       "--workflows-dir=" + std::string(SETTLED_SOURCE_DIR) + "/config/workflows"});
  EXPECT_GT(daemon.wait_ready(), 0);
  EXPECT_EQ(daemon.terminate(), 0);
  EXPECT_EQ(daemon.output().find("wJalrXUtnFEMI"), std::string::npos) << daemon.output();
}

TEST(Config, InvalidConfigFileValuesStopTheDaemonNamingTheOption) {
  TempDir dir;
  const std::vector<std::pair<std::string, std::string>> cases{
      {"[global]\nmap-size-mib=\"lots\"\n", "invalid value for map-size-mib"},
      {"[global]\nlog-level=3\n", "invalid value for log-level"},
      {"[global]\nlog-level=\"loud\"\n", "invalid value for log-level"},
      {"[global]\nmap-size=64\n", "unknown option global.map-size"},
  };
  for (const auto& [text, message] : cases) {
    const std::string out =
        refusal(dir, {"--http=127.0.0.1:0", "--config=" + write_config(dir, text)});
    EXPECT_NE(out.find(message), std::string::npos) << text << ": " << out;
  }
}

TEST(Config, CommandLineFlagsOverrideTheFile) {
  TempDir dir;
  const std::string conf = write_config(dir, "[global]\nlog-level=\"loud\"\n");
  // The flag wins over the file's (invalid) value, so the daemon starts.
  DaemonProcess daemon(
      SETTLED_BINARY, {"--config=" + conf, "--log-level=warn", "--http=127.0.0.1:0",
                       "--data-dir=" + dir.path() + "/var",
                       "--workflows-dir=" + std::string(SETTLED_SOURCE_DIR) + "/config/workflows"});
  EXPECT_GT(daemon.wait_ready(), 0);
  EXPECT_EQ(daemon.terminate(), 0);
  EXPECT_EQ(daemon.output().find("settled.started"), std::string::npos)  // info is below warn
      << daemon.output();
}

TEST(Config, TheShippedConfigFileStartsTheDaemon) {
  TempDir dir;
  DaemonProcess daemon(
      SETTLED_BINARY, {"--config=" + std::string(SETTLED_SOURCE_DIR) + "/config/settled.conf",
                       "--http=127.0.0.1:0", "--data-dir=" + dir.path() + "/var",
                       "--workflows-dir=" + std::string(SETTLED_SOURCE_DIR) + "/config/workflows"});
  EXPECT_GT(daemon.wait_ready(), 0);
  EXPECT_NE(daemon.wait_for_output("\"event\":\"api.local_only\""), "") << daemon.output();
  EXPECT_EQ(daemon.terminate(), 0);
}

TEST(Config, ANonLoopbackAddressWithoutApiKeysRefusesToStart) {
  TempDir dir;
  const std::string out = refusal(dir, {"--http=0.0.0.0:0"});
  EXPECT_NE(out.find("invalid value for http"), std::string::npos) << out;
  EXPECT_NE(out.find("api-key-hashes"), std::string::npos) << out;
}

constexpr const char* kKey = "sk_test_operations";

class ApiKeys : public OpsTest {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(workflows_dir());
    std::filesystem::copy(std::string(SETTLED_SOURCE_DIR) + "/config/workflows", workflows_dir());
    // Keys make a non-loopback address acceptable.
    start_with({"--http=0.0.0.0:0", "--api-key-hashes=[\"" + adapters::sha256_hex(kKey) + "\"]"});
  }
  static HttpHeaders bearer(const std::string& key) { return {{"Authorization", "Bearer " + key}}; }
};

TEST_F(ApiKeys, V1NeedsAValidBearerKey) {
  auto missing = client_->post("/v1/executions", payment_body("k-1", "pm_card_visa"));
  EXPECT_EQ(missing.status, 401u);
  EXPECT_EQ(missing.json().at("error").as_string(), "Unauthorized");
  auto wrong =
      client_->post("/v1/executions", payment_body("k-1", "pm_card_visa"), bearer("sk_test_wrong"));
  EXPECT_EQ(wrong.status, 401u);
  EXPECT_EQ(wrong.json().at("error").as_string(), "Unauthorized");
  EXPECT_EQ(client_->get("/v1/executions/payment:k-1").status, 401u);

  auto ok = client_->post("/v1/executions", payment_body("k-1", "pm_card_visa"), bearer(kKey));
  EXPECT_EQ(ok.status, 201u) << ok.body;
  EXPECT_EQ(client_->get("/v1/executions/payment:k-1", bearer(kKey)).status, 200u);
}

TEST_F(ApiKeys, HealthAndTheSimulatorListStayOpen) {
  EXPECT_EQ(client_->get("/healthz").status, 200u);
  EXPECT_EQ(client_->get("/v1/simulator/stripe/payment_intents").status, 200u);
}

}  // namespace
}  // namespace settled::testing
