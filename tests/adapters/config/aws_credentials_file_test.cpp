// The AWS credentials file is read only when no one but its owner may touch it
// (src/adapters/config/aws_credentials_file.hpp).

#include "adapters/config/aws_credentials_file.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>

namespace settled::adapters {
namespace {

constexpr const char* kLine =
    "alice:admin:AKIASETTLED01:wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\n";

std::string write(const testing::TempDir& dir, const std::string& text, mode_t mode) {
  const std::string path = dir.path() + "/aws-credentials";
  std::ofstream(path) << text;
  EXPECT_EQ(::chmod(path.c_str(), mode), 0);
  return path;
}

TEST(AwsCredentialsFile, AnOwnerOnlyFileIsRead) {
  testing::TempDir dir;
  for (mode_t mode : {0600, 0400}) {
    auto keys = read_aws_credentials_file(write(dir, kLine, mode));
    ASSERT_TRUE(keys.ok()) << keys.error().message;
    ASSERT_NE(keys->find("AKIASETTLED01"), nullptr);
    EXPECT_EQ(keys->find("AKIASETTLED01")->caller.identity, "alice");
  }
}

TEST(AwsCredentialsFile, AnyGroupOrOtherPermissionIsRefused) {
  testing::TempDir dir;
  for (mode_t mode : {0640, 0604, 0644, 0610, 0601, 0660}) {
    auto keys = read_aws_credentials_file(write(dir, kLine, mode));
    ASSERT_FALSE(keys.ok()) << std::oct << mode;
    char shown[8];
    std::snprintf(shown, sizeof shown, "%04o", static_cast<unsigned>(mode));
    EXPECT_EQ(keys.error().message, "mode " + std::string(shown) +
                                        " lets its group or other users at it; it holds secret "
                                        "access keys: chmod 600 it");
  }
}

TEST(AwsCredentialsFile, AFileOwnedByAnotherUserIsRefused) {
  if (::geteuid() != 0) GTEST_SKIP() << "giving a file to another user needs root";
  testing::TempDir dir;
  const std::string path = write(dir, kLine, 0600);
  ASSERT_EQ(::chown(path.c_str(), 65534, 65534), 0);
  auto keys = read_aws_credentials_file(path);
  ASSERT_FALSE(keys.ok());
  EXPECT_EQ(keys.error().message,
            "owned by uid 65534, not by the daemon's user (uid 0) or root; it holds secret access "
            "keys");
}

TEST(AwsCredentialsFile, MissingNotRegularOrBadLinesAreRefused) {
  testing::TempDir dir;
  auto missing = read_aws_credentials_file(dir.path() + "/none");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, "cannot open: No such file or directory");
  auto directory = read_aws_credentials_file(dir.path());
  ASSERT_FALSE(directory.ok());
  EXPECT_EQ(directory.error().message, "not a regular file");
  auto bad = read_aws_credentials_file(write(dir, std::string(kLine) + kLine, 0600));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "line 2: the access key id \"AKIASETTLED01\" is configured twice");
}

}  // namespace
}  // namespace settled::adapters
