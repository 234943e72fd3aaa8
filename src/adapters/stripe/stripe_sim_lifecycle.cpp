#include "adapters/stripe/stripe_sim_lifecycle.hpp"

#include "adapters/stripe/stripe_sim_call.hpp"
#include "domain/json_limits.hpp"
#include "domain/stripe/connect_balance.hpp"

#include <boost/json.hpp>

#include <cstdio>

namespace settled::adapters {

namespace json = boost::json;

namespace {

const std::string kDuePrefix = "payout_due:";
const std::string kBalancePrefix = "balance:";

// A call nobody made, for the events the simulator emits on its own: `request` is null in them.
struct OwnAction {
  TaskAttempt attempt;
  stripe::StripeRequest request;
  sim::SimCall call;
  OwnAction(const LmdbStore& db, EpochMillis now, const SimulatorIds& ids,
            const SimulatorOptions& options)
      : attempt(make_attempt(now)), call{&db, attempt, request, ids, {}, false, &options, {}} {}
  static TaskAttempt make_attempt(EpochMillis now) {
    TaskAttempt a;
    a.now = now;
    return a;
  }
};

std::optional<json::object> load_object(const LmdbStore& db, const std::string& id) {
  auto stored = db.get(Table::kStripeObjects, id);
  if (!stored) return std::nullopt;
  json::value value = parse_stored_json(*stored);
  if (!value.is_object()) return std::nullopt;
  return std::move(value.as_object());
}

bool pending_webhook(const json::value& event) {
  const json::value* pending =
      event.is_object() ? event.as_object().if_contains("pending_webhooks") : nullptr;
  return pending && pending->is_int64() && pending->as_int64() > 0;
}

}  // namespace

const char* payout_failure_code(const std::string& destination) {
  static const std::pair<const char*, const char*> kFailing[] = {
      {"000111111116", "no_account"},         {"000111111113", "account_closed"},
      {"000222222227", "insufficient_funds"}, {"000333333335", "debit_not_authorized"},
      {"000444444440", "invalid_currency"},
  };
  for (const auto& [number, code] : kFailing) {
    if (destination == number) return code;
  }
  return nullptr;
}

std::string payout_due_key(EpochMillis due, const std::string& payout_id) {
  char digits[24];
  std::snprintf(digits, sizeof digits, "%016lld", static_cast<long long>(due < 0 ? 0 : due));
  return kDuePrefix + digits + ":" + payout_id;
}

std::optional<EpochMillis> payout_due_of(std::string_view key) {
  if (key.size() < kDuePrefix.size() + 17 || key.compare(0, kDuePrefix.size(), kDuePrefix) != 0)
    return std::nullopt;
  return std::stoll(std::string(key.substr(kDuePrefix.size(), 16)));
}

std::optional<EpochMillis> next_payout_due(const LmdbStore& db) {
  std::optional<EpochMillis> due;
  db.scan(Table::kStripeObjects, kDuePrefix, [&](std::string_view key, std::string_view) {
    due = payout_due_of(key);
    return false;
  });
  return due;
}

WriteBatch settle_due_payouts(const LmdbStore& db, EpochMillis now, const SimulatorIds& ids,
                              const SimulatorOptions& options) {
  OwnAction own(db, now, ids, options);
  sim::SimCall& call = own.call;
  std::vector<std::pair<std::string, std::string>> due;  // (due key, account)
  db.scan(Table::kStripeObjects, kDuePrefix, [&](std::string_view key, std::string_view value) {
    const auto at = payout_due_of(key);
    if (!at || *at > now) return false;
    due.emplace_back(std::string(key), std::string(value));
    return true;
  });
  for (const auto& [key, account] : due) {
    call.writes.erase(Table::kStripeObjects, key);
    const std::string payout_id = key.substr(kDuePrefix.size() + 17);
    auto payout = load_object(db, payout_id);
    if (!payout || payout->at("status") != "pending") continue;
    const json::value& destination = payout->at("destination");
    const char* failure = destination.is_string()
                              ? payout_failure_code(std::string(destination.as_string()))
                              : nullptr;
    json::object previous{{"status", "pending"}};
    if (failure) {
      (*payout)["status"] = "failed";
      (*payout)["failure_code"] = failure;
      (*payout)["failure_message"] = std::string("The bank could not take the payout (") + failure +
                                     ", a Stripe test account number).";
      // Stripe returns a failed payout's amount to the account's balance.
      json::object balance;
      if (auto stored = db.get(Table::kStripeObjects, kBalancePrefix + account)) {
        json::value v = parse_stored_json(*stored);
        if (v.is_object()) balance = std::move(v.as_object());
      }
      stripe::credit(balance, std::string(payout->at("currency").as_string()),
                     payout->at("amount").as_int64());
      call.writes.put(Table::kStripeObjects, kBalancePrefix + account, json::serialize(balance));
    } else {
      (*payout)["status"] = "paid";
    }
    call.save(Table::kStripeObjects, *payout);
    call.emit("payout.updated", *payout, account, &previous);
    call.emit(failure ? "payout.failed" : "payout.paid", *payout, account);
  }
  return std::move(call.writes);
}

Result<OnboardingCompleted> complete_onboarding(const LmdbStore& db, const std::string& link_id,
                                                EpochMillis now, const SimulatorIds& ids,
                                                const SimulatorOptions& options) {
  auto link = load_object(db, link_id);
  if (!link || link->at("object") != "simulator.account_link")
    return Error{ErrorCode::kNotFound, "no account link \"" + link_id + "\""};
  if (link->if_contains("completed_at"))
    return Error{ErrorCode::kInvalidRequest,
                 "account link \"" + link_id + "\" was used already; create a new one"};
  if (now / 1000 > link->at("expires_at").as_int64())
    return Error{ErrorCode::kInvalidRequest,
                 "account link \"" + link_id +
                     "\" expired (links last 300 seconds, as Stripe's); create a new one"};
  const std::string account_id(link->at("account").as_string());
  auto account = load_object(db, account_id);
  if (!account) return Error{ErrorCode::kNotFound, "no account \"" + account_id + "\""};

  OwnAction own(db, now, ids, options);
  sim::SimCall& call = own.call;
  json::object previous{{"charges_enabled", account->at("charges_enabled")},
                        {"payouts_enabled", account->at("payouts_enabled")},
                        {"details_submitted", account->at("details_submitted")},
                        {"capabilities", account->at("capabilities")},
                        {"requirements", account->at("requirements")}};
  (*account)["charges_enabled"] = true;
  (*account)["payouts_enabled"] = true;
  (*account)["details_submitted"] = true;
  for (auto& [name, status] : (*account)["capabilities"].as_object()) status = "active";
  (*account)["requirements"] =
      json::object{{"currently_due", json::array()}, {"disabled_reason", nullptr}};
  (*link)["completed_at"] = now / 1000;
  call.save(Table::kStripeObjects, *link);
  call.save(Table::kStripeObjects, *account);
  call.emit("account.updated", *account, account_id, &previous);
  return OnboardingCompleted{std::move(*account), std::move(call.writes)};
}

std::vector<std::pair<std::string, std::string>> events_in(const WriteBatch& writes) {
  std::vector<std::pair<std::string, std::string>> events;
  for (const auto& op : writes.ops) {
    if (op.table == Table::kStripeSimEvents && !op.erase) events.emplace_back(op.key, op.value);
  }
  return events;
}

std::vector<std::pair<std::string, std::string>> undelivered_events(const LmdbStore& db) {
  std::vector<std::pair<std::string, std::string>> events;
  db.scan(Table::kStripeSimEvents, "", [&](std::string_view key, std::string_view value) {
    if (pending_webhook(parse_stored_json(value)))
      events.emplace_back(std::string(key), std::string(value));
    return true;
  });
  return events;
}

std::optional<std::string> undelivered_event(const LmdbStore& db, const std::string& event_id) {
  auto stored = db.get(Table::kStripeSimEvents, event_id);
  if (!stored || !pending_webhook(parse_stored_json(*stored))) return std::nullopt;
  return stored;
}

WriteBatch mark_delivered(const LmdbStore& db, const std::string& event_id) {
  WriteBatch writes;
  auto stored = db.get(Table::kStripeSimEvents, event_id);
  if (!stored) return writes;
  json::value event = parse_stored_json(*stored);
  if (!event.is_object()) return writes;
  const json::value* pending = event.as_object().if_contains("pending_webhooks");
  if (!pending || *pending == 0) return writes;
  event.as_object()["pending_webhooks"] = 0;
  writes.put(Table::kStripeSimEvents, event_id, json::serialize(event));
  return writes;
}

json::object list_objects(const LmdbStore& db, Table table, const std::string& prefix,
                          const char* url, std::size_t limit, const std::string& starting_after) {
  json::array data;
  bool has_more = false;
  db.scan(
      table, prefix,
      [&](std::string_view, std::string_view value) {
        if (limit != 0 && data.size() == limit) {
          has_more = true;
          return false;
        }
        data.push_back(parse_stored_json(value));
        return true;
      },
      starting_after);
  return sim::stripe_list(url, has_more, std::move(data));
}

Result<json::object> account_balance(const LmdbStore& db, const std::string& account_id) {
  auto account = load_object(db, account_id);
  if (!account || account->at("object") != "account")
    return Error{ErrorCode::kNotFound, "no account \"" + account_id + "\""};
  json::array available;
  if (auto stored = db.get(Table::kStripeObjects, kBalancePrefix + account_id)) {
    json::value balance = parse_stored_json(*stored);
    if (balance.is_object()) {
      for (const auto& [currency, amount] : balance.as_object())
        available.push_back(json::object{{"amount", amount}, {"currency", currency}});
    }
  }
  return json::object{{"object", "balance"},
                      {"account", account_id},
                      {"available", std::move(available)},
                      {"livemode", false}};
}

}  // namespace settled::adapters
