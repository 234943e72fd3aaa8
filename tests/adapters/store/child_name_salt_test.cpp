// The data directory's secret for child execution names (adapters/store/child_name_salt.hpp):
// made once with its time, read back unchanged by every later start (also after a reopen), and
// a row that is not a secret refuses the start rather than name children another way.

#include "adapters/store/child_name_salt.hpp"

#include "domain/storage_keys.hpp"
#include "domain/write_batch.hpp"
#include "support/temp_dir.hpp"
#include "support/temp_store.hpp"

#include <gtest/gtest.h>

#include <string>

namespace settled::adapters {
namespace {

TEST(ChildNameSalt, MadeOnceAndReadBackAfterAReopen) {
  settled::testing::TempDir dir;
  aws::ChildNameSalt made;
  {
    auto store = settled::testing::open_sized_store(dir.path(), std::size_t{16} << 20);
    auto first = open_child_name_salt(*store, 1234);
    ASSERT_TRUE(first.ok()) << first.error().message;
    made = *first;
    EXPECT_EQ(made.since, 1234);
    EXPECT_EQ(made.secret.size(), 64u);
    EXPECT_EQ(made.secret.find_first_not_of("0123456789abcdef"), std::string::npos);
    auto again = open_child_name_salt(*store, 9999);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->secret, made.secret);
    EXPECT_EQ(again->since, 1234);
  }
  auto reopened = settled::testing::open_sized_store(dir.path(), std::size_t{16} << 20);
  auto read = open_child_name_salt(*reopened, 5555);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->secret, made.secret);
  EXPECT_EQ(read->since, 1234);

  // Another directory gets another secret.
  settled::testing::TempDir other;
  auto elsewhere = settled::testing::open_sized_store(other.path(), std::size_t{16} << 20);
  EXPECT_NE(open_child_name_salt(*elsewhere, 1234)->secret, made.secret);
}

TEST(ChildNameSalt, ARowThatIsNotASecretRefusesTheStart) {
  settled::testing::TempDir dir;
  auto store = settled::testing::open_sized_store(dir.path(), std::size_t{16} << 20);
  for (const std::string& row :
       {std::string(), std::string("1234"), std::string("12 short"), "abc " + std::string(64, '0'),
        "12 " + std::string(64, 'A'), "12 " + std::string(63, 'a')}) {
    WriteBatch batch;
    batch.put(Table::kMeta, std::string(kChildNameSaltKey), row);
    ASSERT_TRUE(store->commit({&batch}).ok());
    auto refused = open_child_name_salt(*store, 1);
    ASSERT_FALSE(refused.ok()) << row;
    EXPECT_NE(refused.error().message.find(std::string(kChildNameSaltKey)), std::string::npos);
  }
}

}  // namespace
}  // namespace settled::adapters
