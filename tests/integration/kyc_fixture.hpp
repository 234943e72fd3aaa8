#pragma once
// A daemon for seed 001's identity workflows (kyc-verification, contractor-onboarding): the
// shipped definitions on a simulated clock, with the Veriff simulator sending its signed decision
// webhooks to the daemon itself. Events are posted in seed 001's EventBridge envelope, as the
// application would post them.

#include "integration/ops_fixture.hpp"

#include <boost/json.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace settled::testing {

class KycTest : public OpsTest {
 protected:
  std::vector<std::string> daemon_flags() const override;

  // POST /v1/events in seed 001's envelope; asserts it was taken (200 or 202).
  void post_event(const std::string& detail_type, const std::string& entity_id,
                  const std::string& actor_id, boost::json::object metadata);

  // kyc.documents.uploaded for the contractor, with the person Veriff's simulator decides by.
  void upload_documents(const std::string& contractor, const std::string& first_name);

  void advance(const std::string& by);

  // The record, or an empty object when there is none (a failed expectation).
  boost::json::object record(const std::string& collection, const std::string& key);

  // How many times the execution entered `state`.
  std::size_t entered(const std::string& execution, const std::string& state);

  // Waits (with a deadline) until the execution has entered `state` `times` times.
  void await_entered(const std::string& execution, const std::string& state, std::size_t times = 1);

  // Waits until the execution has begun waiting in settled:events.waitFor `n` times in all.
  void await_waits(const std::string& execution, std::size_t n);

  std::string status_of(const std::string& execution);

  // The Veriff simulator's sessions whose vendorData starts with `prefix`.
  std::vector<boost::json::object> veriff_sessions(const std::string& prefix);

  // kill -9 and the same daemon again.
  void kill_and_restart();

 private:
  int next_event_ = 0;
};

}  // namespace settled::testing
