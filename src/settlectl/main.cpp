// settlectl: the admin CLI. Turns a command line into one request on the admin socket
// (docs/admin-protocol.md) and prints the answer as a table, or as JSON with --json.
// Exit status: 0 done, 1 the daemon refused (the error is printed), 2 usage or connection error,
// 3 reconcile found discrepancies (each is printed).

#include "settlectl/admin_client.hpp"
#include "settlectl/render.hpp"

#include <boost/json.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace json = boost::json;
using settled::Result;

constexpr const char* kUsage =
    R"(usage: settlectl [--socket=PATH] [--json] [--timeout=SECONDS] COMMAND

commands:
  status                                  version, uptime, ingestion, open executions, store
  executions list [--state-machine=NAME] [--status=STATUS] [--limit=N] [--cursor=C]
  executions describe ID
  executions history ID
  executions stop ID                      stop a running execution (ABORTED)
  executions redrive ID                   resume a FAILED execution from the state that failed
  ingest pause | ingest resume            new executions get 503 IngestionPaused while paused
  workflows list [--limit=N] [--starting-after=NAME]
                                          latest version of each state machine, in name order:
                                          all of them, or with a flag one page of N (1-100)
  workflows validate FILE                 check an ASL definition without registering it
  workflows register NAME FILE            validate FILE and register it as a new version of NAME
  workflows reload                        re-read the daemon's workflows directory
  backup PATH                             consistent hot copy of the LMDB store into PATH
  tasks success TOKEN OUTPUT_JSON         SendTaskSuccess for a .waitForTaskToken task
  tasks failure TOKEN [--error=E] [--cause=C]
  tasks heartbeat TOKEN
  log-level [debug|info|warn|error]       show or set the daemon's log level
  balances USER                           a ledger account's balances per currency
  journal USER [--after=SEQ] [--limit=N]  a ledger account's journal entries with their legs
  escrow ID                               one escrow
  reconcile                               prove the ledger's invariants; exit 3 on discrepancies
  webhooks list [--after=ID] [--limit=N]  Stripe webhook events received, in event id order
  webhooks show ID                        one Stripe webhook event, with its body as received
  clock show                              the business clock: system or simulated, and its time
  clock advance 7d | clock advance TIME   move a simulated clock by 30s, 15m, 24h, 7d... or to an
                                          RFC 3339 TIME, firing every timer due by then in order
  schedules list | schedules show NAME    durable schedules, with their last and next fire
  schedules put NAME FILE                 create or change NAME from a JSON file {cron,
                                          timezone, stateMachine, input} (docs/schedules.md)
  schedules delete NAME
  notifications list USER [--unread] [--limit=N] [--starting-after=ID]
                                          a user's notifications, newest first
  notifications read USER ID              mark one read (isRead: true)
  notifications dead-letters              notifications the webhook never took
  notifications redeliver ID              send a dead letter to the webhook again
  ping

--socket defaults to ./var/settled.sock; --json prints the daemon's answer as one JSON object.
)";

struct Options {
  std::string socket = "./var/settled.sock";
  bool json = false;
  int timeout = 60;
  std::vector<std::string> words;                          // the command and its operands
  std::vector<std::pair<std::string, std::string>> flags;  // --name=value after the command
};

int usage(const std::string& problem) {
  std::cerr << "settlectl: " << problem << "\n\n" << kUsage;
  return 2;
}

std::string flag(const Options& o, const std::string& name) {
  for (const auto& [n, v] : o.flags)
    if (n == name) return v;
  return {};
}

// --limit N as the request's "limit"; a usage problem if N is not a number.
void put_limit(const Options& o, json::object& request, std::string& problem) {
  const auto v = flag(o, "limit");
  if (v.empty()) return;
  try {
    request["limit"] = std::stoll(v);
  } catch (const std::exception&) {
    problem = "--limit must be a number";
  }
}

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return settled::Error{settled::ErrorCode::kInvalidRequest, "cannot read " + path};
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The request for the command line, or a usage problem in `problem`.
json::object build_request(const Options& o, std::string& problem) {
  const auto& w = o.words;
  const auto operand = [&](std::size_t count) {
    if (w.size() != count)
      problem = "\"" + w[0] + " " + (w.size() > 1 ? w[1] : "") + "\" takes " +
                std::to_string(count - 2) + " operand(s)";
    return problem.empty();
  };
  if (w.empty()) {
    problem = "no command";
    return {};
  }
  if ((w[0] == "status" || w[0] == "ping") && w.size() == 1) return {{"command", w[0]}};
  if (w[0] == "executions" && w.size() >= 2) {
    if (w[1] == "list" && w.size() == 2) {
      json::object r{{"command", "executions.list"}};
      if (auto v = flag(o, "state-machine"); !v.empty()) r["stateMachine"] = v;
      if (auto v = flag(o, "status"); !v.empty()) r["status"] = v;
      if (auto v = flag(o, "cursor"); !v.empty()) r["cursor"] = v;
      put_limit(o, r, problem);
      return r;
    }
    for (const char* sub : {"describe", "history", "stop", "redrive"}) {
      if (w[1] == sub && operand(3))
        return {{"command", "executions." + w[1]}, {"executionId", w[2]}};
    }
  }
  if (w[0] == "ingest" && w.size() == 2 && (w[1] == "pause" || w[1] == "resume"))
    return {{"command", "ingest." + w[1]}};
  if (w[0] == "workflows" && w.size() >= 2) {
    if (w[1] == "list" && w.size() == 2) {
      json::object r{{"command", "workflows.list"}};
      if (auto v = flag(o, "starting-after"); !v.empty()) r["startingAfter"] = v;
      put_limit(o, r, problem);
      return r;
    }
    if (w[1] == "reload" && w.size() == 2) return {{"command", "workflows.reload"}};
    if (w[1] == "validate" && operand(3)) {
      auto text = read_file(w[2]);
      if (!text) {
        problem = text.error().message;
        return {};
      }
      std::string name = std::filesystem::path(w[2]).filename().string();
      if (auto dot = name.find('.'); dot != std::string::npos && dot > 0) name.resize(dot);
      return {{"command", "workflows.validate"}, {"name", name}, {"definition", *text}};
    }
    if (w[1] == "register" && operand(4)) {
      auto text = read_file(w[3]);
      if (!text) {
        problem = text.error().message;
        return {};
      }
      return {{"command", "workflows.register"}, {"name", w[2]}, {"definition", *text}};
    }
  }
  if (w[0] == "tasks" && w.size() >= 3) {
    if (w[1] == "success" && w.size() == 4) {
      boost::system::error_code ec;
      json::value output = json::parse(w[3], ec);
      if (ec) {
        problem = "OUTPUT_JSON is not JSON: " + ec.message();
        return {};
      }
      return {{"command", "tasks.success"}, {"taskToken", w[2]}, {"output", output}};
    }
    if ((w[1] == "failure" || w[1] == "heartbeat") && w.size() == 3)
      return {{"command", "tasks." + w[1]}, {"taskToken", w[2]}};
  }
  if ((w[0] == "balances" || w[0] == "journal") && operand(2)) {
    json::object r{{"command", w[0]}, {"account", w[1]}};
    for (const char* name : {"after", "limit"}) {
      if (auto v = flag(o, name); !v.empty()) {
        try {
          r[name] = std::stoll(v);
        } catch (const std::exception&) {
          problem = std::string("--") + name + " must be a number";
        }
      }
    }
    return r;
  }
  if (w[0] == "escrow" && operand(2)) return {{"command", "escrow"}, {"escrowId", w[1]}};
  if (w[0] == "reconcile" && w.size() == 1) return {{"command", "reconcile"}};
  if (w[0] == "webhooks" && w.size() == 2 && w[1] == "list") {
    json::object r{{"command", "webhooks.list"}};
    if (auto v = flag(o, "after"); !v.empty()) r["after"] = v;
    put_limit(o, r, problem);
    return r;
  }
  if (w[0] == "webhooks" && w.size() >= 2 && w[1] == "show" && operand(3))
    return {{"command", "webhooks.show"}, {"eventId", w[2]}};
  if (w[0] == "backup" && w.size() == 2)
    return {{"command", "backup"},
            {"path", std::filesystem::absolute(w[1]).lexically_normal().string()}};
  if (w[0] == "clock" && w.size() == 2 && w[1] == "show") return {{"command", "clock.show"}};
  if (w[0] == "schedules" && w.size() == 2 && w[1] == "list")
    return {{"command", "schedules.list"}};
  if (w[0] == "schedules" && w.size() >= 2 && (w[1] == "show" || w[1] == "delete") && operand(3))
    return {{"command", "schedules." + w[1]}, {"name", w[2]}};
  if (w[0] == "schedules" && w.size() >= 2 && w[1] == "put" && operand(4)) {
    auto text = read_file(w[3]);
    if (!text) {
      problem = text.error().message;
      return {};
    }
    boost::system::error_code ec;
    auto schedule = json::parse(*text, ec);
    if (ec || !schedule.is_object()) {
      problem = w[3] + " is not a JSON object";
      return {};
    }
    return {{"command", "schedules.put"}, {"name", w[2]}, {"schedule", std::move(schedule)}};
  }
  if (w[0] == "clock" && w.size() >= 2 && w[1] == "advance" && operand(3)) {
    // A duration never holds a 'T' (its units are ms, s, m, h, d); an RFC 3339 time always does.
    const bool at_time = w[2].find('T') != std::string::npos;
    return {{"command", "clock.advance"}, {at_time ? "to" : "by", w[2]}};
  }
  if (w[0] == "notifications" && w.size() >= 2) {
    if (w[1] == "list" && operand(3)) {
      json::object r{{"command", "notifications.list"}, {"userId", w[2]}};
      if (flag(o, "unread") == "true") r["unread"] = true;
      if (auto v = flag(o, "starting-after"); !v.empty()) r["startingAfter"] = v;
      put_limit(o, r, problem);
      return r;
    }
    if (w[1] == "read" && operand(4))
      return {{"command", "notifications.read"}, {"userId", w[2]}, {"notificationId", w[3]}};
    if (w[1] == "dead-letters" && w.size() == 2) return {{"command", "notifications.dead-letters"}};
    if (w[1] == "redeliver" && operand(3))
      return {{"command", "notifications.redeliver"}, {"notificationId", w[2]}};
  }
  if (w[0] == "log-level" && w.size() <= 2) {
    json::object r{{"command", "log-level"}};
    if (w.size() == 2) r["level"] = w[1];
    return r;
  }
  if (problem.empty()) problem = "unknown command line";
  return {};
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      return 0;
    }
    if (arg == "--version" || arg == "version") {
      std::cout << "settlectl 0.1.0" << std::endl;
      return 0;
    }
    if (arg == "--json") {
      o.json = true;
    } else if (arg == "--unread") {
      o.flags.emplace_back("unread", "true");
    } else if (arg.rfind("--socket=", 0) == 0) {
      o.socket = arg.substr(9);
    } else if (arg == "--socket" && i + 1 < argc) {
      o.socket = argv[++i];
    } else if (arg.rfind("--timeout=", 0) == 0) {
      try {
        o.timeout = std::stoi(arg.substr(10));
      } catch (const std::exception&) {
        return usage("--timeout must be a number of seconds");
      }
    } else if (arg.rfind("--", 0) == 0) {
      const auto eq = arg.find('=');
      if (eq == std::string::npos) return usage("option " + arg + " needs =VALUE");
      o.flags.emplace_back(arg.substr(2, eq - 2), arg.substr(eq + 1));
    } else {
      o.words.push_back(arg);
    }
  }
  std::string problem;
  json::object request = build_request(o, problem);
  if (!problem.empty()) return usage(problem);
  for (const auto& [name, value] : o.flags) {
    if (request.at("command") == "tasks.failure" && (name == "error" || name == "cause")) {
      request[name] = value;
      continue;
    }
    if ((request.at("command") == "journal" || request.at("command") == "webhooks.list") &&
        (name == "after" || name == "limit"))
      continue;
    if (request.at("command") == "notifications.list" &&
        (name == "unread" || name == "limit" || name == "starting-after"))
      continue;
    if (request.at("command") == "workflows.list" && (name == "limit" || name == "starting-after"))
      continue;
    if (request.at("command") != "executions.list") return usage("unknown option --" + name);
    if (name != "state-machine" && name != "status" && name != "limit" && name != "cursor")
      return usage("unknown option --" + name);
  }
  const std::string command(request.at("command").as_string());

  // workflows list without a paging flag is the whole list, read a page of 100 at a time.
  const bool every_page = command == "workflows.list" && !request.contains("limit") &&
                          !request.contains("startingAfter");
  if (every_page) request["limit"] = 100;
  const std::chrono::seconds timeout(o.timeout);
  auto reply = every_page ? settled::ctl::call_every_page(o.socket, std::move(request), timeout,
                                                          "stateMachines", "name")
                          : settled::ctl::call(o.socket, std::move(request), timeout);
  if (!reply) {
    std::cerr << "settlectl: " << reply.error().message << std::endl;
    return 2;
  }
  const bool ok = reply->contains("ok") && reply->at("ok") == true;
  if (o.json) {
    std::cout << json::serialize(ok ? reply->at("result") : reply->at("error")) << std::endl;
  } else if (ok) {
    std::cout << settled::ctl::render(command, reply->at("result"));
  }
  if (!ok) {
    const json::value* error = reply->if_contains("error");
    const auto field = [&](const char* key) -> std::string {
      const json::value* v =
          error && error->is_object() ? error->as_object().if_contains(key) : nullptr;
      return v && v->is_string() ? std::string(v->as_string()) : "?";
    };
    std::cerr << "settlectl: " << field("error") << ": " << field("message") << std::endl;
    return 1;
  }
  if (command == "reconcile") {
    const json::value* sound = reply->at("result").as_object().if_contains("ok");
    if (!sound || *sound != true) return 3;
  }
  return 0;
}
