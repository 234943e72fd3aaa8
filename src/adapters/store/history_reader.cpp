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

namespace {

// The bytes of an event's strings (its payloads are strings of JSON text), what it holds.
std::size_t held_bytes(const json::value& value) {
  if (const auto* text = value.if_string()) return text->size();
  std::size_t bytes = 0;
  if (const auto* object = value.if_object())
    for (const auto& member : *object) bytes += member.key().size() + held_bytes(member.value());
  if (const auto* array = value.if_array())
    for (const auto& item : *array) bytes += held_bytes(item);
  return bytes;
}

Error too_large(std::string_view execution_id, std::size_t max_bytes) {
  return Error{ErrorCode::kPayloadTooLarge, "the history of execution \"" +
                                                std::string(execution_id) + "\" holds more than " +
                                                std::to_string(max_bytes >> 20) +
                                                " MiB of payloads, more than one read may render"};
}

}  // namespace

Result<json::array> read_history(const LmdbStore& store, std::string_view execution_id,
                                 std::size_t max_bytes) {
  json::array events;
  records::PayloadIndex payloads;  // what later chunks' references resolve against
  std::size_t held = 0;
  bool over = false;
  store.scan(
      Table::kHistory, history_prefix(execution_id), [&](std::string_view, std::string_view value) {
        auto chunk = records::decode_history_chunk(value, payloads);
        if (!chunk) {
          // Shown without the unreadable events rather than not at all.
          log(LogLevel::kError, "history.corrupt",
              {{"executionId", std::string(execution_id)}, {"cause", chunk.error().message}});
          return true;
        }
        for (auto& event : *chunk) {
          held += held_bytes(event);
          if (held > max_bytes) {
            over = true;
            return false;
          }
          events.push_back(std::move(event));
        }
        return true;
      });
  if (over) return too_large(execution_id, max_bytes);
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

// Appends the events of `id` (and its branches') to `out`; false once `budget` is spent.
bool expand(const LmdbStore& store, const std::string& id, bool nested, json::array& out,
            std::size_t& budget) {
  std::int64_t branches_started = 0;  // the id of the current Parallel/Map run's start event
  std::int64_t next_parallel_branch = 0;
  auto events = read_history(store, id, budget);
  if (!events) return false;
  for (auto& event : *events) {
    if (nested && is_execution_event(event)) continue;
    const std::string type(event.at("type").as_string());
    const std::int64_t event_id = event.at("id").as_int64();
    const std::size_t bytes = held_bytes(event);
    if (bytes > budget) return false;
    budget -= bytes;
    out.push_back(std::move(event));
    const json::value& added = out.back();
    std::vector<std::string> branches;
    if (type == "MapStateStarted") {
      branches_started = event_id;
    } else if (type == "MapIterationStarted") {
      const json::value* details = added.as_object().if_contains("mapIterationStartedEventDetails");
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
      if (is_branch(store, branch) && !expand(store, branch, true, out, budget)) return false;
  }
  return true;
}

}  // namespace

Result<json::array> read_history_with_branches(const LmdbStore& store,
                                               std::string_view execution_id,
                                               const aws::ArnScope& scope, std::size_t max_bytes) {
  json::array events;
  std::size_t budget = max_bytes;
  if (!expand(store, std::string(execution_id), false, events, budget))
    return too_large(execution_id, max_bytes);
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
