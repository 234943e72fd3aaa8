// Task tokens only an identity with a scope may answer (docs/identities.md), through the real
// daemon with API keys that name identities: a caller without the scope gets 403 and the
// execution still waits; one with it resumes the workflow with "answeredBy" set by the daemon;
// settlectl is the operator with every scope; a token without requiredScope is as before. Also
// the start-up check of api-key-hashes entries.

#include "integration/keyed_ops_fixture.hpp"

#include "adapters/http/api_keys.hpp"

namespace settled::testing {
namespace {

namespace json = boost::json;

// Publishes its token in records decisions/<execution name>, then waits for it.
std::string decision_workflow(bool scoped) {
  json::object parameters{
      {"collection", "decisions"},
      {"key.$", "$$.Execution.Name"},
      {"record", json::object{{"token.$", "$$.Task.Token"}, {"caseId.$", "$.caseId"}}}};
  if (scoped) parameters["requiredScope"] = "admin";
  json::object ask{{"Type", "Task"},
                   {"Resource", "settled:records.put.waitForTaskToken"},
                   {"Parameters", parameters},
                   {"TimeoutSeconds", 600},
                   {"ResultPath", "$.decision"},
                   {"Catch", json::array{json::object{{"ErrorEquals", json::array{"Case.Refused"}},
                                                      {"ResultPath", "$.refusal"},
                                                      {"Next", "Refused"}}}},
                   {"Next", "Decided"}};
  json::object pass{{"Type", "Pass"}, {"End", true}};
  return json::serialize(json::object{
      {"StartAt", "Ask"}, {"States", {{"Ask", ask}, {"Decided", pass}, {"Refused", pass}}}});
}

class ScopedTaskTokens : public KeyedOpsTest {
 protected:
  void add_workflows() override {
    write_workflow("admin-decision", decision_workflow(true));
    write_workflow("any-decision", decision_workflow(false));
  }

  std::string start_and_get_token(const std::string& machine, const std::string& name) {
    auto res = post_as(
        kAlice, "/v1/executions",
        json::object{{"stateMachine", machine}, {"name", name}, {"input", {{"caseId", name}}}});
    EXPECT_EQ(res.status, 201u) << res.body;
    const json::value record = wait_record("decisions", name);
    if (!record.is_object()) return "";
    // The scope is the engine's: the resource never saw it.
    EXPECT_FALSE(record.at("record").as_object().contains("requiredScope"))
        << json::serialize(record);
    return std::string(record.at("record").at("token").as_string());
  }

  HttpResult answer(const std::string& key, const std::string& kind, json::object body) {
    return post_as(key, "/v1/tasks/" + kind, body);
  }
};

TEST_F(ScopedTaskTokens, ACallerWithoutTheScopeIsForbiddenAndTheExecutionStillWaits) {
  const std::string token = start_and_get_token("admin-decision", "case-1");
  ASSERT_EQ(token.size(), 32u);
  for (const char* key : {kBob, kBare}) {
    for (const auto& [kind, body] : std::vector<std::pair<std::string, json::object>>{
             {"success", {{"taskToken", token}, {"output", {{"decision", "REFUND"}}}}},
             {"failure", {{"taskToken", token}, {"error", "Case.Refused"}, {"cause", "no"}}},
             {"heartbeat", {{"taskToken", token}}}}) {
      auto refused = answer(key, kind, body);
      EXPECT_EQ(refused.status, 403u) << key << " " << kind << ": " << refused.body;
      EXPECT_EQ(refused.json().at("error"), "Forbidden") << refused.body;
      EXPECT_NE(refused.body.find("admin"), std::string::npos) << refused.body;
    }
  }
  auto still = get_as(kAlice, "/v1/executions/admin-decision:case-1").json();
  EXPECT_EQ(still.at("status"), "RUNNING") << json::serialize(still);

  // The admin's answer goes through; a client-sent answeredBy is overwritten.
  auto ok = answer(
      kAlice, "success",
      {{"taskToken", token}, {"output", {{"decision", "REFUND"}, {"answeredBy", "mallory"}}}});
  ASSERT_EQ(ok.status, 200u) << ok.body;
  auto done = wait_final_as_admin("admin-decision:case-1");
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  EXPECT_EQ(done.at("output").at("decision"),
            (json::object{{"decision", "REFUND"}, {"answeredBy", "alice"}}));
  // Single-use as before.
  EXPECT_EQ(answer(kAlice, "success", {{"taskToken", token}, {"output", "{}"}}).status, 409u);
}

TEST_F(ScopedTaskTokens, AnAdminFailureCarriesWhoInTheCause) {
  const std::string token = start_and_get_token("admin-decision", "case-2");
  auto ok = answer(kAlice, "failure",
                   {{"taskToken", token}, {"error", "Case.Refused"}, {"cause", "not eligible"}});
  ASSERT_EQ(ok.status, 200u) << ok.body;
  auto done = wait_final_as_admin("admin-decision:case-2");
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  const auto& refusal = done.at("output").at("refusal");
  EXPECT_EQ(refusal.at("Error"), "Case.Refused");
  EXPECT_EQ(json::parse(refusal.at("Cause").as_string()),
            (json::object{{"cause", "not eligible"}, {"answeredBy", "alice"}}));
}

TEST_F(ScopedTaskTokens, SettlectlIsTheOperatorWithEveryScope) {
  const std::string token = start_and_get_token("admin-decision", "case-3");
  auto r = ctl({"tasks", "success", token, R"({"decision":"DISMISSED"})"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  auto done = wait_final_as_admin("admin-decision:case-3");
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  EXPECT_EQ(done.at("output").at("decision"),
            (json::object{{"decision", "DISMISSED"}, {"answeredBy", "operator"}}));
}

TEST_F(ScopedTaskTokens, ATokenWithoutRequiredScopeIsAnsweredAsBefore) {
  const std::string token = start_and_get_token("any-decision", "case-4");
  auto ok = answer(kBare, "success", {{"taskToken", token}, {"output", {{"decision", "OK"}}}});
  ASSERT_EQ(ok.status, 200u) << ok.body;
  auto done = wait_final_as_admin("any-decision:case-4");
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  // Exactly what was sent: no answeredBy.
  EXPECT_EQ(done.at("output").at("decision"), (json::object{{"decision", "OK"}}));
}

std::string start_refusal(const std::string& keys) {
  TempDir dir;
  DaemonProcess daemon(SETTLED_BINARY,
                       {"--http=127.0.0.1:0", "--data-dir=" + dir.path() + "/var",
                        "--workflows-dir=" + std::string(SETTLED_SOURCE_DIR) + "/config/workflows",
                        "--api-key-hashes=" + keys});
  try {
    daemon.wait_ready(std::chrono::seconds(20));
  } catch (const std::exception& e) {
    return e.what();
  }
  ADD_FAILURE() << "settled started with api-key-hashes=" << keys;
  return {};
}

TEST(ApiKeyEntries, ABadEntryStopsTheDaemonSayingWhy) {
  const std::string hash = adapters::sha256_hex("k");
  const std::vector<std::pair<std::string, std::string>> cases{
      {"[\"alice:admin\"]", "exactly two ':'"},
      {"[\"al/ice:admin:" + hash + "\"]", "the identity must be"},
      {"[\"alice:ad min:" + hash + "\"]", "each scope"},
      {"[\"alice:admin:" + hash + "\",\"bob::" + hash + "\"]", "the same key is configured twice"},
      {"[\"operator:admin:" + hash + "\"]", "reserved"},
  };
  for (const auto& [keys, why] : cases) {
    const std::string out = start_refusal(keys);
    EXPECT_NE(out.find("invalid value for api-key-hashes"), std::string::npos) << keys << out;
    EXPECT_NE(out.find(why), std::string::npos) << keys << ": " << out;
  }
}

}  // namespace
}  // namespace settled::testing
