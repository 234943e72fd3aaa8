#include "adapters/store/history_reader.hpp"

#include "adapters/ops/log.hpp"
#include "domain/json_limits.hpp"
#include "domain/records/history_chunk.hpp"
#include "domain/storage_keys.hpp"

#include <boost/json.hpp>

#include <string>
#include <vector>

namespace settled::adapters {

namespace json = boost::json;

json::array read_history(const LmdbStore& store, std::string_view execution_id) {
  json::array events;
  records::PayloadIndex payloads;  // what later chunks' references resolve against
  store.scan(
      Table::kHistory, history_prefix(execution_id), [&](std::string_view, std::string_view value) {
        auto chunk = records::decode_history_chunk(value, payloads);
        if (!chunk) {
          // Shown without the unreadable events rather than not at all.
          log(LogLevel::kError, "history.corrupt",
              {{"executionId", std::string(execution_id)}, {"cause", chunk.error().message}});
          return true;
        }
        for (auto& event : *chunk) events.push_back(std::move(event));
        return true;
      });
  return events;
}

namespace {

bool is_execution_event(const json::value& event) {
  const auto& type = event.at("type").as_string();
  return type.starts_with("Execution");
}

// A branch execution of a Parallel/Map state (not a child workflow) that exists.
bool is_branch(const LmdbStore& store, const std::string& id) {
  auto stored = store.get(Table::kExecutions, id);
  if (!stored) return false;
  boost::system::error_code ec;
  auto record = parse_stored_json(*stored, ec);
  if (ec || !record.is_object()) return false;
  const auto* scope = record.as_object().if_contains("scope");
  return scope && scope->is_array() && !scope->as_array().empty();
}

void expand(const LmdbStore& store, const std::string& id, bool nested, json::array& out) {
  std::int64_t branches_started = 0;  // the id of the current Parallel/Map run's start event
  std::int64_t next_parallel_branch = 0;
  for (auto& event : read_history(store, id)) {
    if (nested && is_execution_event(event)) continue;
    const std::string type(event.at("type").as_string());
    const std::int64_t event_id = event.at("id").as_int64();
    out.push_back(event);
    std::vector<std::string> branches;
    if (type == "MapStateStarted") {
      branches_started = event_id;
    } else if (type == "MapIterationStarted") {
      const json::value* details = event.as_object().if_contains("mapIterationStartedEventDetails");
      const json::value* index =
          details && details->is_object() ? details->as_object().if_contains("index") : nullptr;
      if (index && index->is_int64())
        branches.push_back(id + "~" + std::to_string(branches_started) + "." +
                           std::to_string(index->as_int64()));
    } else if (type == "ParallelStateStarted") {
      branches_started = event_id;
      for (next_parallel_branch = 0;; ++next_parallel_branch) {
        const std::string branch =
            id + "~" + std::to_string(event_id) + "." + std::to_string(next_parallel_branch);
        if (!store.get(Table::kExecutions, branch)) break;
        branches.push_back(branch);
      }
    }
    for (const auto& branch : branches)
      if (is_branch(store, branch)) expand(store, branch, true, out);
  }
}

}  // namespace

json::array read_history_with_branches(const LmdbStore& store, std::string_view execution_id,
                                       const aws::ArnScope& scope) {
  json::array events;
  expand(store, std::string(execution_id), false, events);
  std::int64_t id = 0;
  for (auto& event : events) {
    auto& o = event.as_object();
    o["id"] = ++id;
    o["previousEventId"] = id - 1;
    if (o.at("type") != "ExecutionStarted") continue;
    if (auto* details = o.if_contains("executionStartedEventDetails");
        details && details->is_object())
      details->as_object()["roleArn"] = aws::role_arn(scope);
  }
  return events;
}

}  // namespace settled::adapters
