// The daemon's configuration checks (src/settled/config.hpp) in-process; the same refusals as the
// daemon prints them are covered end to end in tests/integration/config_test.cpp.

#include "settled/config.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace settled::app {
namespace {

TEST(SplitHostPort, TakesHostsPortsAndBracketedV6) {
  std::string host;
  std::uint16_t port = 0;
  ASSERT_TRUE(split_host_port("127.0.0.1:8080", host, port));
  EXPECT_EQ(host, "127.0.0.1");
  EXPECT_EQ(port, 8080);
  ASSERT_TRUE(split_host_port("[::1]:0", host, port));
  EXPECT_EQ(host, "::1");
  EXPECT_EQ(port, 0);
}

TEST(SplitHostPort, RefusesWhatIsNotHostColonPort) {
  std::string host;
  std::uint16_t port = 0;
  for (const char* text : {"8080", ":8080", "host:", "host:65536", "host:80x", "host:-1"})
    EXPECT_FALSE(split_host_port(text, host, port)) << text;
}

std::string validate_config(SettledConfig& cfg) {
  std::string host;
  std::uint16_t port = 0;
  adapters::LogLevel level;
  return validate(cfg, host, port, level);
}

TEST(ConfigValidate, TheDefaultsAreValid) {
  SettledConfig cfg;
  EXPECT_EQ(validate_config(cfg), "");
}

TEST(ConfigValidate, ARefusalNamesItsOptionAndWhatItTakes) {
  SettledConfig cfg;
  cfg.log_level = "loud";
  EXPECT_EQ(validate_config(cfg),
            "invalid value for log-level: \"loud\" (debug, info, warn, error)");
}

TEST(ConfigValidate, APerPeerCapAboveTheTotalIsRefused) {
  SettledConfig cfg;
  cfg.max_connections_per_peer = cfg.max_connections + 1;
  EXPECT_NE(validate_config(cfg).find("max-connections-per-peer"), std::string::npos);
}

TEST(ConfigValidate, TheAutoConfirmIsOffByDefaultAndAtMostAYear) {
  SettledConfig cfg;
  EXPECT_EQ(cfg.service_completion_auto_confirm_hours, 0u);
  cfg.service_completion_auto_confirm_hours = 8760;
  EXPECT_EQ(validate_config(cfg), "");
  cfg.service_completion_auto_confirm_hours = 8761;
  EXPECT_EQ(validate_config(cfg),
            "invalid value for service-completion-auto-confirm-hours: \"8761\" (0 (off) to 8760 "
            "hours (a year))");
}

TEST(ConfigValidate, TheStepFunctionsArnsNameAValidRegionAndAccount) {
  SettledConfig cfg;
  EXPECT_EQ(cfg.aws_region, "us-east-1");
  EXPECT_EQ(cfg.aws_account_id, "000000000000");
  cfg.aws_region = "eu-west-1";
  cfg.aws_account_id = "123456789012";
  EXPECT_EQ(validate_config(cfg), "");
  cfg.aws_region = "EU:west";
  EXPECT_EQ(validate_config(cfg),
            "invalid value for aws-region: \"EU:west\" (1 to 32 of a-z, 0-9 and -, starting with "
            "a letter)");
  cfg.aws_region = "eu-west-1";
  cfg.aws_account_id = "12345";
  EXPECT_EQ(validate_config(cfg),
            "invalid value for aws-account-id: \"12345\" (exactly 12 digits)");
}

TEST(ConfigValidate, TheResourceMapIsParsedOrRefusedNamingTheEntry) {
  SettledConfig cfg;
  EXPECT_TRUE(cfg.aws_resource_map->empty());
  cfg.resource_map = {
      "arn:aws:lambda:us-east-1:123456789012:function:Validate=settled:payment.validate",
      "arn:aws:dynamodb:us-east-1:123456789012:table/Payments=paymentId"};
  EXPECT_EQ(validate_config(cfg), "");
  EXPECT_EQ(cfg.aws_resource_map->function("Validate"), "settled:payment.validate");
  EXPECT_EQ(cfg.aws_resource_map->tables.at("Payments"), std::vector<std::string>{"paymentId"});
  cfg.resource_map = {"arn:aws:lambda:us-east-1:123456789012:function:Validate"};
  EXPECT_EQ(validate_config(cfg),
            "invalid value for resource-map: resource-map entry "
            "\"arn:aws:lambda:us-east-1:123456789012:function:Validate\": expected FROM=TO");
}

TEST(ConfigValidate, AnApiKeyHashMustBeSha256Hex) {
  SettledConfig cfg;
  cfg.api_key_hashes = {"not-a-hash"};
  EXPECT_NE(validate_config(cfg).find("api-key-hashes"), std::string::npos);
}

// docs/aws-auth.md: the AWS access keys are read at start-up, from an owner-only file.
std::string aws_file(const testing::TempDir& dir, const std::string& text, mode_t mode) {
  const std::string path = dir.path() + "/aws-credentials";
  std::ofstream(path) << text;
  EXPECT_EQ(::chmod(path.c_str(), mode), 0);
  return path;
}

constexpr const char* kAwsKey =
    "alice:admin:AKIASETTLED01:wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

TEST(ConfigValidate, AwsAccessKeysAreReadForTheApi) {
  SettledConfig cfg;
  EXPECT_EQ(validate_config(cfg), "");
  ASSERT_NE(cfg.aws_access_keys, nullptr);
  EXPECT_TRUE(cfg.aws_access_keys->empty());
  EXPECT_TRUE(cfg.aws_local_only());
  testing::TempDir dir;
  cfg.aws_credentials_file = aws_file(dir, kAwsKey, 0600);
  cfg.aws_region = "eu-central-1";
  EXPECT_EQ(validate_config(cfg), "");
  ASSERT_NE(cfg.aws_access_keys->find("AKIASETTLED01"), nullptr);
  EXPECT_EQ(cfg.aws_access_keys->find("AKIASETTLED01")->caller.identity, "alice");
  EXPECT_FALSE(cfg.aws_local_only());
  EXPECT_EQ(cfg.sigv4_settings().region, "eu-central-1");
  EXPECT_EQ(cfg.sigv4_settings().service, "states");
  EXPECT_EQ(cfg.sigv4_settings().max_skew_seconds, 300);
}

TEST(ConfigValidate, AwsCredentialsOthersMayReadAreRefused) {
  testing::TempDir dir;
  SettledConfig cfg;
  cfg.aws_credentials_file = aws_file(dir, kAwsKey, 0644);
  EXPECT_EQ(validate_config(cfg), "invalid value for aws-credentials-file: \"" +
                                      cfg.aws_credentials_file +
                                      "\" (mode 0644 lets its group or other users at it; it "
                                      "holds secret access keys: chmod 600 it)");
}

TEST(ConfigValidate, AwsCredentialsMustParseAndAgreeWithApiKeys) {
  testing::TempDir dir;
  SettledConfig cfg;
  cfg.aws_credentials_file = aws_file(dir, std::string(kAwsKey) + "\n" + kAwsKey + "\n", 0600);
  EXPECT_NE(validate_config(cfg).find("line 2: the access key id \"AKIASETTLED01\" is configured "
                                      "twice"),
            std::string::npos);
  cfg.aws_credentials_file = aws_file(dir, kAwsKey, 0600);
  cfg.api_key_hashes = {"alice:support:" + std::string(64, 'a')};
  EXPECT_NE(validate_config(cfg).find("the identity \"alice\" of access key AKIASETTLED01 has "
                                      "other scopes in api-key-hashes"),
            std::string::npos);
  cfg.api_key_hashes = {"alice:admin:" + std::string(64, 'a')};
  EXPECT_EQ(validate_config(cfg), "");
  cfg.aws_region = "US_EAST_1";
  EXPECT_NE(validate_config(cfg).find("invalid value for aws-region: \"US_EAST_1\""),
            std::string::npos);
}

TEST(ConfigValidate, ANonLoopbackAddressNeedsApiKeys) {
  SettledConfig cfg;
  cfg.http = "0.0.0.0:8080";
  EXPECT_NE(validate_config(cfg).find("a non-loopback address needs api-key-hashes"),
            std::string::npos);
  cfg.api_key_hashes = {std::string(64, 'a')};
  EXPECT_EQ(validate_config(cfg), "");
}

TEST(ResolveDefaultPaths, TheAdminSocketLivesInTheDataDirectory) {
  SettledConfig cfg;
  cfg.data_dir = "/srv/settled";
  cfg.workflows_dir = "/etc/settled/workflows";
  resolve_default_paths(cfg);
  EXPECT_EQ(cfg.admin_socket, "/srv/settled/settled.sock");
  EXPECT_EQ(cfg.workflows_dir, "/etc/settled/workflows");  // given: kept
}

TEST(ResolveDefaultPaths, SchedulesComeFromTheWorkingDirectorysConfigOrNowhere) {
  const auto cwd = std::filesystem::current_path();
  testing::TempDir dir;
  std::filesystem::current_path(dir.path());
  SettledConfig cfg;
  resolve_default_paths(cfg);
  EXPECT_EQ(cfg.schedules_dir, "");  // none: no installed fallback
  std::filesystem::create_directories(dir.path() + "/config/schedules");
  SettledConfig from_source_tree;
  resolve_default_paths(from_source_tree);
  EXPECT_EQ(from_source_tree.schedules_dir, "config/schedules");
  SettledConfig given;
  given.schedules_dir = "/etc/settled/schedules";
  resolve_default_paths(given);
  EXPECT_EQ(given.schedules_dir, "/etc/settled/schedules");
  std::filesystem::current_path(cwd);
}

}  // namespace
}  // namespace settled::app
