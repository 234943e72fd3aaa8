#include "integration/ledger_fixture.hpp"

namespace settled::testing {

std::int64_t LedgerTest::epoch_millis_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string LedgerTest::iso(std::int64_t millis) {
  const std::time_t secs = static_cast<std::time_t>(millis / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[80];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(millis % 1000));
  return buf;
}

HttpResult LedgerTest::op(const std::string& operation, const std::string& key,
                          const boost::json::object& parameters) {
  return client_->post(
      "/v1/ledger/operations",
      boost::json::serialize(boost::json::object{
          {"operation", operation}, {"idempotencyKey", key}, {"parameters", parameters}}));
}

HttpResult LedgerTest::deposit(const std::string& account, std::int64_t amount,
                               const std::string& key, const std::string& currency) {
  return client_->post("/v1/accounts/" + account + "/deposits",
                       boost::json::serialize(boost::json::object{
                           {"amount", amount}, {"currency", currency}, {"idempotencyKey", key}}));
}

std::array<std::int64_t, 3> LedgerTest::balance(const std::string& account,
                                                const std::string& currency) {
  auto res = client_->get("/v1/accounts/" + account);
  EXPECT_EQ(res.status, 200u) << res.body;
  const auto body = res.json();
  const auto* b = body.at("balances").as_object().if_contains(currency);
  if (!b) return {0, 0, 0};
  return {b->at("available").as_int64(), b->at("held").as_int64(), b->at("frozen").as_int64()};
}

boost::json::array LedgerTest::journal(const std::string& account) {
  boost::json::array all;
  std::uint64_t after = 0;
  for (;;) {
    auto res = client_->get("/v1/accounts/" + account +
                            "/journal?limit=500&after=" + std::to_string(after));
    EXPECT_EQ(res.status, 200u) << res.body;
    auto body = res.json().as_object();
    for (auto& e : body.at("entries").as_array()) all.push_back(e);
    if (!body.contains("nextAfter")) return all;
    after = body.at("nextAfter").to_number<std::uint64_t>();
  }
}

boost::json::value LedgerTest::escrow(const std::string& id) {
  auto res = client_->get("/v1/escrows/" + id);
  if (res.status != 200) return nullptr;
  return res.json();
}

std::string LedgerTest::snapshot(const std::vector<std::string>& accounts,
                                 const std::vector<std::string>& escrows) {
  std::string out;
  for (const auto& a : accounts) {
    out += client_->get("/v1/accounts/" + a).body + "\n";
    out += boost::json::serialize(journal(a)) + "\n";
  }
  for (const auto& e : escrows) out += client_->get("/v1/escrows/" + e).body + "\n";
  return out;
}

boost::json::object LedgerTest::reconcile_ok() {
  auto r = ctl({"--json", "reconcile"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  boost::system::error_code ec;
  auto value = boost::json::parse(r.out, ec);
  EXPECT_FALSE(ec) << r.out << r.err;
  if (ec || !value.is_object()) return {};
  EXPECT_EQ(value.at("discrepancies").as_array().size(), 0u) << r.out;
  return value.as_object();
}

}  // namespace settled::testing
