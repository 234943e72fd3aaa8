#include "integration/aws_example_fixture.hpp"

#include "support/build_paths.hpp"
#include "support/eventually.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>

namespace settled::testing::aws_example {

namespace json = boost::json;

std::string dir(const std::string& seed) {
  return std::string(SETTLED_SOURCE_DIR) + "/examples/aws/" + seed;
}

void copy_workflows(const std::string& seed, const std::string& workflows_dir) {
  for (const auto& entry : std::filesystem::directory_iterator(dir(seed) + "/workflows"))
    std::filesystem::copy_file(entry.path(), workflows_dir + "/" + entry.path().filename().string(),
                               std::filesystem::copy_options::overwrite_existing);
}

HttpResult sfn(HttpClient& client, const std::string& operation, const json::object& body) {
  return client.post("/", json::serialize(body),
                     {{"Content-Type", "application/x-amz-json-1.0"},
                      {"X-Amz-Target", "AWSStepFunctions." + operation}});
}

std::string stored_token(HttpClient& client, const std::string& table, const std::string& key,
                         const std::string& previous, const std::string& field) {
  std::string token;
  const bool stored = eventually(
      [&] {
        auto res = client.get("/v1/records/" + table + "/" + key);
        if (res.status != 200) return false;
        token = std::string(res.json().at("record").at(field).as_string());
        return token != previous;
      },
      std::chrono::seconds(30), std::chrono::milliseconds(20));
  EXPECT_TRUE(stored) << "no new token under " << table << "/" << key;
  return stored ? token : std::string();
}

void send_task_success(HttpClient& client, const std::string& token, const json::value& output) {
  auto res =
      sfn(client, "SendTaskSuccess", {{"taskToken", token}, {"output", json::serialize(output)}});
  EXPECT_EQ(res.status, 200u) << res.body;
}

std::vector<std::string> resources_scheduled(HttpClient& client, const std::string& arn) {
  auto res = sfn(client, "GetExecutionHistory", {{"executionArn", arn}, {"maxResults", 1000}});
  EXPECT_EQ(res.status, 200u) << res.body;
  std::vector<std::string> out;
  if (res.status != 200) return out;
  const auto body = res.json();
  for (const auto& e : body.at("events").as_array()) {
    if (const auto* task = e.as_object().if_contains("taskScheduledEventDetails"))
      out.push_back(std::string(task->at("resourceType").as_string()) + ":" +
                    std::string(task->at("resource").as_string()));
    if (const auto* fn = e.as_object().if_contains("lambdaFunctionScheduledEventDetails"))
      out.push_back("function:" + std::string(fn->at("resource").as_string()));
  }
  return out;
}

}  // namespace settled::testing::aws_example
