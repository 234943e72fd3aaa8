#pragma once
// A Map in DISTRIBUTED mode, run in-process: after ItemsPath and ItemSelector have made one
// input per item, ItemBatcher groups them into child inputs {"Items": [...], "BatchInput": ...},
// and ToleratedFailureCount / ToleratedFailurePercentage (or their Path forms) say how many
// iterations may fail before the state fails with States.ExceedToleratedFailureThreshold.

#include "domain/asl/state_machine.hpp"
#include "domain/result.hpp"

#include <boost/json/value.hpp>

#include <cstddef>
#include <vector>

namespace settled::asl {

struct DistributedPlan {
  std::vector<boost::json::value> inputs;  // one per child execution
  std::size_t tolerated_failures = 0;      // the state fails once more children than this fail
};

// `items`: the iteration inputs (after ItemSelector); `input`: the state's input after
// InputPath, which the *Path fields and BatchInput read. kInvalidRequest names a *Path field
// that does not select what it must (States.Runtime).
Result<DistributedPlan> plan_distributed_map(const State& state,
                                             std::vector<boost::json::value> items,
                                             const boost::json::value& input,
                                             const boost::json::value& context);

}  // namespace settled::asl
