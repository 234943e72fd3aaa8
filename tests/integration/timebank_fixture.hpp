#pragma once
// A daemon for seed 000's time bank (HourBank) driven as the seed's client drives it: the
// shipped workflows on a simulated clock, services registered as records, requests started
// with the seed's StartServiceRequestInput (decimal estimatedHours), answers with the seed's
// enum values, and balances read in hundredths of an hour.

#include "integration/ledger_fixture.hpp"

#include <boost/json.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace settled::testing {

class TimeBankSeedTest : public LedgerTest {
 protected:
  static constexpr const char* kStart = "2026-03-02T09:00:00Z";
  // Not the defaults, so $$.Execution.Id is seen to follow the configuration.
  const AwsScopeFlags aws_{"eu-central-1", "210987654321"};

  std::vector<std::string> daemon_flags() const override;

  // POST /v1/services with the seed's fields (title defaults to "Gardening").
  void register_service(const std::string& id, const std::string& provider,
                        boost::json::object fields = {});

  void fund(const std::string& user, std::int64_t hundredths);

  // {available, held, frozen} hundredths of an hour.
  std::array<std::int64_t, 3> hours(const std::string& user) { return balance(user, "HOUR"); }

  // POST /v1/executions service-request named by the request id; returns the execution id.
  std::string request(const std::string& id, const std::string& requester,
                      const std::string& provider, const std::string& service,
                      boost::json::value estimated_hours, const std::string& message = "");

  // The token in inbox/<requestId>:<what> once it differs from `previous`.
  std::string token(const std::string& request_id, const std::string& what,
                    const std::string& previous = "");

  // POST /v1/tasks/success; asserts 200.
  void answer(const std::string& token, const boost::json::object& output);

  void advance(const std::string& by);

  // The record, or nullopt when there is none.
  std::optional<boost::json::object> record(const std::string& collection, const std::string& key);

  // Waits until service_requests/<id> has `status`.
  void await_request_status(const std::string& request_id, const std::string& status);

  std::string status_of(const std::string& execution);
};

}  // namespace settled::testing
