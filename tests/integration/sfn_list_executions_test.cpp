// ListExecutions through the real daemon (docs/aws-api.md): newest first by start, as on AWS,
// paged with maxResults and nextToken and filtered by status; a token of another state machine
// or a changed one is InvalidToken; and a store from before the executions_by_start index is
// indexed at its first start and lists the same. The business clock is simulated so each start
// has its own second.

#include "adapters/store/lmdb_store.hpp"
#include "domain/storage_keys.hpp"
#include "integration/ops_fixture.hpp"
#include "support/temp_store.hpp"

#include <thread>
#include <vector>

namespace settled::testing {
namespace {

namespace json = boost::json;

const std::string kArnBase = "arn:aws:states:us-east-1:000000000000:";

// Succeeds, or fails when its input says so.
std::string definition() {
  return json::serialize(json::object{
      {"StartAt", "Check"},
      {"States",
       json::object{
           {"Check", json::object{{"Type", "Choice"},
                                  {"Choices", json::array{json::object{{"Variable", "$.fail"},
                                                                       {"IsPresent", true},
                                                                       {"Next", "Fail"}}}},
                                  {"Default", "Done"}}},
           {"Fail", json::object{{"Type", "Fail"}, {"Error", "Asked"}}},
           {"Done", json::object{{"Type", "Succeed"}}}}}});
}

class SfnListExecutions : public OpsTest {
 protected:
  std::vector<std::string> daemon_flags() const override { return {"--clock=simulated"}; }

  json::object ok(const std::string& operation, const json::object& body) {
    auto res = client_->post("/", json::serialize(body),
                             {{"Content-Type", "application/x-amz-json-1.0"},
                              {"X-Amz-Target", "AWSStepFunctions." + operation}});
    EXPECT_EQ(res.status, 200u) << operation << ": " << res.body;
    if (res.status != 200) return {};
    return res.json().as_object();
  }

  std::string error_type(const std::string& operation, const json::object& body) {
    auto res = client_->post("/", json::serialize(body),
                             {{"Content-Type", "application/x-amz-json-1.0"},
                              {"X-Amz-Target", "AWSStepFunctions." + operation}});
    EXPECT_EQ(res.status, 400u) << res.body;
    return res.status == 400 ? std::string(res.json().at("__type").as_string()) : "";
  }

  void create(const std::string& name) {
    ok("CreateStateMachine", {{"name", name},
                              {"definition", definition()},
                              {"roleArn", "arn:aws:iam::000000000000:role/r"}});
  }

  // Starts `name` one second after the previous start.
  void start(const std::string& machine, const std::string& name, bool fail = false) {
    ASSERT_EQ(client_->post("/v1/clock/advance", R"({"by": "1s"})").status, 200u);
    json::object input;
    if (fail) input["fail"] = true;
    ok("StartExecution", {{"stateMachineArn", kArnBase + "stateMachine:" + machine},
                          {"name", name},
                          {"input", json::serialize(input)}});
  }

  // Every page's names for `request`, following nextToken (bounded).
  std::vector<std::vector<std::string>> pages(json::object request) {
    std::vector<std::vector<std::string>> out;
    double previous_start = 1e300;
    for (int guard = 0; guard < 50; ++guard) {
      auto page = ok("ListExecutions", request);
      std::vector<std::string> names;
      for (const auto& e : page["executions"].as_array()) {
        names.emplace_back(e.at("name").as_string());
        const double start_date = e.at("startDate").to_number<double>();
        EXPECT_LE(start_date, previous_start) << e;
        previous_start = start_date;
      }
      out.push_back(names);
      if (!page.if_contains("nextToken")) return out;
      request["nextToken"] = page.at("nextToken");
    }
    ADD_FAILURE() << "no last page";
    return out;
  }

  // The statuses each execution ended with, once all have (bounded).
  void wait_all_closed(const std::string& machine, std::size_t count) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < until) {
      auto running = ok(
          "ListExecutions",
          {{"stateMachineArn", kArnBase + "stateMachine:" + machine}, {"statusFilter", "RUNNING"}});
      auto all = ok("ListExecutions", {{"stateMachineArn", kArnBase + "stateMachine:" + machine}});
      if (running["executions"].as_array().empty() && all["executions"].as_array().size() == count)
        return;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << machine << " executions did not all close";
  }
};

TEST_F(SfnListExecutions, NewestFirstPagedFilteredAndIndexedForAStoreFromBefore) {
  create("orders");
  create("orders-other");
  // Started in this order, one second apart, another machine's in between; names not in order.
  const std::vector<std::string> started{"m", "c", "x", "a", "q"};
  for (std::size_t i = 0; i < started.size(); ++i) {
    start("orders", started[i], i == 1 || i == 3);
    start("orders-other", "other-" + std::to_string(i));
  }
  wait_all_closed("orders", started.size());
  const std::vector<std::string> newest_first(started.rbegin(), started.rend());
  const json::object all{{"stateMachineArn", kArnBase + "stateMachine:orders"}};

  EXPECT_EQ(pages(all), (std::vector<std::vector<std::string>>{newest_first}));
  json::object paged = all;
  paged["maxResults"] = 2;
  const auto by_two = pages(paged);
  EXPECT_EQ(by_two, (std::vector<std::vector<std::string>>{{newest_first[0], newest_first[1]},
                                                           {newest_first[2], newest_first[3]},
                                                           {newest_first[4]}}));
  json::object failed = all;
  failed["statusFilter"] = "FAILED";
  EXPECT_EQ(pages(failed), (std::vector<std::vector<std::string>>{{started[3], started[1]}}));
  failed["statusFilter"] = "SUCCEEDED";
  failed["maxResults"] = 1;
  EXPECT_EQ(pages(failed),
            (std::vector<std::vector<std::string>>{{started[4]}, {started[2]}, {started[0]}}));

  // A token is good for its own state machine only, and only as given.
  auto first = ok("ListExecutions", paged);
  ASSERT_TRUE(first.if_contains("nextToken"));
  const std::string token(first.at("nextToken").as_string());
  EXPECT_LE(token.size(), 1024u);
  EXPECT_EQ(
      error_type("ListExecutions", {{"stateMachineArn", kArnBase + "stateMachine:orders-other"},
                                    {"nextToken", token}}),
      "InvalidToken");
  std::string changed = token;
  changed[5] = changed[5] == 'f' ? 'e' : 'f';
  EXPECT_EQ(error_type("ListExecutions", {{"stateMachineArn", kArnBase + "stateMachine:orders"},
                                          {"nextToken", changed}}),
            "InvalidToken");
  EXPECT_EQ(error_type("ListExecutions", {{"stateMachineArn", kArnBase + "stateMachine:orders"},
                                          {"nextToken", "ex1:orders:m"}}),
            "InvalidToken");

  // A store from before the index: no rows, no mark. Its first start indexes it.
  ASSERT_EQ(daemon_->terminate(), 0);
  {
    auto db = open_stopped_store(dir_.path() + "/var");
    WriteBatch batch;
    std::size_t rows = 0;
    db->scan(Table::kExecutionsByStart, "", [&](std::string_view key, std::string_view) {
      batch.erase(Table::kExecutionsByStart, std::string(key));
      if (key.rfind(started_prefix("orders"), 0) == 0) ++rows;
      return true;
    });
    EXPECT_EQ(rows, started.size());
    ASSERT_TRUE(db->get(Table::kMeta, std::string(kStartedIndexKey)).has_value());
    batch.erase(Table::kMeta, std::string(kStartedIndexKey));
    ASSERT_TRUE(db->commit({&batch}).ok());
  }
  start_with(extra_);
  // Ready means the indexing commit (queued by recovery before the listener opened) is durable:
  // readiness's own store write is committed after it.
  ASSERT_EQ(client_->get("/readyz").status, 200u);
  EXPECT_EQ(pages(paged), by_two);
  start("orders", "after-restart");
  EXPECT_EQ(pages(all)[0].front(), "after-restart");
  ASSERT_EQ(daemon_->terminate(), 0);
  auto db = open_stopped_store(dir_.path() + "/var");
  EXPECT_TRUE(db->get(Table::kMeta, std::string(kStartedIndexKey)).has_value());
}

}  // namespace
}  // namespace settled::testing
