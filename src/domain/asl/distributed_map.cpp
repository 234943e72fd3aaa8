#include "domain/asl/distributed_map.hpp"

#include "domain/asl/variables.hpp"
#include "domain/json_size.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

namespace settled::asl {

namespace json = boost::json;

namespace {

// A literal limit, or what its Path form selects: a non-negative integer (a number for the
// percentage); nullopt when neither is given.
Result<std::optional<double>> limit(const std::optional<double>& literal,
                                    const std::optional<jsonpath::Path>& path,
                                    const json::value& input, const json::value& context,
                                    const char* field, bool integer, double max) {
  if (literal) return std::optional<double>(*literal);
  if (!path) return std::optional<double>();
  auto v = select_path(*path, input, context);
  const bool ok = v && (integer ? (v->is_int64() || v->is_uint64()) : v->is_number()) &&
                  v->to_number<double>() >= 0 && v->to_number<double>() <= max;
  if (!ok)
    return Error{ErrorCode::kInvalidRequest,
                 std::string(field) + " '" + path->text() + "' must select " +
                     (integer ? "a non-negative integer" : "a number from 0 to 100")};
  return std::optional<double>(v->to_number<double>());
}

std::optional<double> as_double(const std::optional<std::int64_t>& v) {
  return v ? std::optional<double>(static_cast<double>(*v)) : std::nullopt;
}

}  // namespace

Result<DistributedPlan> plan_distributed_map(const State& state, std::vector<json::value> items,
                                             const json::value& input, const json::value& context) {
  DistributedPlan plan;
  // Tolerated failures: the Map fails once the failed children exceed the count, or their share
  // exceeds the percentage (both default to 0: any failure fails it).
  auto count = limit(as_double(state.tolerated_failure_count), state.tolerated_failure_count_path,
                     input, context, "ToleratedFailureCountPath", true, 1e15);
  if (!count) return count.error();
  auto percentage =
      limit(state.tolerated_failure_percentage, state.tolerated_failure_percentage_path, input,
            context, "ToleratedFailurePercentagePath", false, 100);
  if (!percentage) return percentage.error();

  if (!state.item_batcher) {
    plan.inputs = std::move(items);
  } else {
    const State::Batcher& b = *state.item_batcher;
    auto max_items = limit(as_double(b.max_items), b.max_items_path, input, context,
                           "MaxItemsPerBatchPath", true, 1e15);
    if (!max_items) return max_items.error();
    auto max_bytes = limit(as_double(b.max_bytes), b.max_bytes_path, input, context,
                           "MaxInputBytesPerBatchPath", true, 256 * 1024);
    if (!max_bytes) return max_bytes.error();
    std::optional<json::value> batch_input;
    if (b.batch_input) {
      auto rendered = b.batch_input->render(input, context);
      if (!rendered) return rendered.error();
      batch_input = std::move(*rendered);
    }
    // A batch as its child receives it.
    const auto batch_of = [&batch_input](json::array batch_items) {
      json::object batch{{"Items", std::move(batch_items)}};
      if (batch_input) batch["BatchInput"] = *batch_input;
      return json::value(std::move(batch));
    };
    const std::size_t per_batch =
        *max_items && **max_items >= 1 ? static_cast<std::size_t>(**max_items) : SIZE_MAX;
    const std::size_t byte_limit =
        *max_bytes && **max_bytes >= 1 ? static_cast<std::size_t>(**max_bytes) : SIZE_MAX;
    // A batch's JSON text is the empty batch's plus each item's and a comma between two.
    const std::size_t empty_bytes = serialized_size(batch_of(json::array()), SIZE_MAX);
    json::array current;
    std::size_t current_bytes = empty_bytes;
    for (auto& item : items) {
      const std::size_t item_bytes = serialized_size(item, SIZE_MAX);
      if (!current.empty() &&
          (current.size() + 1 > per_batch || current_bytes + 1 + item_bytes > byte_limit)) {
        plan.inputs.push_back(batch_of(std::move(current)));
        current = json::array();
        current_bytes = empty_bytes;
      }
      current_bytes += (current.empty() ? 0 : 1) + item_bytes;
      current.push_back(std::move(item));
    }
    if (!current.empty()) plan.inputs.push_back(batch_of(std::move(current)));
  }

  // Failures are counted per child (a batch is one child), against the children's number.
  const double children = static_cast<double>(plan.inputs.size());
  double allowed = std::numeric_limits<double>::infinity();
  if (*count) allowed = **count;
  if (*percentage) allowed = std::min(allowed, std::floor(**percentage * children / 100.0));
  if (!*count && !*percentage) allowed = 0;
  plan.tolerated_failures =
      allowed >= children ? plan.inputs.size() : static_cast<std::size_t>(allowed);
  return plan;
}

}  // namespace settled::asl
