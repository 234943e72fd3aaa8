#pragma once
// A daemon for seed 001's payment workflows (config/workflows/payroll.asl.json and
// milestone-payment.asl.json; docs/payroll.md, docs/milestone-payment.md): the simulated clock,
// Stripe's real two-day payout delay, the simulator posting its signed webhooks to the daemon,
// and the shipped rules (config/rules). Helpers: connected accounts, EventBridge envelopes,
// the simulator's payouts by their metadata.

#include "integration/marketplace_fixture.hpp"

#include <boost/json.hpp>

#include <cstdint>
#include <string>

namespace settled::testing {

class PaymentFlowsTest : public MarketplaceTest {
 protected:
  std::vector<std::string> daemon_flags() const override;
  void add_workflows() override;

  // A new Stripe connected account (the simulator's acct_...).
  std::string connected_account(const std::string& name);

  // POST /v1/events with an EventBridge envelope (seed 001's schema).
  HttpResult put_event(const std::string& id, const std::string& source,
                       const std::string& detail_type, const std::string& entity_id,
                       const boost::json::object& metadata,
                       const std::string& actor_type = "client");

  // The simulator's payouts whose metadata `field` is `value`.
  boost::json::array payouts_where(const std::string& field, const std::string& value);

  // Waits (bounded) until the simulator holds `n` payouts.
  bool payouts_reach(std::size_t n);

  // How many times the execution (its Map iterations included) entered `state`.
  std::size_t entries(const std::string& execution, const std::string& state);

  // The journal entries of `account` made by `op`.
  std::size_t journal_ops(const std::string& account, const std::string& op);
};

}  // namespace settled::testing
