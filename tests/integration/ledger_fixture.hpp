#pragma once
// A daemon for the ledger tests: ledger operations over HTTP (POST /v1/ledger/operations and
// the deposits route), reads of balances, journals and escrows, a snapshot of all of it to
// prove that a refused operation changed nothing, and settlectl reconcile.

#include "integration/ops_fixture.hpp"

#include <boost/json.hpp>

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace settled::testing {

class LedgerTest : public OpsTest {
 public:
  static std::int64_t epoch_millis_now();

  static std::string iso(std::int64_t millis);

 protected:
  HttpResult op(const std::string& operation, const std::string& key,
                const boost::json::object& parameters);

  HttpResult deposit(const std::string& account, std::int64_t amount, const std::string& key,
                     const std::string& currency = "USD");

  // {available, held, frozen} of `account` in `currency` (zeros if it has none).
  std::array<std::int64_t, 3> balance(const std::string& account,
                                      const std::string& currency = "USD");

  boost::json::array journal(const std::string& account);

  boost::json::value escrow(const std::string& id);

  // Everything a ledger operation could change about these accounts and escrows, as text.
  std::string snapshot(const std::vector<std::string>& accounts,
                       const std::vector<std::string>& escrows);

  // settlectl --json reconcile; expects a sound ledger.
  boost::json::object reconcile_ok();
};

}  // namespace settled::testing
