#include "integration/dispute_workflow_fixture.hpp"

#include "support/eventually.hpp"

#include <algorithm>
#include <chrono>

namespace settled::testing {

namespace json = boost::json;

void DisputeWorkflowTest::accepted(const std::string& id, const std::string& requester,
                                   json::value hours) {
  const std::string exec = request(id, requester, "bob", "svc-garden", std::move(hours));
  answer(token(id, "provider-response"), {{"response", "ACCEPTED"}});
  const auto done = wait_final(exec);
  ASSERT_EQ(std::string(done.at("status").as_string()), "SUCCEEDED") << json::serialize(done);
  await_request_status(id, "ACCEPTED");
}

std::string DisputeWorkflowTest::dispute(const std::string& name, const json::object& input) {
  auto res = start_execution("dispute", name, input);
  EXPECT_EQ(res.status, 201u) << res.body;
  return "dispute:" + name;
}

std::string DisputeWorkflowTest::accepted_and_disputed(const std::string& id, json::value hours,
                                                       const std::string& raised_by,
                                                       const std::string& type) {
  register_service("svc-garden", "bob");
  fund("alice", 1000);
  accepted(id, "alice", std::move(hours));
  return dispute(id, {{"requestId", id},
                      {"raisedBy", raised_by},
                      {"disputeType", type},
                      {"description", "about " + type}});
}

std::string DisputeWorkflowTest::admin_token(const std::string& request_id,
                                             const std::string& previous) {
  std::string found;
  const bool seen = eventually(
      [&] {
        auto r = record("admin_inbox", request_id + ":dispute");
        if (!r) return false;
        found = std::string(r->at("token").as_string());
        return found != previous;
      },
      std::chrono::seconds(20));
  EXPECT_TRUE(seen) << "no new token in admin_inbox/" << request_id << ":dispute";
  return seen ? found : std::string();
}

std::vector<std::string> DisputeWorkflowTest::dispute_notifications(const std::string& user) {
  auto res = client_->get("/v1/users/" + user + "/notifications?limit=100");
  EXPECT_EQ(res.status, 200u) << res.body;
  std::vector<std::string> types;
  if (res.status != 200) return types;
  const json::value body = res.json();
  for (const auto& n : body.at("notifications").as_array()) {
    const std::string type(n.at("type").as_string());
    if (type.rfind("DISPUTE_", 0) == 0) types.push_back(type);
  }
  std::reverse(types.begin(), types.end());  // the inbox lists newest first
  return types;
}

std::size_t DisputeWorkflowTest::history_mentions(const std::string& execution,
                                                  const std::string& text) {
  std::size_t n = 0;
  for (const auto& event : history(execution))
    n += json::serialize(event).find(text) != std::string::npos;
  return n;
}

json::value DisputeWorkflowTest::dispute_field(const std::string& request_id,
                                               const std::string& field) {
  auto r = record("disputes", request_id);
  if (!r) return nullptr;
  const json::value* v = r->if_contains(field);
  return v ? *v : json::value(nullptr);
}

}  // namespace settled::testing
