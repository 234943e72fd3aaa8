// api-key-hashes entries with an identity and scopes (docs/identities.md): what parses, what the
// start-up check refuses, and the caller each request carries to the routes.

#include "adapters/http/api_keys.hpp"
#include "adapters/http/request_target.hpp"

#include <gtest/gtest.h>

namespace settled::adapters {
namespace {

const std::string kHash = sha256_hex("admin-key");

TEST(ApiKeyIdentities, AHashAloneIsNamedAfterItsFirstDigitsWithNoScope) {
  auto entry = ApiKeys::parse_entry(kHash);
  ASSERT_TRUE(entry) << entry.error().message;
  EXPECT_EQ(entry->hash, kHash);
  EXPECT_EQ(entry->caller.identity, "key-" + kHash.substr(0, 8));
  EXPECT_TRUE(entry->caller.scopes.empty());
  EXPECT_FALSE(entry->caller.has_scope("admin"));
}

TEST(ApiKeyIdentities, IdentityScopesAndHash) {
  auto entry = ApiKeys::parse_entry("alice:admin,support:" + kHash);
  ASSERT_TRUE(entry) << entry.error().message;
  EXPECT_EQ(entry->caller.identity, "alice");
  EXPECT_EQ(entry->caller.scopes, (std::vector<std::string>{"admin", "support"}));
  EXPECT_TRUE(entry->caller.has_scope("support"));
  EXPECT_FALSE(entry->caller.has_scope("root"));
  auto none = ApiKeys::parse_entry("bob::" + kHash);
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_EQ(none->caller.identity, "bob");
  EXPECT_TRUE(none->caller.scopes.empty());
}

TEST(ApiKeyIdentities, BadEntriesSayWhatIsWrong) {
  const auto why = [](const std::string& entry) {
    auto parsed = ApiKeys::parse_entry(entry);
    EXPECT_FALSE(parsed) << entry;
    return parsed ? std::string() : parsed.error().message;
  };
  EXPECT_NE(why("not-a-hash").find("64 hex digits"), std::string::npos);
  EXPECT_NE(why("alice:admin").find("exactly two ':'"), std::string::npos);
  EXPECT_NE(why("a:b:c:" + kHash).find("exactly two ':'"), std::string::npos);
  EXPECT_NE(why(":admin:" + kHash).find("identity must be"), std::string::npos);
  EXPECT_NE(why("al/ice:admin:" + kHash).find("identity must be"), std::string::npos);
  EXPECT_NE(why("alice:admin,,x:" + kHash).find("each scope"), std::string::npos);
  EXPECT_NE(why("alice:ad min:" + kHash).find("each scope"), std::string::npos);
  EXPECT_NE(why("alice:admin:xyz").find("64 hex digits"), std::string::npos);
  EXPECT_NE(why("local:admin:" + kHash).find("reserved"), std::string::npos);
  EXPECT_NE(why("operator::" + kHash).find("reserved"), std::string::npos);
  // The message shows only the entry's start: a key pasted by mistake is not logged whole.
  EXPECT_EQ(why(std::string(80, 'z')).find(std::string(20, 'z')), std::string::npos);
}

TEST(ApiKeyIdentities, TheStartUpCheckRefusesDuplicates) {
  EXPECT_EQ(ApiKeys::check_entries({"alice:admin:" + kHash, sha256_hex("other")}), "");
  EXPECT_NE(ApiKeys::check_entries({"alice:admin:" + kHash, "bob::" + kHash}).find("twice"),
            std::string::npos);
  EXPECT_NE(ApiKeys::check_entries({"alice:admin:" + kHash, "alice::" + sha256_hex("x")})
                .find("two keys"),
            std::string::npos);
  EXPECT_NE(ApiKeys::check_entries({"nope"}).find("64 hex digits"), std::string::npos);
}

TEST(ApiKeyIdentities, TheRoutesSeeTheCallerOfTheKey) {
  Caller seen;
  unsigned status = 0;
  const auto call = [&](const HttpHandler& handler, const std::string& authorization) {
    HttpRequest req;
    req.method = "POST";
    req.target = "/v1/tasks/success";
    req.parsed_target = *parse_request_target(req.target);
    req.authorization = authorization;
    seen = Caller{};
    handler(req, [&](HttpResponse res) { status = res.status; });
  };
  const auto inner = [&](HttpRequest req, HttpResponder respond) {
    seen = req.caller;
    respond(HttpResponse{200, "{}", "application/json", {}});
  };
  auto keyed =
      require_api_key(ApiKeys({"alice:admin:" + sha256_hex("k1"), sha256_hex("k2")}), inner);
  call(keyed, "Bearer k1");
  EXPECT_EQ(status, 200u);
  EXPECT_EQ(seen.identity, "alice");
  EXPECT_TRUE(seen.has_scope("admin"));
  EXPECT_FALSE(seen.every_scope);
  call(keyed, "Bearer k2");
  EXPECT_EQ(seen.identity, "key-" + sha256_hex("k2").substr(0, 8));
  EXPECT_FALSE(seen.has_scope("admin"));
  call(keyed, "Bearer k3");
  EXPECT_EQ(status, 401u);
  // Local-only mode: the one caller there is, on loopback, with every scope.
  auto local = require_api_key(ApiKeys(std::vector<std::string>{}), inner);
  call(local, "");
  EXPECT_EQ(status, 200u);
  EXPECT_EQ(seen.identity, "local");
  EXPECT_TRUE(seen.has_scope("admin"));
}

}  // namespace
}  // namespace settled::adapters
