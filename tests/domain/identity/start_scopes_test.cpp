// Tests for start-scopes (src/domain/identity/start_scopes.hpp): parsing the entries, and who may
// start a machine that names a scope.
#include "domain/identity/start_scopes.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace settled::identity {
namespace {

TEST(StartScopes, TheDefaultsParseAndGuardTheGatedWorkflows) {
  auto scopes = parse_start_scopes(default_start_scopes());
  ASSERT_TRUE(scopes.ok()) << scopes.error().message;
  for (const char* machine : {"user-registration", "direct-transfer", "ledger-reconciliation",
                              "webhook-reconciliation", "service-rating", "service-registration"})
    EXPECT_EQ(scopes->at(machine), "admin") << machine;
  EXPECT_EQ(scopes->count("payment"), 0u);
}

TEST(StartScopes, AnEntryThatIsNotMachineColonScopeIsRefusedNamingIt) {
  for (const std::string& bad :
       std::vector<std::string>{"payment", "payment:", ":admin", "pay ment:admin", "payment:ad min",
                                std::string(81, 'm') + ":admin"}) {
    auto scopes = parse_start_scopes({bad});
    ASSERT_FALSE(scopes.ok()) << bad;
    EXPECT_NE(scopes.error().message.find(bad.substr(0, 20)), std::string::npos)
        << scopes.error().message;
  }
  auto twice = parse_start_scopes({"payment:admin", "payment:ops"});
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.error().message.find("named twice"), std::string::npos);
}

TEST(StartScopes, OnlyACallerWithTheScopeStartsAGuardedMachine) {
  const StartScopes scopes = *parse_start_scopes({"direct-transfer:admin", "payroll:finance"});
  const Caller bob{"bob", {"support"}, false};
  auto refused = check_start(scopes, "direct-transfer", bob);
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->code, ErrorCode::kForbidden);
  EXPECT_EQ(refused->message,
            "starting state machine \"direct-transfer\" needs an identity with scope \"admin\"; "
            "\"bob\" does not have it");
  EXPECT_FALSE(check_start(scopes, "payment", bob).has_value());  // not guarded
  EXPECT_FALSE(check_start(scopes, "payroll", Caller{"fin", {"finance"}, false}).has_value());
  EXPECT_TRUE(check_start(scopes, "payroll", Caller{"alice", {"admin"}, false}).has_value());
  EXPECT_FALSE(check_start(scopes, "direct-transfer", Caller::local()).has_value());
  EXPECT_FALSE(check_start(scopes, "direct-transfer", Caller::operator_on_the_box()).has_value());
}

}  // namespace
}  // namespace settled::identity
