#include "settlectl/render.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace settled::ctl {

namespace json = boost::json;

namespace {

// A field as text: strings bare, numbers and the rest as JSON, missing as "-".
std::string text(const json::value& object, const char* key) {
  if (!object.is_object()) return "-";
  const json::value* v = object.as_object().if_contains(key);
  if (!v || v->is_null()) return "-";
  if (v->is_string()) return std::string(v->as_string());
  return json::serialize(*v);
}

std::string fixed(double value, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

double number(const json::value& object, const char* key) {
  const json::value* v = object.is_object() ? object.as_object().if_contains(key) : nullptr;
  return v && v->is_number() ? v->to_number<double>() : 0.0;
}

// One line per limited downstream: "stripe: queue 3/250, in flight 8/8, 25/s; throttled 40,
// 429s 1 (retried 1), dropped 0 past deadline, 0 queue full".
std::string downstreams(const json::value& r) {
  const json::value* all = r.as_object().if_contains("downstreams");
  if (!all || !all->is_object() || all->as_object().empty())
    return "none limited (the Stripe simulator is in-process)";
  std::string out;
  for (const auto& [name, d] : all->as_object()) {
    const json::value& limits = d.at("limits");
    const json::value& dropped = d.at("dropped");
    out += (out.empty() ? "" : "; ") + std::string(name) + ": queue " + text(d, "queueDepth") +
           "/" + text(limits, "queue") + ", in flight " + text(d, "inFlight") + "/" +
           text(limits, "concurrent") + ", " + text(limits, "requestsPerSecond") +
           "/s, throttled " + text(d, "throttled") + ", 429s " + text(d, "rateLimited") +
           " (retried " + text(d, "retried") + "), dropped " + text(dropped, "deadline") +
           " past deadline and " + text(dropped, "queueFull") + " queue full";
  }
  return out;
}

std::string status(const json::value& r) {
  const auto& store = r.at("store");
  const auto& counts = r.at("executions");
  std::string open;
  for (const auto& [name, count] : r.at("openExecutions").as_object())
    open += (open.empty() ? "" : ", ") + std::string(name) + " " + json::serialize(count);
  return table(
      {{"version", text(r, "version")},
       {"uptime", text(r, "uptimeSeconds") + " s"},
       {"ingestion", text(r, "ingestion")},
       {"open executions", open.empty() ? "none" : open},
       {"execution actors", text(r, "runningExecutions")},
       {"quarantined",
        text(r, "quarantinedExecutions") + " (settlectl executions list --status=QUARANTINED)"},
       {"since start", "started " + text(counts, "started") + ", succeeded " +
                           text(counts, "succeeded") + ", failed " + text(counts, "failed")},
       {"store", std::string(text(store, "writable") == "false" ? "NOT WRITABLE, " : "") +
                     fixed(number(store, "usedBytes") / 1048576.0, 1) + " MiB of " +
                     fixed(number(store, "mapSize") / 1048576.0, 0) + " MiB (" +
                     fixed(number(store, "mapUsePercent"), 2) + "% of the map)"},
       {"commits", text(store, "commits") + " (" + fixed(number(store, "commitsPerSecond"), 1) +
                       "/s), operations " + text(store, "operations") + " (" +
                       fixed(number(store, "operationsPerSecond"), 1) + "/s)"},
       {"downstreams", downstreams(r)},
       {"log level", text(r, "logLevel")}});
}

std::string list(const json::value& r) {
  std::vector<std::vector<std::string>> rows{{"EXECUTION", "STATUS", "STARTED", "STOPPED"}};
  for (const auto& e : r.at("executions").as_array())
    rows.push_back(
        {text(e, "executionId"), text(e, "status"), text(e, "startDate"), text(e, "stopDate")});
  std::string out = table(rows);
  if (r.as_object().contains("nextCursor")) out += "more: --cursor=" + text(r, "nextCursor") + "\n";
  return out;
}

std::string describe(const json::value& r) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& [key, value] : r.as_object())
    rows.push_back({std::string(key),
                    value.is_string() ? std::string(value.as_string()) : json::serialize(value)});
  return table(rows);
}

// The most telling part of an event's details: a state name, an error, or nothing.
std::string event_summary(const json::value& event) {
  for (const auto& [key, value] : event.as_object()) {
    if (!value.is_object()) continue;
    const auto& details = value.as_object();
    if (details.contains("name")) return text(value, "name");
    if (details.contains("error") && !text(value, "error").empty())
      return text(value, "error") + ": " + text(value, "cause");
    if (details.contains("cause")) return text(value, "cause");
    if (details.contains("state")) return text(value, "state");
  }
  return "";
}

std::string history(const json::value& r) {
  std::vector<std::vector<std::string>> rows{{"ID", "TIMESTAMP", "TYPE", "DETAIL"}};
  for (const auto& e : r.at("events").as_array())
    rows.push_back({text(e, "id"), text(e, "timestamp"), text(e, "type"), event_summary(e)});
  return table(rows);
}

std::string workflows(const json::value& r) {
  std::vector<std::vector<std::string>> rows{
      {"STATE MACHINE", "VERSION", "VERSIONS", "REGISTERED AT", "SOURCE", "START AT", "STATES"}};
  for (const auto& m : r.at("stateMachines").as_array()) {
    if (m.is_string()) {
      rows.push_back({std::string(m.as_string()), "-", "-", "-", "-", "-", "-"});
    } else {
      rows.push_back({text(m, "name"), text(m, "version"), text(m, "versions"),
                      text(m, "registeredAt"), text(m, "source"), text(m, "startAt"),
                      text(m, "states")});
    }
  }
  std::string out = table(rows);
  // A reload also says which files became new versions.
  if (const auto* registered = r.as_object().if_contains("registered"))
    for (const auto& v : registered->as_array())
      out += "registered " + text(v, "name") + " version " + text(v, "version") + "\n";
  // One page of a list (--limit or --starting-after) says where the next begins.
  if (const auto* more = r.as_object().if_contains("has_more"); more && *more == true)
    out +=
        "(more: --starting-after=" + text(r.at("stateMachines").as_array().back(), "name") + ")\n";
  return out;
}

}  // namespace

std::string table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths;
  for (const auto& row : rows) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  std::ostringstream out;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(widths[i] - row[i].size() + 2, ' ');
    }
    out << line << "\n";
  }
  return out.str();
}

std::string balances(const json::value& r) {
  std::vector<std::vector<std::string>> rows{{"CURRENCY", "AVAILABLE", "HELD", "FROZEN"}};
  for (const auto& [currency, b] : r.at("balances").as_object())
    rows.push_back(
        {std::string(currency), text(b, "available"), text(b, "held"), text(b, "frozen")});
  return "account " + text(r, "account") + "\n" + table(rows);
}

std::string journal(const json::value& r) {
  std::vector<std::vector<std::string>> rows{
      {"SEQ", "ENTRY", "OP", "ACCOUNT", "CURRENCY", "BUCKET", "DELTA", "BEFORE", "AFTER"}};
  for (const auto& e : r.at("entries").as_array()) {
    for (const auto& leg : e.at("legs").as_array())
      rows.push_back({text(e, "sequence"), text(e, "id"), text(e, "op"), text(leg, "account"),
                      text(leg, "currency"), text(leg, "bucket"), text(leg, "delta"),
                      text(leg, "before"), text(leg, "after")});
  }
  std::string out = table(rows);
  if (r.as_object().contains("nextAfter")) out += "more: --after=" + text(r, "nextAfter") + "\n";
  return out;
}

std::string webhooks(const json::value& r) {
  std::vector<std::vector<std::string>> rows{
      {"ID", "TYPE", "OBJECT", "CREATED", "RECEIVED", "CORRELATION KEYS"}};
  for (const auto& e : r.at("events").as_array()) {
    std::string keys;
    if (const json::value* k = e.as_object().if_contains("correlationKeys"); k && k->is_array())
      for (const auto& key : k->as_array())
        keys += (keys.empty() ? "" : ",") + std::string(key.as_string());
    rows.push_back({text(e, "id"), text(e, "type"), text(e, "objectId"), text(e, "created"),
                    text(e, "receivedAt"), keys.empty() ? "-" : keys});
  }
  std::string out = table(rows);
  if (r.as_object().contains("nextAfter")) out += "more: --after=" + text(r, "nextAfter") + "\n";
  return out;
}

std::string reconcile(const json::value& r) {
  std::vector<std::vector<std::string>> totals{
      {"CURRENCY", "AVAILABLE", "HELD", "FROZEN", "IN", "OUT"}};
  for (const auto& [currency, t] : r.at("currencies").as_object())
    totals.push_back({std::string(currency), text(t, "available"), text(t, "held"),
                      text(t, "frozen"), text(t, "in"), text(t, "out")});
  std::string out = text(r, "accounts") + " accounts, " + text(r, "escrows") + " escrows, " +
                    text(r, "journalEntries") + " journal entries (" + text(r, "millis") +
                    " ms)\n" + table(totals);
  const auto& found = r.at("discrepancies").as_array();
  if (found.empty()) return out + "reconciled: every invariant holds\n";
  std::vector<std::vector<std::string>> rows{
      {"KIND", "ACCOUNT", "CURRENCY", "BUCKET", "ESCROW", "ENTRY", "EXPECTED", "FOUND", "MESSAGE"}};
  for (const auto& d : found)
    rows.push_back({text(d, "kind"), text(d, "account"), text(d, "currency"), text(d, "bucket"),
                    text(d, "escrowId"), text(d, "entryId"), text(d, "expected"), text(d, "found"),
                    text(d, "message")});
  return out + std::to_string(found.size()) + " DISCREPANCIES\n" + table(rows);
}

// notifications list: one line per notification, newest first.
std::string notifications(const json::value& r) {
  std::vector<std::vector<std::string>> rows{{"ID", "TYPE", "READ", "CREATED", "TITLE"}};
  for (const auto& n : r.at("notifications").as_array())
    rows.push_back({text(n, "id"), text(n, "type"), text(n, "isRead"), text(n, "createdAt"),
                    text(n, "title")});
  return table(rows) + (r.at("has_more").as_bool() ? "(more: --starting-after=LAST_ID)\n" : "");
}

std::string dead_letters(const json::value& r) {
  std::vector<std::vector<std::string>> rows{{"ID", "USER", "ATTEMPTS", "DEAD AT", "LAST ERROR"}};
  for (const auto& d : r.at("deadLetters").as_array())
    rows.push_back({text(d, "id"), text(d, "userId"), text(d, "attempts"), text(d, "deadAt"),
                    text(d, "lastError")});
  return table(rows);
}

std::string render(const std::string& command, const json::value& r) {
  try {
    if (command == "status") return status(r);
    if (command == "executions.list") return list(r);
    if (command == "executions.describe" || command == "executions.stop" ||
        command == "executions.redrive")
      return describe(r);
    if (command == "executions.history") return history(r);
    if (command == "workflows.list" || command == "workflows.reload") return workflows(r);
    if (command == "workflows.register")
      return text(r, "name") + ": version " + text(r, "version") +
             (r.at("created").as_bool() ? " registered\n" : " (unchanged, already the latest)\n");
    if (command == "workflows.validate")
      return text(r, "name") + ": valid (" + text(r, "states") + " states, starts at " +
             text(r, "startAt") + ")\n";
    if (command == "ingest.pause" || command == "ingest.resume")
      return "ingestion: " + text(r, "ingestion") + "\n";
    if (command == "backup")
      return "backup written to " + text(r, "path") + " (" + text(r, "bytes") + " bytes in " +
             text(r, "millis") + " ms)\n";
    if (command == "log-level") return "log level: " + text(r, "level") + "\n";
    if (command.rfind("tasks.", 0) == 0) return command.substr(6) + " accepted\n";
    if (command == "balances") return balances(r);
    if (command == "journal") return journal(r);
    if (command == "reconcile") return reconcile(r);
    if (command == "webhooks.list") return webhooks(r);
    if (command == "notifications.list") return notifications(r);
    if (command == "notifications.dead-letters") return dead_letters(r);
    if (command == "notifications.read")
      return text(r, "id") + ": read at " + text(r, "readAt") + "\n";
    if (command == "notifications.redeliver")
      return text(r, "id") + ": " + text(r, "status") + "\n";
  } catch (const std::exception&) {
    // An answer of an unexpected shape (a newer daemon): show it as it came.
  }
  return json::serialize(r) + "\n";
}

}  // namespace settled::ctl
