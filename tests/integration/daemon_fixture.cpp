#include "integration/daemon_fixture.hpp"

namespace settled::testing {

std::vector<std::string> DaemonTest::daemon_args() const {
  return {"--data-dir=" + dir_.path() + "/var", "--http=127.0.0.1:0",
          "--workflows-dir=" + std::string(SETTLED_SOURCE_DIR) + "/config/workflows"};
}

void DaemonTest::start() {
  daemon_ =
      std::make_unique<DaemonProcess>(SETTLED_BINARY, daemon_args(), dir_.path() + "/daemon.log");
  port_ = daemon_->wait_ready();
  client_ = std::make_unique<HttpClient>("127.0.0.1", port_);
}

void DaemonTest::restart_after_kill() {
  client_.reset();
  daemon_->kill9();
  start();
}

std::string DaemonTest::payment_body(const std::string& id, const std::string& method,
                                     std::int64_t amount) {
  boost::json::object input{{"paymentId", id},
                            {"customerId", "c-" + id},
                            {"amount", amount},
                            {"currency", "USD"},
                            {"paymentMethod", method}};
  return boost::json::serialize(
      boost::json::object{{"stateMachine", "payment"}, {"name", id}, {"input", input}});
}

HttpResult DaemonTest::start_payment(const std::string& id, const std::string& method,
                                     std::int64_t amount) {
  return client_->post("/v1/executions", payment_body(id, method, amount));
}

HttpResult DaemonTest::start_execution(const std::string& machine, const std::string& name,
                                       boost::json::object input) {
  return client_->post(
      "/v1/executions",
      boost::json::serialize(boost::json::object{
          {"stateMachine", machine}, {"name", name}, {"input", std::move(input)}}));
}

boost::json::object DaemonTest::wait_final(const std::string& execution_id,
                                           std::chrono::seconds deadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < until) {
    auto res = client_->get("/v1/executions/" + execution_id);
    if (res.status == 200) {
      auto body = res.json().as_object();
      if (body.at("status").as_string() != "RUNNING") return body;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ADD_FAILURE() << "execution " << execution_id << " did not finish within " << deadline.count()
                << " s";
  return {};
}

boost::json::array DaemonTest::history(const std::string& execution_id) {
  auto res = client_->get("/v1/executions/" + execution_id + "/history");
  EXPECT_EQ(res.status, 200u) << res.body;
  return res.json().at("events").as_array();
}

std::map<std::string, int> DaemonTest::charges() {
  std::map<std::string, int> out;
  for (const auto& intent : payment_intents()) {
    if (intent.at("status").as_string() != "succeeded") continue;
    out[std::string(intent.at("metadata").at("paymentId").as_string())] += 1;
  }
  return out;
}

boost::json::array DaemonTest::payment_intents() {
  boost::json::array all;
  std::string after;
  for (;;) {
    auto res = client_->get("/v1/simulator/stripe/payment_intents?limit=100" +
                            (after.empty() ? "" : "&starting_after=" + after));
    EXPECT_EQ(res.status, 200u) << res.body;
    if (res.status != 200) return all;
    auto page = res.json().as_object();
    for (auto& intent : page.at("data").as_array()) all.push_back(intent);
    if (!page.at("has_more").as_bool() || all.empty()) return all;
    after = std::string(all.back().at("id").as_string());
  }
}

std::vector<DaemonTest::StripeRequest> DaemonTest::stripe_requests() {
  std::vector<StripeRequest> out;
  std::string after;
  for (;;) {
    auto res = client_->get("/v1/simulator/stripe/requests?limit=100" +
                            (after.empty() ? "" : "&starting_after=" + after));
    EXPECT_EQ(res.status, 200u) << res.body;
    if (res.status != 200) return out;
    const auto page = res.json();
    for (const auto& r : page.at("data").as_array()) {
      out.push_back({std::string(r.at("idempotency_key").as_string()),
                     std::string(r.at("outcome").as_string()), r.at("replayed").as_bool()});
      after = std::string(r.at("id").as_string());
    }
    if (!page.at("has_more").as_bool() || page.at("data").as_array().empty()) return out;
  }
}

std::vector<std::string> DaemonTest::stripe_keys_of(const std::string& execution_id) {
  std::vector<std::string> keys;
  for (const auto& r : stripe_requests()) {
    if (r.idempotency_key.rfind(execution_id + "/", 0) == 0) keys.push_back(r.idempotency_key);
  }
  return keys;
}

std::string DaemonTest::attempt_key(const std::string& execution_id, const std::string& state,
                                    std::size_t nth) {
  std::size_t seen = 0;
  for (const auto& e : history(execution_id)) {
    const auto& o = e.as_object();
    if (!o.contains("stateEnteredEventDetails")) continue;
    if (o.at("stateEnteredEventDetails").at("name") != state.c_str()) continue;
    if (seen++ == nth)
      return execution_id + "/" + state + "/" +
             std::to_string(o.at("id").to_number<std::int64_t>());
  }
  ADD_FAILURE() << execution_id << " never entered " << state << " (entry " << nth << ")";
  return {};
}

std::size_t DaemonTest::event_waits(const std::string& execution_id) {
  std::size_t n = 0;
  for (const auto& event : history(execution_id)) {
    const auto& e = event.as_object();
    if (e.at("type") == "TaskSubmitted" &&
        e.at("taskSubmittedEventDetails").at("resource") == "waitFor")
      ++n;
  }
  return n;
}

std::vector<boost::json::object> DaemonTest::task_outputs(const std::string& execution_id,
                                                          const std::string& resource) {
  std::vector<boost::json::object> out;
  for (const auto& event : history(execution_id)) {
    const auto& e = event.as_object();
    if (e.at("type") != "TaskSucceeded") continue;
    const auto& details = e.at("taskSucceededEventDetails").as_object();
    if (details.at("resource") != resource.c_str()) continue;
    out.push_back(boost::json::parse(details.at("output").as_string()).as_object());
  }
  return out;
}

std::vector<std::string> DaemonTest::event_types(const boost::json::array& events) {
  std::vector<std::string> types;
  for (const auto& e : events) types.emplace_back(e.at("type").as_string());
  return types;
}

}  // namespace settled::testing
