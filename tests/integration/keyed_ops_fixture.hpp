#pragma once
// A daemon with API keys that name identities and scopes (docs/identities.md), and the requests
// of the tests that use them: every /v1 request carries one of the keys.
//   alice: scope admin      bob: scope support      a bare hash: key-<8 hex>, no scope

#include "integration/ops_fixture.hpp"

#include <boost/json.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace settled::testing {

class KeyedOpsTest : public OpsTest {
 protected:
  static constexpr const char* kAlice = "sk_alice_admin";
  static constexpr const char* kBob = "sk_bob_support";
  static constexpr const char* kBare = "sk_bare_key";

  // The keys above, and any flags a test adds.
  std::vector<std::string> daemon_flags() const override;

  static std::string bare_identity();

  HttpResult get_as(const std::string& key, const std::string& target);
  HttpResult post_as(const std::string& key, const std::string& target,
                     const boost::json::value& body);

  // Polls GET /v1/executions/{id} (with alice's key) until it leaves RUNNING.
  boost::json::object wait_final_as_admin(const std::string& id,
                                          std::chrono::seconds deadline = std::chrono::seconds(20));

  // Polls GET /v1/records/{collection}/{key} (with alice's key) until it exists.
  boost::json::value wait_record(const std::string& collection, const std::string& key,
                                 std::chrono::seconds deadline = std::chrono::seconds(10));

  std::vector<std::string> more_flags_;
};

}  // namespace settled::testing
