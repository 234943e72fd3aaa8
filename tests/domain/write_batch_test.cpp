// Every table maps to its own LMDB database name, and kTableCount covers them all (the store
// opens exactly that many).

#include "domain/write_batch.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace settled {
namespace {

TEST(WriteBatchTables, EveryTableHasItsOwnNameAndIsCounted) {
  std::set<std::string> names;
  for (std::size_t i = 0; i < kTableCount; ++i)
    EXPECT_TRUE(names.insert(table_name(static_cast<Table>(i))).second)
        << "table " << i << " shares the name " << table_name(static_cast<Table>(i));
  EXPECT_EQ(names.size(), kTableCount);
  // The last enumerator is inside the count; one past it would fall back to "meta".
  EXPECT_STREQ(table_name(static_cast<Table>(kTableCount - 1)), "child_executions");
  EXPECT_STREQ(table_name(Table::kMeta), "meta");
}

}  // namespace
}  // namespace settled
