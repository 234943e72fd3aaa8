// Versioned state machines through the real daemon: PUT /v1/state-machines/{name} registers a
// new version (durable before the 201), new executions use the latest, running ones keep the
// version they started on, refusals change nothing, versions survive a restart, and an edited
// workflow file becomes a new version on reload.

#include "adapters/http/api_keys.hpp"
#include "integration/ops_fixture.hpp"

#include <boost/beast/http/verb.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <utility>
#include <vector>

namespace settled::testing {
namespace {

namespace json = boost::json;
using boost::beast::http::verb;

// Waits `seconds`, then ends with {"v": <version>}: which definition ran is in the output.
std::string tagged(int version, int seconds = 0) {
  json::object done{{"Type", "Pass"}, {"Result", json::object{{"v", version}}}, {"End", true}};
  if (seconds == 0)
    return json::serialize(json::object{{"StartAt", "Done"}, {"States", {{"Done", done}}}});
  json::object wait{{"Type", "Wait"}, {"Seconds", seconds}, {"Next", "Done"}};
  return json::serialize(
      json::object{{"StartAt", "Hold"}, {"States", {{"Hold", wait}, {"Done", done}}}});
}

class StateMachines : public OpsTest {
 protected:
  void add_workflows() override { write_workflow("edited", tagged(1)); }

  HttpResult put(const std::string& name, const std::string& definition) {
    return client_->request(verb::put, "/v1/state-machines/" + name, definition);
  }

  HttpResult start(const std::string& machine, const std::string& name) {
    return client_->post(
        "/v1/executions",
        json::serialize(
            json::object{{"stateMachine", machine}, {"name", name}, {"input", json::object{}}}));
  }

  // Starts an execution and returns its id.
  std::string started(const std::string& machine, const std::string& name) {
    auto res = start(machine, name);
    EXPECT_EQ(res.status, 201u) << res.body;
    return std::string(res.json().at("executionId").as_string());
  }

  std::int64_t output_version(const std::string& execution_id) {
    auto done = wait_final(execution_id);
    EXPECT_EQ(done["status"], "SUCCEEDED") << json::serialize(done);
    return done["output"].at("v").as_int64();
  }

  // One page of GET /v1/state-machines`query`, as name -> version in the order listed.
  std::vector<std::pair<std::string, std::int64_t>> page(const std::string& query, bool* has_more) {
    auto res = client_->get("/v1/state-machines" + query);
    EXPECT_EQ(res.status, 200u) << res.body;
    std::vector<std::pair<std::string, std::int64_t>> machines;
    if (res.status != 200u) return machines;
    const auto listed = res.json();
    for (const auto& m : listed.at("stateMachines").as_array()) {
      EXPECT_TRUE(m.as_object().contains("registeredAt"));
      machines.emplace_back(m.at("name").as_string(), m.at("version").as_int64());
    }
    *has_more = listed.at("has_more").as_bool();
    return machines;
  }

  // Every listed state machine's latest version, read a page (the default 10) at a time.
  std::map<std::string, std::int64_t> listed_versions() {
    std::map<std::string, std::int64_t> versions;
    bool more = true;
    for (std::string after; more && versions.size() < 1000;) {
      const auto machines = page(after.empty() ? "" : "?starting_after=" + after, &more);
      EXPECT_LE(machines.size(), 10u);
      if (machines.empty()) break;
      versions.insert(machines.begin(), machines.end());
      after = machines.back().first;
    }
    return versions;
  }

  json::object described(const std::string& name) {
    auto res = client_->get("/v1/state-machines/" + name);
    EXPECT_EQ(res.status, 200u) << res.body;
    return res.json().as_object();
  }
};

TEST_F(StateMachines, PutRegistersVersionsAndNewExecutionsUseTheLatest) {
  auto first = put("orders", tagged(1, 1));
  ASSERT_EQ(first.status, 201u) << first.body;
  EXPECT_EQ(first.json(), json::parse(R"({"name": "orders", "version": 1, "created": true})"));
  const std::string on_v1 = started("orders", "a");

  auto second = put("orders", tagged(2));
  ASSERT_EQ(second.status, 201u) << second.body;
  EXPECT_EQ(second.json().at("version").as_int64(), 2);
  const std::string on_v2 = started("orders", "b");

  EXPECT_EQ(output_version(on_v1), 1);  // started on v1 and kept it while v2 came
  EXPECT_EQ(output_version(on_v2), 2);

  auto latest = described("orders");
  EXPECT_EQ(latest["version"].as_int64(), 2);
  EXPECT_EQ(latest["source"], "api");
  EXPECT_EQ(latest["definition"], json::parse(tagged(2)));
  EXPECT_EQ(latest["sha256"].as_string().size(), 64u);
  ASSERT_EQ(latest["versions"].as_array().size(), 2u);
  EXPECT_EQ(latest["versions"].as_array()[0].at("version").as_int64(), 1);
  EXPECT_FALSE(latest["versions"].as_array()[0].as_object().contains("definition"));

  auto v1 = client_->get("/v1/state-machines/orders/versions/1");
  ASSERT_EQ(v1.status, 200u) << v1.body;
  EXPECT_EQ(v1.json().at("definition"), json::parse(tagged(1, 1)));
  EXPECT_EQ(v1.json().at("version").as_int64(), 1);

  auto versions = listed_versions();
  EXPECT_EQ(versions["orders"], 2);
  EXPECT_EQ(versions["payment"], 1);  // the shipped files are versions too

  // The same definition again, formatted and ordered differently: the latest, nothing new.
  auto v2 = json::parse(tagged(2)).as_object();
  json::object reordered{{"States", v2["States"]}, {"StartAt", v2["StartAt"]}};
  auto same = put("orders", json::serialize(reordered) + "\n\n");
  EXPECT_EQ(same.status, 200u) << same.body;
  EXPECT_EQ(same.json(), json::parse(R"({"name": "orders", "version": 2, "created": false})"));
  EXPECT_EQ(described("orders")["versions"].as_array().size(), 2u);
}

// Unpaged, GET /v1/state-machines answered every state machine ever stored in one response.
TEST_F(StateMachines, TheListIsPagedInNameOrderAndRefusesABadLimitOrCursor) {
  ASSERT_EQ(put("orders", tagged(1)).status, 201u);
  bool more = false;
  const auto all = page("?limit=100", &more);
  EXPECT_FALSE(more);
  ASSERT_GT(all.size(), 20u);  // the shipped workflows, "edited" and "orders"
  EXPECT_TRUE(std::is_sorted(all.begin(), all.end()));
  EXPECT_EQ(std::count(all.begin(), all.end(), std::make_pair(std::string("orders"), 1L)), 1);

  const auto first = page("", &more);
  EXPECT_TRUE(more);
  EXPECT_EQ(first, decltype(all)(all.begin(), all.begin() + 10));
  std::vector<std::pair<std::string, std::int64_t>> paged;
  for (std::string after;;) {
    const auto machines =
        page("?limit=7" + (after.empty() ? "" : "&starting_after=" + after), &more);
    ASSERT_LE(machines.size(), 7u);
    paged.insert(paged.end(), machines.begin(), machines.end());
    if (!more || machines.empty()) break;
    after = machines.back().first;
  }
  EXPECT_EQ(paged, all);
  EXPECT_TRUE(page("?starting_after=" + all.back().first, &more).empty());
  EXPECT_FALSE(more);

  for (const char* query : {"?limit=0", "?limit=101", "?limit=abc", "?limit=-1",
                            "?limit=", "?starting_after=", "?starting_after=no%20such%20name"}) {
    auto refused = client_->get(std::string("/v1/state-machines") + query);
    EXPECT_EQ(refused.status, 400u) << query << " " << refused.body;
    EXPECT_EQ(refused.json().at("error"), "InvalidRequest") << query;
    EXPECT_TRUE(refused.json().as_object().contains("message")) << query;
  }
}

// "Does not exist" repeated the name it was given whole: a name of 10 kB in the URL (100 kB in
// a body) came back in the message. One longer than any name of its kind is quoted cut to 64
// bytes; one within the limit, whole.
TEST_F(StateMachines, NotFoundQuotesANameLongerThanAnyCutShort) {
  const std::string huge(10000, 'x');
  const std::string cut = std::string(64, 'x') + "...";
  const auto message = [](const HttpResult& r) {
    return std::string(r.json().at("message").as_string());
  };
  const auto named = [&](const HttpResult& r, const std::string& expected, unsigned status) {
    EXPECT_EQ(r.status, status) << r.body.substr(0, 300);
    EXPECT_LT(r.body.size(), 400u) << r.body.substr(0, 300);
    EXPECT_NE(message(r).find("\"" + expected + "\""), std::string::npos) << message(r);
  };
  named(client_->get("/v1/state-machines/" + huge), cut, 404);
  named(client_->get("/v1/state-machines/" + huge + "/versions/1"), cut, 404);
  named(client_->get("/v1/state-machines/edited/versions/" + std::string(10000, '9')),
        std::string(64, '9') + "...", 400);
  named(client_->get("/v1/state-machines/edited/versions/" + huge), cut, 400);
  named(client_->get("/v1/executions/" + huge), cut, 404);
  named(client_->get("/v1/executions/" + huge + "/history"), cut, 404);
  named(start(std::string(100000, 'x'), "n-1"), cut, 404);
  const auto stop = ctl({"executions", "stop", huge});
  EXPECT_EQ(stop.code, 1);
  EXPECT_NE(stop.err.find("\"" + cut + "\" does not exist"), std::string::npos)
      << stop.err.substr(0, 300);
  const auto describe = ctl({"executions", "describe", huge});
  EXPECT_NE(describe.err.find("\"" + cut + "\" does not exist"), std::string::npos)
      << describe.err.substr(0, 300);

  // Names within their limits, unknown, are quoted whole as before.
  const std::string longest(80, 'n');
  EXPECT_EQ(message(client_->get("/v1/state-machines/" + longest)),
            "state machine \"" + longest + "\" does not exist");
  EXPECT_EQ(message(client_->get("/v1/state-machines/edited/versions/99")),
            "state machine \"edited\" has no version 99");
  EXPECT_EQ(message(start(longest, "n-1")), "state machine \"" + longest + "\" does not exist");
  const std::string id = longest + ":" + std::string(80, 'e');
  EXPECT_EQ(message(client_->get("/v1/executions/" + id)),
            "execution \"" + id + "\" does not exist");
}

TEST_F(StateMachines, AnExecutionKeepsItsVersionAcrossAKillAndRestart) {
  ASSERT_EQ(put("orders", tagged(1, 3)).status, 201u);
  const std::string on_v1 = started("orders", "kept");
  ASSERT_EQ(put("orders", tagged(2)).status, 201u);
  // It waits (passivated) while the daemon dies; it comes back on v1, not the latest.
  client_.reset();
  daemon_->kill9();
  start_with(extra_);
  EXPECT_EQ(output_version(on_v1), 1);
  auto described_execution = client_->get("/v1/executions/" + on_v1);
  EXPECT_EQ(described_execution.json().at("stateMachineVersion"), 1);
  EXPECT_EQ(output_version(started("orders", "fresh")), 2);
}

TEST_F(StateMachines, AnInvalidDefinitionIsRefusedWithItsPathsAndChangesNothing) {
  ASSERT_EQ(put("orders", tagged(1)).status, 201u);
  auto refused = put("orders", R"({"StartAt": "Missing", "States": {
      "A": {"Type": "Pass", "Next": "Nowhere"},
      "B": {"Type": "Wait", "End": true}}})");
  EXPECT_EQ(refused.status, 400u);
  const auto body = refused.json().as_object();
  EXPECT_EQ(body.size(), 2u) << refused.body;  // the one error shape: {error, message}
  EXPECT_EQ(body.at("error"), "InvalidDefinition");
  const std::string message(body.at("message").as_string());
  EXPECT_NE(message.find("$.StartAt"), std::string::npos) << message;
  EXPECT_NE(message.find("$.States['A']"), std::string::npos) << message;
  EXPECT_NE(message.find("$.States['B']"), std::string::npos) << message;

  auto latest = described("orders");
  EXPECT_EQ(latest["version"].as_int64(), 1);
  EXPECT_EQ(latest["versions"].as_array().size(), 1u);
  EXPECT_EQ(output_version(started("orders", "a")), 1);

  EXPECT_EQ(put("neworders", R"({"StartAt": 1})").status, 400u);
  EXPECT_EQ(client_->get("/v1/state-machines/neworders").status, 404u);  // nothing stored
  EXPECT_EQ(start("neworders", "x").status, 404u);

  auto not_json = put("orders", "{\"StartAt\":");
  EXPECT_EQ(not_json.status, 400u);
  EXPECT_EQ(not_json.json().at("error"), "InvalidJson");
  auto bad_name = put("bad.name", tagged(1));
  EXPECT_EQ(bad_name.status, 400u);
  EXPECT_EQ(bad_name.json().at("error"), "InvalidRequest");
  EXPECT_EQ(put(std::string(81, 'a'), tagged(1)).status, 400u);
  EXPECT_EQ(put(std::string(80, 'a'), tagged(1)).status, 201u);

  auto unknown = client_->get("/v1/state-machines/nope");
  EXPECT_EQ(unknown.status, 404u);
  EXPECT_EQ(unknown.json().at("error"), "StateMachineDoesNotExist");
  EXPECT_EQ(client_->get("/v1/state-machines/orders/versions/2").status, 404u);
  EXPECT_EQ(client_->get("/v1/state-machines/orders/versions/x").status, 400u);
  EXPECT_EQ(client_->post("/v1/state-machines/orders", tagged(1)).status, 405u);
}

TEST_F(StateMachines, VersionsSurviveARestart) {
  ASSERT_EQ(put("orders", tagged(1)).status, 201u);
  ASSERT_EQ(put("orders", tagged(2)).status, 201u);
  const auto payment_before = described("payment");
  restart();
  auto latest = described("orders");
  EXPECT_EQ(latest["version"].as_int64(), 2);
  EXPECT_EQ(latest["versions"].as_array().size(), 2u);
  EXPECT_EQ(output_version(started("orders", "after")), 2);
  EXPECT_EQ(put("orders", tagged(2)).status, 200u);
  EXPECT_EQ(put("orders", tagged(1)).json().at("version").as_int64(), 3);
  // An unchanged file is not a new version at start.
  EXPECT_EQ(described("payment"), payment_before);
}

TEST_F(StateMachines, AnEditedFileBecomesANewVersionOnReloadAndRegisterDoesAsPut) {
  auto v1 = described("edited");
  EXPECT_EQ(v1["version"].as_int64(), 1);
  EXPECT_EQ(v1["source"], "file");
  EXPECT_EQ(output_version(started("edited", "a")), 1);

  write_workflow("edited", tagged(2));
  auto reload = ctl_json({"workflows", "reload"});
  EXPECT_EQ(reload.at("registered"), json::parse(R"([{"name": "edited", "version": 2}])"))
      << reload;
  EXPECT_EQ(described("edited")["version"].as_int64(), 2);
  EXPECT_EQ(output_version(started("edited", "b")), 2);
  EXPECT_TRUE(ctl_json({"workflows", "reload"}).at("registered").as_array().empty());

  const std::string file = dir_.path() + "/v3.asl.json";
  std::ofstream(file) << tagged(3);
  auto registered = ctl_json({"workflows", "register", "edited", file});
  EXPECT_EQ(registered, json::parse(R"({"name": "edited", "version": 3, "created": true})"));
  auto again = ctl({"workflows", "register", "edited", file});
  EXPECT_EQ(again.code, 0) << again.err;
  EXPECT_NE(again.out.find("edited: version 3 (unchanged"), std::string::npos) << again.out;
  EXPECT_EQ(output_version(started("edited", "c")), 3);

  const std::string bad = dir_.path() + "/bad.asl.json";
  std::ofstream(bad) << R"({"StartAt": "Missing", "States": {"A": {"Type": "Succeed"}}})";
  auto refused = ctl({"workflows", "register", "edited", bad});
  EXPECT_EQ(refused.code, 1);
  EXPECT_NE(refused.err.find("InvalidDefinition"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("$.StartAt"), std::string::npos) << refused.err;

  bool found = false;
  const auto listed = ctl_json({"workflows", "list"});
  for (const auto& m : listed.at("stateMachines").as_array()) {
    if (m.at("name") != "edited") continue;
    found = true;
    EXPECT_EQ(m.at("version").as_int64(), 3);
    EXPECT_EQ(m.at("versions").as_int64(), 3);
    EXPECT_EQ(m.at("source"), "api");
  }
  EXPECT_TRUE(found);
  auto table = ctl({"workflows", "list"});
  EXPECT_NE(table.out.find("VERSION"), std::string::npos) << table.out;
}

constexpr const char* kKey = "sk_test_versions";                 // ops:admin
constexpr const char* kServiceKey = "sk_test_versions_service";  // a service key, no scope

class StateMachinesWithKeys : public StateMachines {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(workflows_dir());
    add_workflows();
    start_with({"--api-key-hashes=[\"ops:admin:" + adapters::sha256_hex(kKey) + "\", \"" +
                adapters::sha256_hex(kServiceKey) + "\"]"});
  }
};

TEST_F(StateMachinesWithKeys, RegistrationNeedsTheApiKey) {
  auto missing = put("orders", tagged(1));
  EXPECT_EQ(missing.status, 401u);
  EXPECT_EQ(missing.json().at("error"), "Unauthorized");
  EXPECT_EQ(client_->get("/v1/state-machines").status, 401u);
  auto ok = client_->request(verb::put, "/v1/state-machines/orders", tagged(1),
                             {{"Authorization", std::string("Bearer ") + kKey}});
  EXPECT_EQ(ok.status, 201u) << ok.body;
}

// A definition may move money with the ledger's tasks (a transfer of kind "bonus" mints it):
// a key without scope "admin" may start executions but not register or replace what they run.
TEST_F(StateMachinesWithKeys, RegistrationNeedsScopeAdmin) {
  const std::pair<std::string, std::string> service{"Authorization",
                                                    std::string("Bearer ") + kServiceKey};
  const std::string mint =
      R"({"StartAt":"Mint","States":{"Mint":{"Type":"Task","Resource":"settled:ledger.transfer",)"
      R"("Parameters":{"to":"w","amount":100000000,"currency":"USD","kind":"bonus"},"End":true}}})";
  auto refused = client_->request(verb::put, "/v1/state-machines/mint", mint, {service});
  EXPECT_EQ(refused.status, 403u) << refused.body;
  EXPECT_EQ(refused.json().at("error"), "Forbidden");
  EXPECT_NE(std::string(refused.json().at("message").as_string()).find("scope \"admin\""),
            std::string::npos)
      << refused.body;
  // Nothing was registered, and a shipped definition cannot be replaced either.
  EXPECT_EQ(client_->request(verb::get, "/v1/state-machines/mint", "", {service}).status, 404u);
  auto replaced = client_->request(verb::put, "/v1/state-machines/orders", tagged(9), {service});
  EXPECT_EQ(replaced.status, 403u) << replaced.body;
  // The service key still reads them.
  EXPECT_EQ(client_->request(verb::get, "/v1/state-machines", "", {service}).status, 200u);
}

}  // namespace
}  // namespace settled::testing
