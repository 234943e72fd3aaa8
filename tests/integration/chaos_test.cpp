// Chaos, repeatable: the daemon is SIGKILLed at random moments, many times, under mixed load
// (new payments, replays of acknowledged ones, deposits and transfers, escrow holds that expire
// by themselves a few seconds later unless released first, executions that wait on a durable
// timer and then on a task token answered by a callback). Each client keeps its own
// model of what it sent and what was acknowledged; after every kill it first re-sends the
// request whose answer the kill swallowed (same name or key). At the end: every acknowledged
// execution is final and SUCCEEDED, every payment id was charged at most once (exactly once if
// acknowledged), every acknowledged ledger operation is in the journal exactly once, every
// acknowledged hold ended released or expired (its expiry outlived the kills), balances add up
// to what the clients deposited, and `settlectl reconcile` exits 0.
//
// The ledger's account rows are folded from their log in rounds of a few rows, so kills also
// land inside rounds.
//
// SETTLED_CHAOS_KILLS sets the number of kills (CI: a short run; scripts/chaos.sh: 100), and
// SETTLED_CHAOS_SEED the random seed (printed, so a failing run can be repeated).

#include "domain/time.hpp"
#include "integration/ledger_fixture.hpp"

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <thread>

namespace settled::testing {
namespace {

namespace json = boost::json;

constexpr int kClients = 4;
constexpr int kAccounts = 6;

int env_int(const char* name, int fallback) {
  const char* text = std::getenv(name);
  return text && *text ? std::atoi(text) : fallback;
}

enum class Kind { kPayment, kReplay, kDeposit, kTransfer, kHold, kRelease, kWaiting };

struct Sent {
  Kind kind = Kind::kPayment;
  std::string id;  // execution name or ledger idempotency key
  std::string path;
  std::string body;
  std::int64_t amount = 0;
};

// What every client sent and what the daemon acknowledged: the independent model the final
// checks compare the daemon against.
struct Model {
  std::mutex mutex;
  std::set<std::string> payments_sent, payments_acked, waits_acked;
  std::map<std::string, std::int64_t> deposits_acked;  // key -> amount
  std::set<std::string> ledger_acked, ledger_sent;
  std::set<std::string> holds_acked;  // escrow ids (each hold's escrow id is its key)
  std::vector<std::string> problems;
  std::map<int, int> statuses;
  std::size_t acks = 0;

  void problem(std::string text) {
    std::lock_guard<std::mutex> lock(mutex);
    problems.push_back(std::move(text));
  }
};

std::string payment_input(const std::string& id, std::int64_t amount) {
  return json::serialize(json::object{{"paymentId", id},
                                      {"customerId", "c-" + id},
                                      {"amount", amount},
                                      {"currency", "USD"},
                                      {"paymentMethod", "pm_card_visa"}});
}

std::string start_body(const std::string& machine, const std::string& name,
                       const std::string& input) {
  return R"({"stateMachine":")" + machine + R"(","name":")" + name + R"(","input":)" + input + "}";
}

class ChaosClient {
 public:
  ChaosClient(int id, Model& model, std::uint64_t seed) : id_(id), model_(model), rng_(seed) {}

  // Sends until `stop`, or until the daemon goes away (then the last request's outcome is
  // unknown and is sent again, first thing, next time).
  void run(std::uint16_t port, const std::atomic<bool>& stop) {
    HttpClient client("127.0.0.1", port);
    client.set_timeout(std::chrono::seconds(20));
    if (unknown_) {
      Sent again = *unknown_;
      unknown_.reset();
      if (!send(client, again, true)) return;
    }
    while (!stop) {
      if (!send(client, next(), false)) return;
    }
  }

  // After the last restart: the request the last kill cut off, if any.
  void finish(std::uint16_t port) {
    if (!unknown_) return;
    HttpClient client("127.0.0.1", port);
    Sent again = *unknown_;
    unknown_.reset();
    if (!send(client, again, true)) model_.problem("the daemon went away during the final resend");
  }

 private:
  std::int64_t pick(std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng_);
  }
  std::string account() { return "chaos-" + std::to_string(pick(0, kAccounts - 1)); }
  std::string fresh(const char* prefix) {
    return std::string(prefix) + std::to_string(id_) + "-" + std::to_string(++counter_);
  }

  Sent next() {
    Sent s;
    const auto roll = pick(0, 99);
    if (roll < 10 && !acked_payments_.empty()) {
      s = acked_payments_[static_cast<std::size_t>(pick(0, acked_payments_.size() - 1))];
      s.kind = Kind::kReplay;
    } else if (roll < 45) {
      s.kind = Kind::kPayment;
      s.id = fresh("pay-");
      s.amount = pick(100, 99'999);
      s.path = "/v1/executions";
      s.body = start_body("payment", s.id, payment_input(s.id, s.amount));
    } else if (roll < 70) {
      s.kind = Kind::kDeposit;
      s.id = fresh("dep-");
      s.amount = pick(1, 5'000);
      s.path = "/v1/accounts/" + account() + "/deposits";
      s.body = json::serialize(
          json::object{{"amount", s.amount}, {"currency", "USD"}, {"idempotencyKey", s.id}});
    } else if (roll < 76) {
      s.kind = Kind::kHold;
      s.id = fresh("hold-");
      std::string payer = account(), payee = account();
      while (payee == payer) payee = account();
      // Due within seconds: most expire across a kill or two, a few are released first.
      const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
      s.path = "/v1/ledger/operations";
      s.body = json::serialize(
          json::object{{"operation", "hold"},
                       {"idempotencyKey", s.id},
                       {"parameters",
                        {{"escrowId", s.id},
                         {"payer", payer},
                         {"payee", payee},
                         {"amount", pick(1, 1'000)},
                         {"currency", "USD"},
                         {"expiresAt", format_timestamp(now + pick(500, 4'000))}}}});
    } else if (roll < 79 && !acked_holds_.empty()) {
      s.kind = Kind::kRelease;
      s.id = fresh("rel-");
      const std::string& escrow =
          acked_holds_[static_cast<std::size_t>(pick(0, acked_holds_.size() - 1))];
      s.path = "/v1/ledger/operations";
      s.body = json::serialize(json::object{{"operation", "release"},
                                            {"idempotencyKey", s.id},
                                            {"parameters", {{"escrowId", escrow}}}});
    } else if (roll < 85) {
      s.kind = Kind::kTransfer;
      s.id = fresh("xfer-");
      std::string from = account(), to = account();
      while (to == from) to = account();
      s.path = "/v1/ledger/operations";
      s.body = json::serialize(json::object{{"operation", "transfer"},
                                            {"idempotencyKey", s.id},
                                            {"parameters",
                                             {{"from", from},
                                              {"to", to},
                                              {"amount", pick(1, 2'000)},
                                              {"currency", "USD"},
                                              {"kind", "chaos"}}}});
    } else {
      s.kind = Kind::kWaiting;
      s.id = fresh("wait-");
      s.path = "/v1/executions";
      s.body = start_body("chaos-wait", s.id, R"({"n":)" + std::to_string(counter_) + "}");
    }
    return s;
  }

  bool send(HttpClient& client, const Sent& s, bool resend) {
    {
      std::lock_guard<std::mutex> lock(model_.mutex);
      if (s.kind == Kind::kPayment) model_.payments_sent.insert(s.id);
      if (s.kind == Kind::kDeposit || s.kind == Kind::kTransfer || s.kind == Kind::kHold ||
          s.kind == Kind::kRelease)
        model_.ledger_sent.insert(s.id);
    }
    HttpResult res;
    try {
      res = client.post(s.path, s.body);
      // A resend must learn the outcome: the first attempt may have been committed, so a shed
      // answer here would leave the model not knowing what the daemon holds. Ask again.
      const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
      while (resend && (res.status == 503 || res.status == 429) &&
             std::chrono::steady_clock::now() < until) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        res = client.post(s.path, s.body);
      }
    } catch (const std::exception&) {
      unknown_ = s;
      return false;
    }
    std::lock_guard<std::mutex> lock(model_.mutex);
    ++model_.statuses[static_cast<int>(res.status)];
    const bool ok = res.status == 200 || res.status == 201;
    // Shed load (503/429) is a refusal that changes nothing: allowed, never acknowledged.
    const bool shed = res.status == 503 || res.status == 429;
    const std::string what = s.id + " (" + s.path + (resend ? ", resent" : "") + "): ";
    switch (s.kind) {
      case Kind::kPayment:
      case Kind::kWaiting:
        if (ok) {
          (s.kind == Kind::kPayment ? model_.payments_acked : model_.waits_acked).insert(s.id);
          if (s.kind == Kind::kPayment) acked_payments_.push_back(s);
          ++model_.acks;
        } else if (!shed) {
          model_.problems.push_back(what + std::to_string(res.status) + " " + res.body);
        }
        break;
      case Kind::kReplay:
        // The same name and input again: the same execution, never a second one.
        if (res.status != 200 && !shed)
          model_.problems.push_back(what + "replay answered " + std::to_string(res.status) + " " +
                                    res.body);
        break;
      case Kind::kDeposit:
      case Kind::kTransfer:
        if (ok) {
          model_.ledger_acked.insert(s.id);
          if (s.kind == Kind::kDeposit) model_.deposits_acked[s.id] = s.amount;
          ++model_.acks;
        } else if (s.kind == Kind::kDeposit && !shed) {
          model_.problems.push_back(what + std::to_string(res.status) + " " + res.body);
        } else if (s.kind == Kind::kTransfer && res.status != 409 && !shed) {
          // 409: insufficient funds, a refusal the model expects.
          model_.problems.push_back(what + std::to_string(res.status) + " " + res.body);
        }
        break;
      case Kind::kHold:
      case Kind::kRelease:
        if (ok) {
          model_.ledger_acked.insert(s.id);
          if (s.kind == Kind::kHold) {
            model_.holds_acked.insert(s.id);
            acked_holds_.push_back(s.id);
          }
          ++model_.acks;
        } else if (res.status != 409 && !shed) {
          // 409: insufficient funds for a hold; a release of an escrow that expired already.
          model_.problems.push_back(what + std::to_string(res.status) + " " + res.body);
        }
        break;
    }
    return true;
  }

  int id_;
  Model& model_;
  std::mt19937_64 rng_;
  int counter_ = 0;
  std::vector<Sent> acked_payments_;
  std::vector<std::string> acked_holds_;
  std::optional<Sent> unknown_;
};

std::string waiting_workflow() {
  json::object wait{{"Type", "Wait"}, {"Seconds", 2}, {"Next", "Ask"}};
  json::object ask{{"Type", "Task"},
                   {"Resource", "settled:records.put.waitForTaskToken"},
                   {"Parameters",
                    {{"collection", "chaos-tokens"},
                     {"key.$", "$$.Execution.Name"},
                     {"record", {{"token.$", "$$.Task.Token"}}}}},
                   {"TimeoutSeconds", 3600},
                   {"ResultPath", "$.answer"},
                   {"End", true}};
  return json::serialize(
      json::object{{"StartAt", "Pause"}, {"States", {{"Pause", wait}, {"Ask", ask}}}});
}

class Chaos : public LedgerTest {
 protected:
  void add_workflows() override { write_workflow("chaos-wait", waiting_workflow()); }
  // Rounds of a few rows: the ledger's account rows are folded from their log into the B-tree
  // again and again, so kills land before, inside and after rounds (docs/ledger.md "Storage").
  std::vector<std::string> daemon_flags() const override { return {"--ledger-fold-from-keys=16"}; }

  // Answers the task token of every acknowledged waiting execution that has published one.
  // A token answered twice (its first answer's commit was cut by a kill or not) is fine.
  void answer_callbacks(Model& model, std::set<std::string>& answered) {
    std::set<std::string> waits;
    {
      std::lock_guard<std::mutex> lock(model.mutex);
      waits = model.waits_acked;
    }
    for (const auto& name : waits) {
      if (answered.count(name)) continue;
      auto record = client_->get("/v1/records/chaos-tokens/" + name);
      if (record.status != 200) continue;
      const std::string token(record.json().at("record").at("token").as_string());
      auto res = client_->post(
          "/v1/tasks/success",
          json::serialize(json::object{{"taskToken", token}, {"output", {{"ok", true}}}}));
      if (res.status == 200 || res.status == 409) answered.insert(name);
    }
  }
};

TEST_F(Chaos, RandomKillsUnderMixedLoadLoseNothingAndPayOnce) {
  const int kills = env_int("SETTLED_CHAOS_KILLS", 5);
  const std::uint64_t seed = static_cast<std::uint64_t>(
      env_int("SETTLED_CHAOS_SEED", static_cast<int>(std::random_device{}() & 0x7fffffff)));
  std::cout << "chaos: " << kills << " kills, seed " << seed << std::endl;
  std::mt19937_64 rng(seed);

  Model model;
  std::vector<std::unique_ptr<ChaosClient>> clients;
  for (int c = 0; c < kClients; ++c)
    clients.push_back(std::make_unique<ChaosClient>(c, model, seed * 31 + c));

  // Tokens answered (200) or found already answered (409): durable, never asked again, so a
  // round of callbacks costs only the executions still waiting for theirs.
  std::set<std::string> answered;
  for (int kill = 0; kill < kills; ++kill) {
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
    std::size_t acks_before = 0;
    {
      std::lock_guard<std::mutex> lock(model.mutex);
      acks_before = model.acks;
    }
    for (auto& c : clients)
      threads.emplace_back([&, client = c.get(), port = port_] { client->run(port, stop); });
    // Kill at a random moment, but only once this life of the daemon has acknowledged
    // something: a daemon that makes no progress is a failure, not a kill point.
    const auto earliest =
        std::chrono::steady_clock::now() +
        std::chrono::milliseconds(std::uniform_int_distribution<int>(50, 1200)(rng));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    const auto has_progressed = [&] {
      std::lock_guard<std::mutex> lock(model.mutex);
      return model.acks > acks_before;
    };
    while (std::chrono::steady_clock::now() < deadline) {
      if (has_progressed() && std::chrono::steady_clock::now() >= earliest) break;
      answer_callbacks(model, answered);
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    // Read again: the last round of callbacks may have outlasted the deadline.
    const bool progressed = has_progressed();
    daemon_->kill9();
    stop = true;
    for (auto& t : threads) t.join();
    ASSERT_TRUE(progressed) << "kill " << kill << ": the daemon acknowledged nothing in 60 s";
    client_.reset();
    start_with(extra_);
  }

  for (auto& c : clients) c->finish(port_);
  {
    std::lock_guard<std::mutex> lock(model.mutex);
    for (const auto& p : model.problems) ADD_FAILURE() << p;
    std::cout << "chaos: acknowledged " << model.payments_acked.size() << " payments, "
              << model.waits_acked.size() << " waiting executions, " << model.ledger_acked.size()
              << " ledger operations (" << model.holds_acked.size() << " holds); answers:";
    for (const auto& [status, n] : model.statuses) std::cout << " " << status << "x" << n;
    std::cout << std::endl;
  }

  // Every acknowledged execution ends, and ends well; waiting ones once their token is answered.
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  std::set<std::string> finished;
  while (finished.size() < model.waits_acked.size() && std::chrono::steady_clock::now() < until) {
    answer_callbacks(model, answered);
    for (const auto& name : model.waits_acked) {
      if (finished.count(name)) continue;
      auto res = client_->get("/v1/executions/chaos-wait:" + name);
      if (res.status == 200 && res.json().at("status").as_string() != "RUNNING")
        finished.insert(name);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  for (const auto& name : model.waits_acked) {
    const auto final = wait_final("chaos-wait:" + name, std::chrono::seconds(5));
    EXPECT_EQ(final.if_contains("status") ? final.at("status").as_string() : "", "SUCCEEDED")
        << name << ": " << json::serialize(final);
  }
  for (const auto& id : model.payments_acked) {
    const auto final = wait_final("payment:" + id);
    EXPECT_EQ(final.if_contains("status") ? final.at("status").as_string() : "", "SUCCEEDED")
        << id << ": " << json::serialize(final);
  }

  // One charge per acknowledged payment id, none twice, none for an id never sent.
  const auto charged = charges();
  for (const auto& id : model.payments_acked)
    EXPECT_EQ(charged.count(id) ? charged.at(id) : 0, 1) << id << " charged wrongly";
  for (const auto& [id, n] : charged) {
    EXPECT_LE(n, 1) << id << " was charged " << n << " times";
    EXPECT_TRUE(model.payments_sent.count(id)) << id << " was charged but never sent";
  }

  // Every acknowledged ledger operation in the journal exactly once; money adds up to what the
  // clients deposited (transfers move it, never make or lose it).
  std::map<std::string, int> journaled;
  std::int64_t total = 0, deposited = 0;
  for (int a = 0; a < kAccounts; ++a) {
    const std::string account = "chaos-" + std::to_string(a);
    std::set<std::string> keys_here;
    for (const auto& entry : journal(account)) {
      const std::string key(entry.at("id").as_string());
      if (keys_here.insert(key).second) ++journaled[key];
    }
    const auto b = balance(account);
    total += b[0] + b[1] + b[2];
  }
  for (const auto& [key, amount] : model.deposits_acked) deposited += amount;
  // In the journals of the accounts it moved money in: a deposit's and a hold's one (a hold
  // moves the payer's available to its held), a transfer's and a release's two.
  const auto accounts_of = [](const std::string& key) {
    return key.rfind("dep-", 0) == 0 || key.rfind("hold-", 0) == 0 ? 1 : 2;
  };
  for (const auto& key : model.ledger_acked)
    EXPECT_EQ(journaled.count(key) ? journaled.at(key) : 0, accounts_of(key))
        << key << " is not journaled as acknowledged";
  for (const auto& [key, n] : journaled) {
    // The daemon's own: an expiry, of a hold some client sent (acknowledged or cut by a kill).
    if (key.rfind("expire/", 0) == 0) {
      EXPECT_TRUE(model.ledger_sent.count(key.substr(7))) << key << " expired an unsent hold";
      continue;
    }
    EXPECT_TRUE(model.ledger_acked.count(key)) << key << " is journaled but was not acknowledged";
  }
  // Every acknowledged hold ends, released or expired by itself: its deadline (seconds after it
  // was made) outlived the kills and restarts in between.
  std::set<std::string> open_holds = model.holds_acked;
  const auto holds_until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!open_holds.empty() && std::chrono::steady_clock::now() < holds_until) {
    for (auto it = open_holds.begin(); it != open_holds.end();) {
      auto escrow = client_->get("/v1/escrows/" + *it);
      const bool ended = escrow.status == 200 && escrow.json().at("status") != "HELD";
      it = ended ? open_holds.erase(it) : std::next(it);
    }
    if (!open_holds.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  for (const auto& id : open_holds) ADD_FAILURE() << "hold " << id << " never expired";
  EXPECT_EQ(total, deposited) << "balances do not add up to the acknowledged deposits";
  reconcile_ok();
}

}  // namespace
}  // namespace settled::testing
