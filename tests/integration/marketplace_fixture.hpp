#pragma once
// A daemon for seed 003's marketplace workflows (config/workflows/booking-lifecycle,
// marketplace-payment, marketplace-dispute; docs/marketplace.md): simulated clock, the Stripe
// simulator posting its signed webhooks to the daemon's own endpoint, and the helpers the tests
// share: starting executions, reading the tokens the workflows publish and answering them,
// reading the simulator's objects, the history and the ledger.

#include "integration/ledger_fixture.hpp"
#include "support/eventually.hpp"

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace settled::testing {

class MarketplaceTest : public LedgerTest {
 public:
  using Balances = std::array<std::int64_t, 3>;  // available, held, frozen

 protected:
  static constexpr const char* kSecret = "whsec_marketplace_test";

  std::vector<std::string> daemon_flags() const override;

  void start_execution(const std::string& machine, const std::string& name,
                       const boost::json::object& input);

  static boost::json::object booking_input(const std::string& id, std::int64_t amount,
                                           std::int64_t fee,
                                           const std::string& method = "pm_card_visa");

  // The token in records/<collection>/<key> once it differs from `previous` (bounded wait).
  std::string wait_token(const std::string& collection, const std::string& key,
                         const std::string& previous = "");

  void answer(const std::string& token, const boost::json::object& output);

  boost::json::value record(const std::string& collection, const std::string& key);

  void advance(const std::string& by);

  // The simulator's objects of one kind (payment_intents, refunds, transfers, payouts, ...).
  boost::json::array sim(const std::string& what);

  // The names of the states the execution entered, in order.
  std::vector<std::string> entered(const std::string& execution);
  bool entered_state(const std::string& execution, const std::string& state);
  bool has_event(const std::string& execution, const std::string& type);

  // The execution has entered `state` last and its task was submitted (it waits there).
  bool waits_in(const std::string& execution, const std::string& state);

  // The Stripe event types the daemon's webhook endpoint stored.
  bool webhook_received(const std::string& type);

  // The simulator's objects of one kind whose `field` is `value`.
  boost::json::array sim_where(const std::string& what, const std::string& field,
                               const std::string& value);

  // Every Stripe request the execution sent for `state` carried `key` (the attempt's documented
  // Idempotency-Key), and there were at least `at_least` of them (retries, restarts).
  void expect_sent_with_key(const std::string& execution, const std::string& state,
                            const std::string& key, int at_least);

  void kill_and_restart();

  bool webhooks_ = true;
};

}  // namespace settled::testing
