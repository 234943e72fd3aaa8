// GetExecutionHistory (docs/aws-api.md): the stored history as the native GET
// /v1/executions/{id}/history reads it, shaped and paged as Step Functions pages it.

#include "api/sfn/history.hpp"

#include "adapters/store/history_reader.hpp"
#include "api/request_parsing.hpp"
#include "api/sfn/aws_json.hpp"
#include "api/sfn/sfn_context.hpp"
#include "domain/storage_keys.hpp"

#include <boost/json.hpp>

namespace settled::api::sfn {

namespace json = boost::json;

json::object aws_history_event(const json::object& event, bool include_data,
                               const std::string& region) {
  json::object out;
  for (const auto& field : event) {
    if (field.key() == "timestamp" && field.value().is_string()) {
      out["timestamp"] = epoch_seconds(std::string_view(field.value().as_string()));
      continue;
    }
    if (!field.value().is_object() || field.key().size() < 12 ||
        field.key().substr(field.key().size() - 12) != "EventDetails") {
      out[field.key()] = field.value();
      continue;
    }
    json::object details = field.value().as_object();
    for (const char* data : {"input", "output"}) {
      if (!details.if_contains(data)) continue;
      if (include_data)
        details[std::string(data) + "Details"] = json::object{{"truncated", false}};
      else
        details.erase(data);
    }
    // A state's assigned variables (Assign) come with their details, as AWS gives them.
    if (details.if_contains("assignedVariables"))
      details["assignedVariablesDetails"] = json::object{{"truncated", false}};
    if (field.key() == "taskScheduledEventDetails" && !region.empty() &&
        !details.if_contains("region"))
      details["region"] = region;
    out[field.key()] = std::move(details);
  }
  return out;
}

Result<json::object, AwsError> history_page(const json::array& events, const HistoryQuery& q) {
  const char direction = q.reverse ? 'r' : 'f';
  std::size_t offset = 0;
  if (!q.next_token.empty()) {
    const std::string& t = q.next_token;
    const bool shaped = t.size() > 5 && t.rfind("h1:", 0) == 0 && t[3] == direction && t[4] == ':';
    const std::optional<std::uint64_t> n =
        shaped ? parse_decimal(std::string_view(t).substr(5)) : std::nullopt;
    const std::uint64_t read = n.value_or(0);
    if (read == 0 || read >= events.size())
      return AwsError{aws_errors::kInvalidToken,
                      "Invalid Token: '" + t.substr(0, 64) +
                          "' (a nextToken of this history, with the same reverseOrder)"};
    offset = static_cast<std::size_t>(read);
  }
  json::array page;
  const std::size_t end = std::min(events.size(), offset + q.max_results);
  for (std::size_t i = offset; i < end; ++i) {
    const auto& event = events[q.reverse ? events.size() - 1 - i : i];
    if (event.is_object())
      page.push_back(aws_history_event(event.as_object(), q.include_data, q.region));
  }
  json::object out{{"events", std::move(page)}};
  if (end < events.size())
    out["nextToken"] = "h1:" + std::string(1, direction) + ":" + std::to_string(end);
  return out;
}

void get_execution_history(SfnCall call) {
  BodyReader r(call.body,
               {"executionArn", "maxResults", "nextToken", "reverseOrder", "includeExecutionData"});
  const std::string arn = r.string("executionArn", true, 1, 256);
  HistoryQuery query;
  const auto max = r.integer("maxResults", 0, 1000, 0);
  query.max_results = max == 0 ? 100 : static_cast<std::size_t>(max);
  query.next_token = r.string("nextToken", false, 1, 3096);
  query.reverse = r.boolean("reverseOrder", false);
  query.include_data = r.boolean("includeExecutionData", true);
  query.region = call.deps.arns.region;
  if (r.error()) return call.respond(aws_error_response(*r.error()));
  const auto id = find_execution(call.deps, arn);
  if (!id) return call.respond(aws_error_response(id.error()));
  const auto& db = *call.deps.engine->db;
  const auto events = adapters::read_history_with_branches(db, *id, call.deps.arns);
  if (!events) return call.respond(aws_error_response(to_aws_error(events.error())));
  auto page = history_page(*events, query);
  if (!page) return call.respond(aws_error_response(page.error()));
  call.respond(aws_ok(*page));
}

}  // namespace settled::api::sfn
