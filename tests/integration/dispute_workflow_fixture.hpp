#pragma once
// Seed 000's disputes on top of the time bank fixture: requests driven to ACCEPTED, disputes
// started with the seed's InitiateDisputeInput, the administrator's token read from
// admin_inbox/<requestId>:dispute, and the inboxes and histories the tests look at.

#include "integration/timebank_fixture.hpp"

#include <boost/json.hpp>

#include <string>
#include <vector>

namespace settled::testing {

class DisputeWorkflowTest : public TimeBankSeedTest {
 protected:
  // service-request `id` from `requester` to bob's svc-garden, accepted by bob.
  void accepted(const std::string& id, const std::string& requester, boost::json::value hours);

  // POST /v1/executions dispute named `name`; returns the execution id.
  std::string dispute(const std::string& name, const boost::json::object& input);

  // svc-garden registered, alice funded with 1000, `id` accepted for `hours`, then disputed by
  // `raised_by` with the seed's input; returns the dispute's execution id.
  std::string accepted_and_disputed(const std::string& id, boost::json::value hours,
                                    const std::string& raised_by, const std::string& type);

  // The token in admin_inbox/<requestId>:dispute once it differs from `previous`.
  std::string admin_token(const std::string& request_id, const std::string& previous = "");

  // The `type` of each DISPUTE_* notification in the user's inbox, oldest first.
  std::vector<std::string> dispute_notifications(const std::string& user);

  // How many events of the execution's history mention `text`.
  std::size_t history_mentions(const std::string& execution, const std::string& text);

  // The field of disputes/<requestId> (null when there is no record).
  boost::json::value dispute_field(const std::string& request_id, const std::string& field);
};

}  // namespace settled::testing
