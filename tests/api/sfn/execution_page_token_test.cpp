// ListExecutions' nextToken (src/api/sfn/execution_page_token.hpp): it gives back the index key
// it was made from, only for its own state machine; changed, truncated or foreign tokens are
// InvalidToken; and it stays short.

#include "api/sfn/execution_page_token.hpp"

#include "domain/storage_keys.hpp"

#include <gtest/gtest.h>

#include <string>

namespace settled::api::sfn {
namespace {

TEST(ExecutionPageToken, GivesBackItsKeyForItsStateMachine) {
  const std::string key = started_key("pay", 1764950000123, "order-17.retry_2");
  const std::string token = execution_page_token("pay", key);
  EXPECT_EQ(token.rfind("ex2.", 0), 0u) << token;
  auto back = execution_page_key("pay", token);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, key);
}

TEST(ExecutionPageToken, IsBoundedForTheLongestName) {
  const std::string name(80, 'n');
  const std::string token = execution_page_token("m", started_key("m", 1, name));
  EXPECT_LE(token.size(), 197u);
  EXPECT_TRUE(execution_page_key("m", token));
}

TEST(ExecutionPageToken, AnotherMachinesOrAChangedTokenIsInvalidToken) {
  const std::string token = execution_page_token("pay", started_key("pay", 1000, "a"));
  auto foreign = execution_page_key("refund", token);
  ASSERT_FALSE(foreign);
  EXPECT_EQ(foreign.error().type, "InvalidToken");
  EXPECT_EQ(foreign.error().status, 400u);
  // Each character changed in turn (the row or its check): refused.
  for (std::size_t i = 4; i < token.size(); ++i) {
    std::string changed = token;
    changed[i] = changed[i] == '0' ? '1' : '0';
    auto refused = execution_page_key("pay", changed);
    EXPECT_FALSE(refused) << changed;
  }
  for (const std::string& bad :
       {std::string(), std::string("ex1:pay:a"), std::string("ex2."), token.substr(0, 20),
        token + "0", std::string("ex2.zz.") + std::string(16, '0'),
        "ex2." + std::string(400, '0') + "." + std::string(16, '0')}) {
    auto refused = execution_page_key("pay", bad);
    ASSERT_FALSE(refused) << bad;
    EXPECT_EQ(refused.error().type, "InvalidToken");
    EXPECT_LE(refused.error().message.size(), 200u);
  }
}

}  // namespace
}  // namespace settled::api::sfn
