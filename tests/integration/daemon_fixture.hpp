#pragma once
// Starts the real settled binary on a temporary data dir and a free port, as a user would, and
// gives tests an HTTP client and helpers to wait for executions to settle.

#include "integration/daemon_process.hpp"
#include "integration/http_client.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

namespace settled::testing {

class DaemonTest : public ::testing::Test {
 protected:
  void SetUp() override { start(); }

  std::vector<std::string> daemon_args() const {
    return {"--data-dir=" + dir_.path() + "/var", "--http=127.0.0.1:0",
            "--workflows-dir=" + std::string(SETTLED_SOURCE_DIR) + "/config/workflows"};
  }

  void start() {
    daemon_ =
        std::make_unique<DaemonProcess>(SETTLED_BINARY, daemon_args(), dir_.path() + "/daemon.log");
    port_ = daemon_->wait_ready();
    client_ = std::make_unique<HttpClient>("127.0.0.1", port_);
  }

  void restart_after_kill() {
    client_.reset();
    daemon_->kill9();
    start();
  }

  static std::string payment_body(const std::string& id, const std::string& method,
                                  std::int64_t amount = 1250) {
    boost::json::object input{{"paymentId", id},
                              {"customerId", "c-" + id},
                              {"amount", amount},
                              {"currency", "USD"},
                              {"paymentMethod", method}};
    return boost::json::serialize(
        boost::json::object{{"stateMachine", "payment"}, {"name", id}, {"input", input}});
  }

  HttpResult start_payment(const std::string& id, const std::string& method,
                           std::int64_t amount = 1250) {
    return client_->post("/v1/executions", payment_body(id, method, amount));
  }

  // POST /v1/executions {stateMachine, name, input}.
  HttpResult start_execution(const std::string& machine, const std::string& name,
                             boost::json::object input) {
    return client_->post(
        "/v1/executions",
        boost::json::serialize(boost::json::object{
            {"stateMachine", machine}, {"name", name}, {"input", std::move(input)}}));
  }

  // Polls the execution until it leaves RUNNING (a condition with a deadline, not a sleep).
  boost::json::object wait_final(const std::string& execution_id,
                                 std::chrono::seconds deadline = std::chrono::seconds(60)) {
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

  boost::json::array history(const std::string& execution_id) {
    auto res = client_->get("/v1/executions/" + execution_id + "/history");
    EXPECT_EQ(res.status, 200u) << res.body;
    return res.json().at("events").as_array();
  }

  // Charges the Stripe simulator made, per payment id (metadata.paymentId), counting only
  // PaymentIntents that succeeded.
  std::map<std::string, int> charges() {
    std::map<std::string, int> out;
    for (const auto& intent : payment_intents()) {
      if (intent.at("status").as_string() != "succeeded") continue;
      out[std::string(intent.at("metadata").at("paymentId").as_string())] += 1;
    }
    return out;
  }

  // Every PaymentIntent the simulator holds, oldest first, page by page.
  boost::json::array payment_intents() {
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

  // One request the Stripe simulator received (GET /v1/simulator/stripe/requests), refused
  // and replayed ones included.
  struct StripeRequest {
    std::string idempotency_key;
    std::string outcome;  // "succeeded" or the error name the caller saw
    bool replayed = false;
  };

  std::vector<StripeRequest> stripe_requests() {
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

  // The keys of the requests whose key belongs to `execution_id`, in the order received.
  std::vector<std::string> stripe_keys_of(const std::string& execution_id) {
    std::vector<std::string> keys;
    for (const auto& r : stripe_requests()) {
      if (r.idempotency_key.rfind(execution_id + "/", 0) == 0) keys.push_back(r.idempotency_key);
    }
    return keys;
  }

  // The documented Idempotency-Key of the task attempt that the `nth` (from 0) StateEntered
  // event of `state` began: <executionId>/<stateName>/<that event's id>. Read from the history
  // a client sees, so a key derived any other way (a counter, a restart, a redrive) differs.
  std::string attempt_key(const std::string& execution_id, const std::string& state,
                          std::size_t nth = 0) {
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

  // How many times the execution (its branches included) began waiting in
  // settled:events.waitFor.
  std::size_t event_waits(const std::string& execution_id) {
    std::size_t n = 0;
    for (const auto& event : history(execution_id)) {
      const auto& e = event.as_object();
      if (e.at("type") == "TaskSubmitted" &&
          e.at("taskSubmittedEventDetails").at("resource") == "waitFor")
        ++n;
    }
    return n;
  }

  // The outputs of the execution's succeeded tasks of `resource` ("accountLinks.create"), in
  // order, its branches' included.
  std::vector<boost::json::object> task_outputs(const std::string& execution_id,
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

  static std::vector<std::string> event_types(const boost::json::array& events) {
    std::vector<std::string> types;
    for (const auto& e : events) types.emplace_back(e.at("type").as_string());
    return types;
  }

  TempDir dir_;
  std::unique_ptr<DaemonProcess> daemon_;
  std::unique_ptr<HttpClient> client_;
  std::uint16_t port_ = 0;
};

}  // namespace settled::testing
