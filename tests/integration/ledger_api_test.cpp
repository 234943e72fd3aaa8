// The ledger over HTTP against the real daemon: every operation, each refusal with its named
// error and nothing changed, idempotent replay, escrows, the journal, expiry (also of a hold
// that fell due while the daemon was down), and settlectl reconcile.

#include "adapters/store/lmdb_store.hpp"
#include "domain/ledger/balance.hpp"
#include "domain/ledger/keys.hpp"
#include "integration/ledger_fixture.hpp"
#include "support/temp_store.hpp"

#include <limits>
#include <thread>

namespace settled::testing {
namespace {

namespace json = boost::json;
using Balances = std::array<std::int64_t, 3>;

class LedgerApi : public LedgerTest {};

TEST_F(LedgerApi, EveryOperation) {
  auto res = deposit("alice", 10'000, "dep-1");
  ASSERT_EQ(res.status, 201u) << res.body;
  EXPECT_EQ(res.json(), json::parse(R"({"account":"alice","balances":{"USD":{"available":10000,)"
                                    R"("held":0,"frozen":0}}})"));

  res = op("hold", "hold-1",
           {{"escrowId", "e1"},
            {"payer", "alice"},
            {"payee", "bob"},
            {"amount", 3000},
            {"currency", "USD"}});
  ASSERT_EQ(res.status, 201u) << res.body;
  EXPECT_EQ(res.json().at("result"), json::parse(R"({"escrowId":"e1","status":"HELD"})"));
  EXPECT_EQ(balance("alice"), (Balances{7000, 3000, 0}));

  // Partial release: 2000 to bob, the other 1000 back to alice.
  res = op("release", "rel-1", {{"escrowId", "e1"}, {"amount", 2000}});
  ASSERT_EQ(res.status, 201u) << res.body;
  EXPECT_EQ(
      res.json().at("result"),
      json::parse(R"({"escrowId":"e1","released":2000,"returned":1000,"status":"RELEASED"})"));
  EXPECT_EQ(balance("alice"), (Balances{8000, 0, 0}));
  EXPECT_EQ(balance("bob"), (Balances{2000, 0, 0}));

  // Full release.
  ASSERT_EQ(op("hold", "hold-2",
               {{"escrowId", "e2"},
                {"payer", "alice"},
                {"payee", "bob"},
                {"amount", 500},
                {"currency", "USD"}})
                .status,
            201u);
  res = op("release", "rel-2", {{"escrowId", "e2"}});
  ASSERT_EQ(res.status, 201u) << res.body;
  EXPECT_EQ(res.json().at("result").at("released"), 500);
  EXPECT_EQ(balance("bob"), (Balances{2500, 0, 0}));

  // Cancel: a refund.
  ASSERT_EQ(op("hold", "hold-3",
               {{"escrowId", "e3"},
                {"payer", "alice"},
                {"payee", "carol"},
                {"amount", 700},
                {"currency", "USD"}})
                .status,
            201u);
  res = op("cancel", "can-3", {{"escrowId", "e3"}});
  ASSERT_EQ(res.status, 201u) << res.body;
  EXPECT_EQ(res.json().at("result"),
            json::parse(R"({"escrowId":"e3","refunded":700,"status":"CANCELLED"})"));
  EXPECT_EQ(balance("alice"), (Balances{7500, 0, 0}));

  // Freeze, unfreeze, freeze again, split.
  ASSERT_EQ(op("hold", "hold-4",
               {{"escrowId", "e4"},
                {"payer", "alice"},
                {"payee", "carol"},
                {"amount", 1000},
                {"currency", "USD"}})
                .status,
            201u);
  res = op("freeze", "frz-4", {{"escrowId", "e4"}});
  ASSERT_EQ(res.status, 201u) << res.body;
  EXPECT_EQ(res.json().at("result").at("status"), "FROZEN");
  EXPECT_EQ(balance("alice"), (Balances{6500, 0, 1000}));
  res = op("unfreeze", "unf-4", {{"escrowId", "e4"}});
  ASSERT_EQ(res.status, 201u) << res.body;
  EXPECT_EQ(res.json().at("result").at("status"), "HELD");
  EXPECT_EQ(balance("alice"), (Balances{6500, 1000, 0}));
  ASSERT_EQ(op("freeze", "frz-4b", {{"escrowId", "e4"}}).status, 201u);
  res = op("split", "spl-4", {{"escrowId", "e4"}, {"payeeAmount", 600}});
  ASSERT_EQ(res.status, 201u) << res.body;
  EXPECT_EQ(res.json().at("result"),
            json::parse(R"({"escrowId":"e4","released":600,"refunded":400,"status":"SPLIT"})"));
  EXPECT_EQ(balance("alice"), (Balances{6900, 0, 0}));
  EXPECT_EQ(balance("carol"), (Balances{600, 0, 0}));

  // Transfers: direct, and minted (a welcome bonus).
  res = op("transfer", "tr-1",
           {{"from", "alice"},
            {"to", "dave"},
            {"amount", 900},
            {"currency", "USD"},
            {"kind", "payout"}});
  ASSERT_EQ(res.status, 201u) << res.body;
  res = op("transfer", "tr-2",
           {{"to", "dave"}, {"amount", 100}, {"currency", "USD"}, {"kind", "welcome_bonus"}});
  ASSERT_EQ(res.status, 201u) << res.body;
  EXPECT_EQ(balance("alice"), (Balances{6000, 0, 0}));
  EXPECT_EQ(balance("dave"), (Balances{1000, 0, 0}));

  // The escrow, as stored.
  const auto e1 = escrow("e1");
  EXPECT_EQ(e1.at("status"), "RELEASED");
  EXPECT_EQ(e1.at("heldBy"), "hold-1");
  EXPECT_EQ(e1.at("resolvedBy"), "rel-1");

  // The journal: one entry per operation with its legs; a release has both users' legs.
  const auto bob = journal("bob");
  ASSERT_EQ(bob.size(), 2u);
  EXPECT_EQ(bob[0].at("id"), "rel-1");
  EXPECT_EQ(bob[0].at("sequence"), 1);
  EXPECT_EQ(bob[0].at("legs").as_array().size(), 3u);  // alice held, bob available, alice back
  EXPECT_EQ(journal("alice").size(), 13u);             // every operation but the minted transfer

  const auto r = reconcile_ok();
  EXPECT_EQ(r.at("currencies").at("USD").at("in"), 10'100);
  EXPECT_EQ(r.at("currencies").at("USD").at("available"), 10'100);

  // settlectl shows balances and the journal too.
  auto shown = ctl({"balances", "alice"});
  EXPECT_EQ(shown.code, 0);
  EXPECT_NE(shown.out.find("6000"), std::string::npos) << shown.out;
  shown = ctl({"journal", "bob"});
  EXPECT_NE(shown.out.find("rel-1"), std::string::npos) << shown.out;
}

TEST_F(LedgerApi, EachRefusalIsNamedAndChangesNothing) {
  ASSERT_EQ(deposit("alice", 1000, "d-a").status, 201u);
  ASSERT_EQ(deposit("erin", 1000, "d-e", "EUR").status, 201u);
  ASSERT_EQ(op("hold", "h-open",
               {{"escrowId", "open"},
                {"payer", "alice"},
                {"payee", "bob"},
                {"amount", 100},
                {"currency", "USD"}})
                .status,
            201u);
  ASSERT_EQ(op("hold", "h-done",
               {{"escrowId", "done"},
                {"payer", "alice"},
                {"payee", "bob"},
                {"amount", 100},
                {"currency", "USD"}})
                .status,
            201u);
  ASSERT_EQ(op("release", "r-done", {{"escrowId", "done"}}).status, 201u);
  ASSERT_EQ(op("hold", "h-frozen",
               {{"escrowId", "frozen"},
                {"payer", "alice"},
                {"payee", "bob"},
                {"amount", 100},
                {"currency", "USD"}})
                .status,
            201u);
  ASSERT_EQ(op("freeze", "f-frozen", {{"escrowId", "frozen"}}).status, 201u);
  const std::vector<std::string> accounts{"alice", "bob", "erin"};
  const std::vector<std::string> escrows{"open", "done", "frozen", "nope", "new"};
  const std::string before = snapshot(accounts, escrows);

  struct Case {
    const char* name;
    std::function<HttpResult()> send;
    unsigned status;
    const char* error;
  };
  const auto raw = [this](std::string body) {
    return [this, body] { return client_->post("/v1/ledger/operations", body); };
  };
  const std::vector<Case> cases{
      {"insufficient funds",
       [&] {
         return op("hold", "x1",
                   {{"escrowId", "new"},
                    {"payer", "alice"},
                    {"payee", "bob"},
                    {"amount", 1'000'000},
                    {"currency", "USD"}});
       },
       409, "InsufficientFunds"},
      {"transfer beyond available",
       [&] {
         return op("transfer", "x2",
                   {{"from", "bob"},
                    {"to", "alice"},
                    {"amount", 101},
                    {"currency", "USD"},
                    {"kind", "k"}});
       },
       409, "InsufficientFunds"},
      {"unknown escrow",
       [&] {
         return op("release", "x3", {{"escrowId", "nope"}});
       },
       404, "UnknownEscrow"},
      {"escrow resolved",
       [&] {
         return op("cancel", "x4", {{"escrowId", "done"}});
       },
       409, "EscrowResolved"},
      {"escrow frozen",
       [&] {
         return op("release", "x5", {{"escrowId", "frozen"}});
       },
       409, "EscrowFrozen"},
      {"currency mismatch",
       [&] {
         return op("release", "x6", {{"escrowId", "open"}, {"currency", "EUR"}});
       },
       409, "CurrencyMismatch"},
      {"release above the escrow",
       [&] {
         return op("release", "x7", {{"escrowId", "open"}, {"amount", 101}});
       },
       400, "InvalidAmount"},
      {"escrow exists",
       [&] {
         return op("hold", "x8",
                   {{"escrowId", "open"},
                    {"payer", "alice"},
                    {"payee", "bob"},
                    {"amount", 1},
                    {"currency", "USD"}});
       },
       409, "EscrowExists"},
      {"unfreeze of a held escrow",
       [&] {
         return op("unfreeze", "x9", {{"escrowId", "open"}});
       },
       409, "EscrowNotFrozen"},
      {"expire without a deadline",
       [&] {
         return op("expire", "x10", {{"escrowId", "open"}});
       },
       409, "EscrowNotExpired"},
      {"idempotency key of another operation",
       [&] {
         return op("cancel", "h-open", {{"escrowId", "open"}});
       },
       409, "IdempotencyConflict"},
      {"float amount",
       raw(R"({"operation":"deposit","idempotencyKey":"x11","parameters":)"
           R"({"account":"alice","amount":1.5,"currency":"USD"}})"),
       400, "InvalidAmount"},
      {"string amount",
       raw(R"({"operation":"deposit","idempotencyKey":"x12","parameters":)"
           R"({"account":"alice","amount":"10","currency":"USD"}})"),
       400, "InvalidAmount"},
      {"negative amount",
       raw(R"({"operation":"deposit","idempotencyKey":"x13","parameters":)"
           R"({"account":"alice","amount":-5,"currency":"USD"}})"),
       400, "InvalidAmount"},
      {"overflowing amount",
       raw(R"({"operation":"deposit","idempotencyKey":"x14","parameters":)"
           R"({"account":"alice","amount":9223372036854775808,"currency":"USD"}})"),
       400, "InvalidAmount"},
      {"deposit that overflows the balance",
       raw(R"({"operation":"deposit","idempotencyKey":"x15","parameters":)"
           R"({"account":"alice","amount":9223372036854775807,"currency":"USD"}})"),
       400, "InvalidAmount"},
      {"unknown parameter",
       raw(R"({"operation":"deposit","idempotencyKey":"x16","parameters":)"
           R"({"account":"alice","amount":5,"currency":"USD","memo":1}})"),
       400, "InvalidRequest"},
      {"bad currency",
       raw(R"({"operation":"deposit","idempotencyKey":"x17","parameters":)"
           R"({"account":"alice","amount":5,"currency":"usd"}})"),
       400, "InvalidRequest"},
      {"unknown operation", raw(R"({"operation":"mint","idempotencyKey":"x18","parameters":{}})"),
       400, "InvalidRequest"},
      {"missing idempotency key",
       raw(R"({"operation":"deposit","parameters":)"
           R"({"account":"alice","amount":5,"currency":"USD"}})"),
       400, "InvalidRequest"},
      {"unknown top-level field",
       raw(R"({"operation":"deposit","idempotencyKey":"x19","extra":true,"parameters":)"
           R"({"account":"alice","amount":5,"currency":"USD"}})"),
       400, "InvalidRequest"},
      {"not JSON", raw("{"), 400, "InvalidJson"},
      {"deposit with a float",
       [&] {
         return client_->post("/v1/accounts/alice/deposits",
                              R"({"amount":0.5,"currency":"USD","idempotencyKey":"x20"})");
       },
       400, "InvalidAmount"},
      {"deposit with an unknown field",
       [&] {
         return client_->post("/v1/accounts/alice/deposits",
                              R"({"amount":5,"currency":"USD","idempotencyKey":"x21","to":"bob"})");
       },
       400, "InvalidRequest"},
      {"deposit without a key",
       [&] {
         return client_->post("/v1/accounts/alice/deposits", R"({"amount":5,"currency":"USD"})");
       },
       400, "InvalidRequest"},
  };
  for (const Case& c : cases) {
    const HttpResult res = c.send();
    EXPECT_EQ(res.status, c.status) << c.name << ": " << res.body;
    json::value body;
    ASSERT_NO_THROW(body = res.json()) << c.name << ": " << res.body;
    ASSERT_TRUE(body.as_object().contains("error")) << c.name << ": " << res.body;
    EXPECT_EQ(body.at("error"), c.error) << c.name << ": " << res.body;
    EXPECT_FALSE(body.at("message").as_string().empty()) << c.name;
  }
  EXPECT_EQ(snapshot(accounts, escrows), before);
  reconcile_ok();
}

TEST_F(LedgerApi, SameKeyReplaysTheStoredResultAndChangesNothing) {
  auto first = deposit("alice", 700, "dep-once");
  ASSERT_EQ(first.status, 201u) << first.body;
  ASSERT_EQ(op("hold", "hold-once",
               {{"escrowId", "e"},
                {"payer", "alice"},
                {"payee", "bob"},
                {"amount", 300},
                {"currency", "USD"}})
                .status,
            201u);
  auto released = op("release", "rel-once", {{"escrowId", "e"}, {"amount", 100}});
  ASSERT_EQ(released.status, 201u);
  const std::string before = snapshot({"alice", "bob"}, {"e"});
  for (int i = 0; i < 3; ++i) {
    auto again = deposit("alice", 700, "dep-once");
    EXPECT_EQ(again.status, 200u) << again.body;
    EXPECT_EQ(again.json(), first.json());  // the stored result, not today's balance
    auto rel = op("release", "rel-once", {{"escrowId", "e"}, {"amount", 100}});
    EXPECT_EQ(rel.status, 200u) << rel.body;
    EXPECT_EQ(rel.json().at("result"), released.json().at("result"));
    EXPECT_EQ(rel.json().at("replayed"), true);
  }
  EXPECT_EQ(snapshot({"alice", "bob"}, {"e"}), before);
  // Concurrent retries of one key: one commit, the rest replays.
  std::vector<std::thread> threads;
  std::atomic<int> created{0}, replayed{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      HttpClient client("127.0.0.1", port_);
      const auto res = client.post("/v1/accounts/carol/deposits",
                                   R"({"amount":5,"currency":"USD","idempotencyKey":"race"})");
      (res.status == 201 ? created : replayed) += res.status == 201 || res.status == 200 ? 1 : 0;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(replayed.load(), 3);
  EXPECT_EQ(balance("carol"), (Balances{5, 0, 0}));
  EXPECT_EQ(journal("carol").size(), 1u);
  reconcile_ok();
}

TEST_F(LedgerApi, ReadsAndRoutes) {
  EXPECT_EQ(client_->get("/v1/accounts/nobody").json(),
            json::parse(R"({"account":"nobody","balances":{}})"));
  EXPECT_EQ(client_->get("/v1/accounts/nobody/journal").json().at("entries").as_array().size(), 0u);
  auto res = client_->get("/v1/escrows/none");
  EXPECT_EQ(res.status, 404u);
  EXPECT_EQ(res.json().at("error"), "UnknownEscrow");
  EXPECT_EQ(client_->get("/v1/accounts/a/deposits").status, 405u);
  EXPECT_EQ(client_->get("/v1/ledger/operations").status, 405u);
  EXPECT_EQ(client_->get("/v1/accounts/a/journal?limit=0").status, 400u);
  // Numbers as a client writes them, nothing a lenient parser would guess at: "-1" once wrapped
  // to the largest sequence (an empty page that looked like the end of the journal).
  for (const char* query : {"after=-1", "after=%2B1", "after=%201", "after=1x", "after=",
                            "after=18446744073709551616", "limit=-5", "limit=1e3", "limit="}) {
    auto bad = client_->get(std::string("/v1/accounts/a/journal?") + query);
    EXPECT_EQ(bad.status, 400u) << query << ": " << bad.body;
    EXPECT_EQ(bad.json().at("error"), "InvalidRequest") << query;
  }
  EXPECT_EQ(client_->get("/v1/state-machines/payment/versions/-1").status, 400u);
  EXPECT_EQ(client_->get("/v1/state-machines/payment/versions/%2B1").status, 400u);
  // Journal paging: 5 entries, pages of 2.
  for (int i = 0; i < 5; ++i)
    ASSERT_EQ(deposit("pager", 1 + i, "p-" + std::to_string(i)).status, 201u);
  res = client_->get("/v1/accounts/pager/journal?limit=2");
  EXPECT_EQ(res.json().at("entries").as_array().size(), 2u);
  EXPECT_EQ(res.json().at("nextAfter"), 2);
  res = client_->get("/v1/accounts/pager/journal?limit=2&after=4");
  EXPECT_EQ(res.json().at("entries").as_array().size(), 1u);
  EXPECT_FALSE(res.json().as_object().contains("nextAfter"));
  EXPECT_EQ(journal("pager").size(), 5u);
}

// Ids are named by GET /v1/accounts/{user} and /v1/escrows/{id}, whose path segments may hold
// no control character, "/" or "\": a hold with escrowId "e\u0001" was taken (201), moved the
// money, and could never be read back. Now such an id is refused, naming the field, and changes
// nothing; an id a segment can carry (percent-encoded) is read back by the GET.
TEST_F(LedgerApi, AnIdNoGetCouldNameIsRefusedAndChangesNothing) {
  ASSERT_EQ(deposit("alice", 1000, "d-a").status, 201u);
  const std::string before = snapshot({"alice"}, {});
  const auto expect_refused = [&](const HttpResult& res, const std::string& field) {
    EXPECT_EQ(res.status, 400u) << res.body;
    const auto body = res.json().as_object();
    EXPECT_EQ(body.size(), 2u) << res.body;
    EXPECT_EQ(body.at("error"), "InvalidRequest") << res.body;
    EXPECT_NE(body.at("message").as_string().find("parameters." + field + ": must not be"),
              std::string::npos)
        << res.body;
  };
  // alice holds 100 for `payee` in escrow `escrow`.
  const auto hold = [&](const std::string& key, const std::string& escrow,
                        const std::string& payee) {
    return op("hold", key,
              {{"escrowId", escrow},
               {"payer", "alice"},
               {"payee", payee},
               {"amount", 100},
               {"currency", "USD"}});
  };
  int n = 0;
  for (const std::string id : {"e\u0001", "e\n1", "e\x7f", "a/b", "a\\b", ".."}) {
    SCOPED_TRACE(id);
    const std::string key = "k-" + std::to_string(++n);
    expect_refused(hold(key + "h", id, "bob"), "escrowId");
    expect_refused(hold(key + "p", "e-" + key, id), "payee");
    expect_refused(
        op("deposit", key + "d", {{"account", id}, {"amount", 100}, {"currency", "USD"}}),
        "account");
    expect_refused(
        op("transfer", key + "t",
           {{"from", "alice"}, {"to", id}, {"amount", 100}, {"currency", "USD"}, {"kind", "gift"}}),
        "to");
  }
  EXPECT_EQ(snapshot({"alice"}, {}), before);
  EXPECT_EQ(balance("bob"), (Balances{0, 0, 0}));
  // What a segment can carry is an id the GET finds, percent-encoded.
  ASSERT_EQ(hold("k-ok", "e 1:\u00e9", "bob b").status, 201u);
  auto held = client_->get("/v1/escrows/e%201:%C3%A9");
  ASSERT_EQ(held.status, 200u) << held.body;
  EXPECT_EQ(held.json().at("payee"), "bob b");
}

TEST_F(LedgerApi, AHoldExpiresByItself) {
  ASSERT_EQ(deposit("alice", 1000, "d").status, 201u);
  const auto due = epoch_millis_now() + 1500;
  auto res = op("hold", "h",
                {{"escrowId", "soon"},
                 {"payer", "alice"},
                 {"payee", "bob"},
                 {"amount", 400},
                 {"currency", "USD"},
                 {"expiresAt", iso(due)}});
  ASSERT_EQ(res.status, 201u) << res.body;
  EXPECT_EQ(balance("alice"), (Balances{600, 400, 0}));
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (escrow("soon").at("status") != "EXPIRED" && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const auto e = escrow("soon");
  ASSERT_EQ(e.at("status"), "EXPIRED") << json::serialize(e);
  EXPECT_EQ(e.at("resolvedBy"), "expire/soon");
  EXPECT_GE(epoch_millis_now(), due);
  EXPECT_EQ(balance("alice"), (Balances{1000, 0, 0}));
  // A release after the expiry is refused.
  EXPECT_EQ(op("release", "r", {{"escrowId", "soon"}}).status, 409u);
  reconcile_ok();
}

TEST_F(LedgerApi, AHoldThatFellDueWhileTheDaemonWasDownExpiresAtStart) {
  ASSERT_EQ(deposit("alice", 1000, "d").status, 201u);
  const auto due = epoch_millis_now() + 1500;
  ASSERT_EQ(op("hold", "h-late",
               {{"escrowId", "late"},
                {"payer", "alice"},
                {"payee", "bob"},
                {"amount", 250},
                {"currency", "USD"},
                {"expiresAt", iso(due)}})
                .status,
            201u);
  // One that is resolved before its deadline must not be expired (nor its index line linger).
  ASSERT_EQ(op("hold", "h-kept",
               {{"escrowId", "kept"},
                {"payer", "alice"},
                {"payee", "bob"},
                {"amount", 100},
                {"currency", "USD"},
                {"expiresAt", iso(due)}})
                .status,
            201u);
  ASSERT_EQ(op("release", "r-kept", {{"escrowId", "kept"}}).status, 201u);
  client_.reset();
  daemon_->kill9();
  // Down until the deadline has passed (waiting for the clock, not for a race).
  while (epoch_millis_now() <= due + 100)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  start_with(extra_);
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (escrow("late").at("status") != "EXPIRED" && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(escrow("late").at("status"), "EXPIRED");
  EXPECT_EQ(escrow("kept").at("status"), "RELEASED");
  EXPECT_EQ(balance("alice"), (Balances{900, 0, 0}));
  EXPECT_EQ(balance("bob"), (Balances{100, 0, 0}));
  reconcile_ok();
}

TEST_F(LedgerApi, ReconcileMetricAndCommand) {
  ASSERT_EQ(deposit("alice", 5, "d").status, 201u);
  auto human = ctl({"reconcile"});
  EXPECT_EQ(human.code, 0) << human.err;
  EXPECT_NE(human.out.find("every invariant holds"), std::string::npos) << human.out;
  const auto metrics = client_->get("/metrics").body;
  EXPECT_NE(metrics.find("settled_ledger_discrepancies 0"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find(R"(settled_ledger_operations_total{op="deposit",outcome="ok"} 1)"),
            std::string::npos)
      << metrics;
}

// Amounts at int64's edge, each accepted: two accounts each holding int64's most of USD, and on
// the first a hold and its cancel whose idempotency keys sort before the hold's. Reconcile
// reported the sound ledger as two discrepancies and exited 3 (the weekly reconciliation's alert
// would have fired every week from then on): "SumOverflow" for the USD totals, which do not fit
// int64, and a "JournalFold" for the account, whose journal, folded in entry id order, passed
// int64 on the way (+max, then the cancel's +1 before the hold's -1). Both are summed exactly.
TEST_F(LedgerApi, AmountsAtTheInt64EdgeStillReconcile) {
  const std::int64_t max = std::numeric_limits<std::int64_t>::max();
  ASSERT_EQ(deposit("edge-a", max, "edge-1").status, 201u);
  ASSERT_EQ(deposit("edge-b", max, "edge-2").status, 201u);
  EXPECT_EQ(deposit("edge-a", 1, "edge-3").json().at("error"), "InvalidAmount");
  ASSERT_EQ(op("hold", "edge-z",
               {{"escrowId", "edge-e"},
                {"payer", "edge-a"},
                {"payee", "edge-b"},
                {"amount", 1},
                {"currency", "USD"}})
                .status,
            201u);
  ASSERT_EQ(op("cancel", "edge-c", {{"escrowId", "edge-e"}}).status, 201u);
  EXPECT_EQ(balance("edge-a"), (Balances{max, 0, 0}));
  const auto report = reconcile_ok();
  EXPECT_EQ(report.at("currencies").at("USD").at("overflow"), true) << json::serialize(report);
  // 2 x int64's most, exactly (it was printed wrapped: -2).
  EXPECT_EQ(report.at("currencies").at("USD").at("available"), "18446744073709551614");
  EXPECT_EQ(report.at("currencies").at("USD").at("in"), "18446744073709551614");
  auto human = ctl({"reconcile"});
  EXPECT_EQ(human.code, 0) << human.out << human.err;
  EXPECT_NE(human.out.find("18446744073709551614"), std::string::npos) << human.out;
  EXPECT_EQ(human.out.find(" -2 "), std::string::npos) << human.out;
}

}  // namespace
}  // namespace settled::testing

namespace settled::testing {
namespace {

// settlectl reconcile exits 3 and names the discrepancy when the stored ledger disagrees with
// its journal (here: a balance row edited behind the daemon's back while it was stopped).
class LedgerReconcile : public LedgerTest {};

TEST_F(LedgerReconcile, ADiscrepancyMakesSettlectlReconcileExitThree) {
  ASSERT_EQ(deposit("acct-r", 500, "dep-r").status, 201u);
  reconcile_ok();
  client_.reset();
  ASSERT_EQ(daemon_->terminate(), 0);
  {
    auto db = open_stopped_store(dir_.path() + "/var");
    const std::string key = ledger::balance_key("acct-r", "USD");
    auto stored = db->get(Table::kLedgerAccounts, key);
    ASSERT_TRUE(stored);
    auto balance = ledger::balance_from_json(boost::json::parse(*stored));
    ASSERT_TRUE(balance.ok());
    balance->available += 1;  // one cent that no journal entry put there
    WriteBatch edit;
    edit.put(Table::kLedgerAccounts, key, boost::json::serialize(ledger::to_json(*balance)));
    ASSERT_TRUE(db->commit({&edit}).ok());
  }
  start_with(extra_);
  auto r = ctl({"reconcile"});
  EXPECT_EQ(r.code, 3) << r.out << r.err;
  EXPECT_NE((r.out + r.err).find("acct-r"), std::string::npos) << r.out << r.err;
  auto json_run = ctl({"--json", "reconcile"});
  EXPECT_EQ(json_run.code, 3) << json_run.out << json_run.err;
  boost::system::error_code ec;
  const auto report = boost::json::parse(json_run.out, ec);
  ASSERT_FALSE(ec) << json_run.out << json_run.err;
  const auto* list = report.is_object() ? report.as_object().if_contains("discrepancies") : nullptr;
  ASSERT_TRUE(list && list->is_array()) << json_run.out;
  bool named = false;
  for (const auto& d : list->as_array()) {
    const auto* account = d.as_object().if_contains("account");
    named = named || (account && *account == "acct-r");
  }
  EXPECT_TRUE(named) << "no discrepancy names acct-r: " << json_run.out;
}

}  // namespace
}  // namespace settled::testing
