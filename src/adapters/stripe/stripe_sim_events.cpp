// The simulator's events.list (stripe_sim_call.hpp): every event it generated, newest first,
// filtered and paged as Stripe's GET /v1/events is.

#include "adapters/stripe/stripe_sim_call.hpp"
#include "domain/json_limits.hpp"
#include "domain/money.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <vector>

namespace settled::adapters::sim {

namespace json = boost::json;
using stripe::StripeError;

namespace {

struct CreatedRange {
  std::int64_t gt = INT64_MIN, gte = INT64_MIN, lt = INT64_MAX, lte = INT64_MAX;
  bool contains(std::int64_t t) const { return t > gt && t >= gte && t < lt && t <= lte; }
};

// created: a timestamp (exactly then) or {gt, gte, lt, lte}, epoch seconds.
Result<CreatedRange, StripeError> created_range(const json::value* created) {
  CreatedRange range;
  if (!created) return range;
  auto bound = [](const json::value& v, const std::string& name) {
    return parse_amount(v, "created" + name, AmountRule::kNonNegative);
  };
  if (!created->is_object()) {
    auto t = bound(*created, "");
    if (!t)
      return stripe::invalid_request("parameter_invalid_integer", t.error().message, "created");
    range.gte = range.lte = *t;
    return range;
  }
  for (const auto& [key, value] : created->as_object()) {
    auto t = bound(value, "[" + std::string(key) + "]");
    if (!t)
      return stripe::invalid_request("parameter_invalid_integer", t.error().message, "created");
    if (key == "gt") {
      range.gt = *t;
    } else if (key == "gte") {
      range.gte = *t;
    } else if (key == "lt") {
      range.lt = *t;
    } else if (key == "lte") {
      range.lte = *t;
    } else {
      return stripe::invalid_request(
          "parameter_unknown", "Received unknown parameter: created[" + std::string(key) + "]",
          "created");
    }
  }
  return range;
}

// "payment_intent.*" matches every payment_intent event, as Stripe's type filter does.
bool type_matches(const std::string& pattern, const std::string& type) {
  if (pattern.size() >= 2 && pattern.compare(pattern.size() - 2, 2, ".*") == 0)
    return type.compare(0, pattern.size() - 1, pattern, 0, pattern.size() - 1) == 0;
  return pattern == type;
}

}  // namespace

Answer list_events(SimCall& call) {
  if (auto e = unknown_parameter(
          call.params(), {"created", "limit", "starting_after", "ending_before", "type", "types"}))
    return *e;
  auto range = created_range(call.param("created"));
  if (!range) return range.error();
  std::int64_t limit = 10;
  if (const json::value* l = call.param("limit")) {
    auto parsed = parse_amount(*l, "limit", AmountRule::kPositive);
    if (!parsed || *parsed > 100)
      return stripe::invalid_request("parameter_invalid_integer",
                                     "limit must be an integer from 1 to 100", "limit");
    limit = *parsed;
  }
  std::vector<std::string> types;
  if (const json::value* type = call.param("type")) {
    if (!type->is_string())
      return stripe::invalid_request("parameter_invalid", "type must be a string", "type");
    types.emplace_back(type->as_string());
  }
  if (const json::value* list = call.param("types")) {
    if (!list->is_array() || list->as_array().empty())
      return stripe::invalid_request("parameter_invalid", "types must be a non-empty array",
                                     "types");
    for (const auto& t : list->as_array()) {
      if (!t.is_string())
        return stripe::invalid_request("parameter_invalid", "types must hold strings", "types");
      types.emplace_back(t.as_string());
    }
  }
  if (call.param("type") && call.param("types"))
    return stripe::invalid_request("parameter_invalid", "give type or types, not both", "types");
  auto cursor = [&](const char* name) -> Result<std::string, StripeError> {
    const json::value* v = call.param(name);
    if (!v) return std::string();
    if (!v->is_string() || !stripe::is_stripe_id(v->as_string(), "evt_"))
      return stripe::invalid_request("parameter_invalid", std::string(name) + " must be an evt_ id",
                                     name);
    return std::string(v->as_string());
  };
  auto after = cursor("starting_after");
  if (!after) return after.error();
  auto before = cursor("ending_before");
  if (!before) return before.error();
  if (!after->empty() && !before->empty())
    return stripe::invalid_request(
        "parameter_invalid", "give starting_after or ending_before, not both", "ending_before");

  // Ids are time-ordered, so key order is oldest first; Stripe lists newest first.
  std::vector<json::object> matching;
  bool after_found = after->empty(), before_found = before->empty();
  call.read_objects = true;
  if (call.db) {
    call.db->scan(Table::kStripeSimEvents, "", [&](std::string_view key, std::string_view value) {
      if (key == *after) after_found = true;
      if (key == *before) before_found = true;
      json::value event = parse_stored_json(value);
      if (!event.is_object()) return true;
      const auto& e = event.as_object();
      if (!range->contains(e.at("created").as_int64())) return true;
      // With Stripe-Account: only that connected account's events. Without, every event (a
      // simplification: Stripe lists a connected account's events only under its header).
      if (!call.request.stripe_account.empty()) {
        const json::value* account = e.if_contains("account");
        if (!account || *account != call.request.stripe_account.c_str()) return true;
      }
      const std::string type(e.at("type").as_string());
      if (!types.empty() && std::none_of(types.begin(), types.end(), [&](const std::string& p) {
            return type_matches(p, type);
          }))
        return true;
      matching.push_back(std::move(event.as_object()));
      return true;
    });
  }
  if (!after_found) return no_such("event", *after, "starting_after");
  if (!before_found) return no_such("event", *before, "ending_before");
  std::reverse(matching.begin(), matching.end());

  // starting_after: the page of older events after that one; ending_before: the page of newer
  // events just before it. Ids are time-ordered, so comparing ids compares ages.
  auto first_not_newer_than = [&](const std::string& id, bool inclusive) {
    return std::find_if(matching.begin(), matching.end(), [&](const json::object& e) {
      const std::string_view other = e.at("id").as_string();
      return inclusive ? other <= id : other < id;
    });
  };
  auto first = matching.begin();
  auto last = matching.end();
  if (!after->empty()) first = first_not_newer_than(*after, false);
  if (!before->empty()) {
    last = first_not_newer_than(*before, true);
    if (last - first > limit) first = last - limit;
  }
  json::array data;
  for (auto it = first; it != last && static_cast<std::int64_t>(data.size()) < limit; ++it)
    data.push_back(*it);
  const bool has_more = !before->empty() ? first != matching.begin()
                                         : static_cast<std::int64_t>(last - first) > limit;
  return stripe_list("/v1/events", has_more, std::move(data));
}

}  // namespace settled::adapters::sim
