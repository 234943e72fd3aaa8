#pragma once
// Starts the real settled binary on a temporary data dir and a free port, as a user would, and
// gives tests an HTTP client and helpers to wait for executions to settle.

#include "integration/daemon_process.hpp"
#include "integration/http_client.hpp"
#include "support/build_paths.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <chrono>
#include <cstdint>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace settled::testing {

// The region and account a test gives its daemon (--aws-region, --aws-account-id), and the
// execution ARN the daemon then gives $$.Execution.Id: built from what the daemon was told, so
// a daemon naming its executions any other way fails the comparison.
struct AwsScopeFlags {
  std::string region;
  std::string account;

  std::vector<std::string> flags() const {
    return {"--aws-region=" + region, "--aws-account-id=" + account};
  }
  // `execution_id` is settled's "<stateMachine>:<name>".
  std::string execution_arn(const std::string& execution_id) const {
    return "arn:aws:states:" + region + ":" + account + ":execution:" + execution_id;
  }
};

class DaemonTest : public ::testing::Test {
 protected:
  void SetUp() override { start(); }

  std::vector<std::string> daemon_args() const;

  void start();

  void restart_after_kill();

  static std::string payment_body(const std::string& id, const std::string& method,
                                  std::int64_t amount = 1250);

  HttpResult start_payment(const std::string& id, const std::string& method,
                           std::int64_t amount = 1250);

  // POST /v1/executions {stateMachine, name, input}.
  HttpResult start_execution(const std::string& machine, const std::string& name,
                             boost::json::object input);

  // Polls the execution until it leaves RUNNING (a condition with a deadline, not a sleep).
  boost::json::object wait_final(const std::string& execution_id,
                                 std::chrono::seconds deadline = std::chrono::seconds(60));

  boost::json::array history(const std::string& execution_id);

  // Charges the Stripe simulator made, per payment id (metadata.paymentId), counting only
  // PaymentIntents that succeeded.
  std::map<std::string, int> charges();

  // Every PaymentIntent the simulator holds, oldest first, page by page.
  boost::json::array payment_intents();

  // One request the Stripe simulator received (GET /v1/simulator/stripe/requests), refused
  // and replayed ones included.
  struct StripeRequest {
    std::string idempotency_key;
    std::string outcome;  // "succeeded" or the error name the caller saw
    bool replayed = false;
  };

  std::vector<StripeRequest> stripe_requests();

  // The keys of the requests whose key belongs to `execution_id`, in the order received.
  std::vector<std::string> stripe_keys_of(const std::string& execution_id);

  // The documented Idempotency-Key of the task attempt that the `nth` (from 0) StateEntered
  // event of `state` began: <executionId>/<stateName>/<that event's id>. Read from the history
  // a client sees, so a key derived any other way (a counter, a restart, a redrive) differs.
  std::string attempt_key(const std::string& execution_id, const std::string& state,
                          std::size_t nth = 0);

  // How many times the execution (its branches included) began waiting in
  // settled:events.waitFor.
  std::size_t event_waits(const std::string& execution_id);

  // The outputs of the execution's succeeded tasks of `resource` ("accountLinks.create"), in
  // order, its branches' included.
  std::vector<boost::json::object> task_outputs(const std::string& execution_id,
                                                const std::string& resource);

  static std::vector<std::string> event_types(const boost::json::array& events);

  TempDir dir_;
  std::unique_ptr<DaemonProcess> daemon_;
  std::unique_ptr<HttpClient> client_;
  std::uint16_t port_ = 0;
};

}  // namespace settled::testing
