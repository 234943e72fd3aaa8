#include "adapters/veriff/veriff_simulator.hpp"

#include "adapters/ops/log.hpp"
#include "adapters/ops/metrics.hpp"
#include "domain/json_limits.hpp"
#include "domain/utf8.hpp"
#include "domain/veriff/decision.hpp"
#include "domain/veriff/veriff_calls.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cstdio>

namespace settled::adapters::veriff {

namespace json = boost::json;
namespace v = settled::veriff;

namespace {

constexpr std::string_view kSessionPrefix = "session/";
constexpr std::string_view kKeyPrefix = "key/";
constexpr std::string_view kDuePrefix = "due/";
constexpr std::string_view kWebhookPrefix = "webhook/";
// The simulator's verification URLs are on a reserved host: nothing real is behind them.
constexpr std::string_view kHost = "https://veriff-simulator.invalid";

std::string session_key(const std::string& id) {
  return std::string(kSessionPrefix) + id;
}

std::string due_key(EpochMillis due, const std::string& id) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%016llx",
                static_cast<unsigned long long>(std::max<EpochMillis>(due, 0)));
  return std::string(kDuePrefix) + buf + "/" + id;
}

std::optional<EpochMillis> due_of(std::string_view key) {
  if (key.size() < kDuePrefix.size() + 17) return std::nullopt;
  try {
    return static_cast<EpochMillis>(
        std::stoull(std::string(key.substr(kDuePrefix.size(), 16)), nullptr, 16));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::optional<json::object> stored_object(const LmdbStore& db, const std::string& key) {
  auto row = db.get(Table::kVeriffSim, key);
  if (!row) return std::nullopt;
  boost::system::error_code ec;
  auto value = parse_stored_json(*row, ec);
  if (ec || !value.is_object()) return std::nullopt;
  return std::move(value.as_object());
}

TaskOutcome not_found(const std::string& id) {
  return TaskOutcome::failure(
      v::kNotFound,
      json::serialize(json::object{
          {"status", "fail"}, {"code", 1001}, {"message", "Session " + id + " not found"}}));
}

VeriffSimCall create_session(const LmdbStore& db, const TaskAttempt& attempt,
                             const v::VeriffRequest& request, const NewUuid& new_uuid,
                             const VeriffSimOptions& options) {
  VeriffSimCall call;
  const std::string replay_key = std::string(kKeyPrefix) + attempt.idempotency_key;
  if (!attempt.idempotency_key.empty()) {
    if (auto first = stored_object(db, replay_key)) {
      call.outcome = TaskOutcome::success(std::move(*first));
      return call;
    }
  }
  const std::string id = new_uuid();
  const std::string token = new_uuid();
  const EpochMillis due = attempt.now + options.decision_delay_ms;
  json::value vendor = nullptr;
  if (const auto* vd = request.verification.if_contains("vendorData")) vendor = *vd;
  const std::string url = std::string(kHost) + "/v/" + token;
  json::object session{{"id", id},
                       {"attemptId", new_uuid()},
                       {"status", "created"},
                       {"verification", request.verification},
                       {"createdAt", attempt.now},
                       {"decideAt", due},
                       {"url", url},
                       {"sessionToken", token}};
  json::object response{{"status", "success"},
                        {"verification",
                         {{"id", id},
                          {"url", url},
                          {"vendorData", vendor},
                          {"host", kHost},
                          {"status", "created"},
                          {"sessionToken", token}}}};
  call.writes.put(Table::kVeriffSim, session_key(id), json::serialize(session));
  call.writes.put(Table::kVeriffSim, due_key(due, id), "");
  if (!attempt.idempotency_key.empty())
    call.writes.put(Table::kVeriffSim, replay_key, json::serialize(response));
  call.due = due;
  call.outcome = TaskOutcome::success(std::move(response));
  return call;
}

VeriffSimCall get_decision(const LmdbStore& db, const v::VeriffRequest& request) {
  VeriffSimCall call;
  auto session = stored_object(db, session_key(request.session_id));
  if (!session) {
    call.outcome = not_found(request.session_id);
    return call;
  }
  json::value verification = nullptr;
  if (const auto* decision = session->if_contains("decision"); decision && decision->is_object())
    if (const auto* ver = decision->as_object().if_contains("verification")) verification = *ver;
  call.outcome = TaskOutcome::success(json::object{{"status", "success"},
                                                   {"verification", std::move(verification)},
                                                   {"technicalData", {{"ip", nullptr}}}});
  return call;
}

}  // namespace

VeriffSimCall simulate_veriff_call(const LmdbStore& db, const TaskAttempt& attempt,
                                   const NewUuid& new_uuid, const VeriffSimOptions& options) {
  auto request = v::plan_veriff_request(attempt.resource, attempt.parameters);
  if (!request) {
    VeriffSimCall refused;
    refused.outcome = TaskOutcome::failure(request.error().error, request.error().cause());
    return refused;
  }
  if (request->resource == v::kSessionsCreate)
    return create_session(db, attempt, *request, new_uuid, options);
  return get_decision(db, *request);
}

std::optional<EpochMillis> next_decision_due(const LmdbStore& db) {
  std::optional<EpochMillis> due;
  db.scan(Table::kVeriffSim, kDuePrefix, [&](std::string_view key, std::string_view) {
    due = due_of(key);
    return !due;  // the first readable one is the earliest
  });
  return due;
}

Decided decide_due_sessions(const LmdbStore& db, EpochMillis now, const NewUuid& new_uuid,
                            const VeriffSimOptions& options) {
  Decided decided;
  std::vector<std::string> due_rows;
  db.scan(Table::kVeriffSim, kDuePrefix, [&](std::string_view key, std::string_view) {
    const auto due = due_of(key);
    if (due && *due > now) return false;
    due_rows.emplace_back(key);
    return true;
  });
  for (const auto& row : due_rows) {
    decided.writes.erase(Table::kVeriffSim, row);
    const auto slash = row.rfind('/');
    const std::string id = row.substr(slash + 1);
    auto session = stored_object(db, session_key(id));
    if (!session || session->contains("decision")) continue;  // gone, or decided already
    const auto* ver = session->if_contains("verification");
    v::DecisionInput input;
    input.session_id = id;
    if (const auto* a = session->if_contains("attemptId"); a && a->is_string())
      input.attempt_id = std::string(a->as_string());
    else
      input.attempt_id = new_uuid();
    if (ver && ver->is_object()) input.verification = ver->as_object();
    input.status = std::string(v::simulated_status(input.verification));
    if (const auto* c = session->if_contains("createdAt"); c && c->is_int64())
      input.created_at = c->as_int64();
    input.decided_at = now;
    json::object body = v::decision_body(input);
    (*session)["status"] = input.status;
    (*session)["decision"] = body;
    decided.writes.put(Table::kVeriffSim, session_key(id), json::serialize(*session));
    if (options.webhooks) {
      std::string text = json::serialize(body);
      decided.writes.put(Table::kVeriffSim, std::string(kWebhookPrefix) + id, text);
      decided.webhooks.emplace_back(id, std::move(text));
    }
  }
  return decided;
}

Webhooks undelivered_decisions(const LmdbStore& db) {
  Webhooks out;
  db.scan(Table::kVeriffSim, kWebhookPrefix, [&](std::string_view key, std::string_view value) {
    out.emplace_back(std::string(key.substr(kWebhookPrefix.size())), std::string(value));
    return true;
  });
  return out;
}

std::optional<std::string> undelivered_decision(const LmdbStore& db,
                                                const std::string& session_id) {
  return db.get(Table::kVeriffSim, std::string(kWebhookPrefix) + session_id);
}

WriteBatch mark_decision_delivered(const std::string& session_id) {
  WriteBatch writes;
  writes.erase(Table::kVeriffSim, std::string(kWebhookPrefix) + session_id);
  return writes;
}

boost::json::object list_sessions(const LmdbStore& db, std::size_t limit,
                                  const std::string& starting_after) {
  json::array sessions;
  bool has_more = false;
  db.scan(
      Table::kVeriffSim, kSessionPrefix,
      [&](std::string_view key, std::string_view value) {
        boost::system::error_code ec;
        auto parsed = parse_stored_json(value, ec);
        if (!ec && parsed.is_object()) {
          // Past a full page, a readable row is what has_more promises: the next page is not
          // empty. Unreadable rows before it are skipped here as the next page skips them; the
          // look-ahead needs no bound of its own, as it reads no row the next page would not.
          if (sessions.size() == limit) {
            has_more = true;
            return false;
          }
          sessions.push_back(std::move(parsed));
        } else {
          // Skipped, so one bad row does not take the listing down, but never silently.
          log(LogLevel::kError, "veriff.session_unreadable",
              {{"sessionId", cut_for_display(key.substr(kSessionPrefix.size()))},
               {"table", table_name(Table::kVeriffSim)},
               {"cause", ec ? ec.message() : std::string("not a JSON object")}});
          Metrics::instance().unreadable_row(table_name(Table::kVeriffSim));
        }
        return true;
      },
      starting_after.empty() ? std::string() : session_key(starting_after));
  json::object out{{"sessions", std::move(sessions)}, {"has_more", has_more}};
  return out;
}

}  // namespace settled::adapters::veriff
