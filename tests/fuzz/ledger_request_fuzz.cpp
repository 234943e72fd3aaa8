// libFuzzer target: the ledger request parser. Input: the resource on the first line
// ("settled:ledger.hold"), the task's JSON parameters after it. A request that parses must
// survive its own normalised form: to_json, parsed again, gives the same JSON.

#include "domain/ledger/request.hpp"
#include "fuzz_input.hpp"

#include <boost/json.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace settled;
  const auto [resource, params_text] = fuzz::split_line(fuzz::as_text(data, size));
  auto params = fuzz::parse_json(params_text);
  if (!params) return 0;
  if (resource == "settled:ledger.balance") {
    (void)ledger::parse_balance_query(*params);
    return 0;
  }
  const auto op = ledger::ledger_op_from_resource(resource);
  if (!op) return 0;
  auto request = ledger::parse_ledger_request(*op, *params);
  if (!request) return 0;
  const boost::json::object normal = ledger::to_json(*request);
  auto again = ledger::parse_ledger_request(*op, normal);
  if (!again || ledger::to_json(*again) != normal) __builtin_trap();
  return 0;
}
