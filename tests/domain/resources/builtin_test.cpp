// Tests for the built-in resource catalogue (src/domain/resources/builtin.hpp).

#include "domain/resources/builtin.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <string>

namespace settled {
namespace {

namespace json = boost::json;
using ::testing::StartsWith;

TEST(BuiltinResources, Catalogue) {
  struct Expected {
    const char* name;
    ResourceKind kind;
    bool admission;
  };
  for (const Expected& e :
       {Expected{"settled:payment.validate", ResourceKind::kInline, true},
        Expected{"settled:records.put", ResourceKind::kInline, false},
        Expected{"settled:records.get", ResourceKind::kRead, false},
        Expected{"settled:notify.send", ResourceKind::kInline, false},
        Expected{"settled:alert.raise", ResourceKind::kInline, false},
        Expected{"settled:stripe.paymentIntents.create", ResourceKind::kRemote, false}}) {
    const auto info = find_resource(e.name);
    ASSERT_TRUE(info.has_value()) << e.name;
    EXPECT_EQ(info->kind, e.kind) << e.name;
    EXPECT_EQ(info->admission_check, e.admission) << e.name;
  }
  EXPECT_FALSE(find_resource("settled:unknown").has_value());
  EXPECT_FALSE(find_resource("arn:aws:states:::lambda:invoke").has_value());
  EXPECT_FALSE(find_resource("").has_value());
}

TEST(BuiltinResources, LedgerResourcesAreAskedOfTheAccountsRouter) {
  for (const char* op : {"deposit", "withdraw", "hold", "release", "cancel", "freeze", "unfreeze",
                         "split", "transfer", "expire", "balance"}) {
    const auto info = find_resource(std::string("settled:ledger.") + op);
    ASSERT_TRUE(info.has_value()) << op;
    EXPECT_EQ(info->kind, ResourceKind::kLedger) << op;
    EXPECT_FALSE(info->admission_check) << op;
  }
  EXPECT_FALSE(find_resource("settled:ledger.mint").has_value());
}

TEST(BuiltinResources, LedgerReconcileRunsOnAWorkerOfItsOwn) {
  const auto info = find_resource("settled:ledger.reconcile");
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->kind, ResourceKind::kReconcile);
  EXPECT_FALSE(info->admission_check);
}

TEST(BuiltinResources, RunsInlineResources) {
  TaskAttempt a;
  a.resource = "settled:notify.send";
  a.parameters = json::parse(R"({"user": "c-1", "message": "hi"})");
  a.idempotency_key = "e/N/1";
  const TaskOutcome notify = run_inline_resource(a);
  ASSERT_TRUE(notify.ok) << notify.cause;
  EXPECT_EQ(notify.result.at("notificationId"), json::value("e/N/1"));
  ASSERT_EQ(notify.writes.size(), 3u);  // the notification, its inbox row, its outbox row
  EXPECT_EQ(notify.writes.ops[0].table, Table::kNotifications);

  a.resource = "settled:records.put";
  a.parameters = json::parse(R"({"collection": "c", "key": "k", "record": {}})");
  const TaskOutcome put = run_inline_resource(a);
  ASSERT_TRUE(put.ok);
  EXPECT_EQ(put.writes.ops[0].table, Table::kRecords);

  a.resource = "settled:alert.raise";
  a.parameters = json::parse(R"({"message": "m"})");
  const TaskOutcome alert = run_inline_resource(a);
  ASSERT_TRUE(alert.ok);
  EXPECT_EQ(alert.writes.ops[0].table, Table::kAlerts);

  a.resource = "settled:payment.validate";
  a.parameters =
      json::parse(R"({"paymentId": "p", "customerId": "c", "amount": 1, "currency": "USD",
                                 "paymentMethod": "pm_card_visa"})");
  EXPECT_TRUE(run_inline_resource(a).ok);
  a.parameters.as_object()["amount"] = 1.5;
  const TaskOutcome invalid = run_inline_resource(a);
  EXPECT_FALSE(invalid.ok);
  EXPECT_EQ(invalid.error, "Payment.InvalidInput");
}

TEST(BuiltinResources, NonInlineOrUnknownResourcesDoNotRunInline) {
  TaskAttempt a;
  a.parameters = json::parse(R"({"collection": "c", "key": "k"})");
  for (const char* resource :
       {"settled:records.get", "settled:stripe.paymentIntents.create", "settled:nope"}) {
    a.resource = resource;
    const TaskOutcome o = run_inline_resource(a);
    EXPECT_FALSE(o.ok) << resource;
    EXPECT_EQ(o.error, "States.TaskFailed") << resource;
    EXPECT_TRUE(o.writes.empty()) << resource;
  }
}

TEST(BuiltinResources, AdmissionChecksPaymentInput) {
  TaskAttempt a;
  a.resource = "settled:payment.validate";
  a.parameters =
      json::parse(R"({"paymentId": "p-1", "customerId": "c-1", "amount": 1250, "currency": "USD",
                                 "paymentMethod": "pm_card_visa"})");
  EXPECT_FALSE(check_admission(a).has_value());

  a.parameters.as_object()["amount"] = "1250";
  auto amount = check_admission(a);
  ASSERT_TRUE(amount.has_value());
  EXPECT_EQ(amount->code, ErrorCode::kInvalidAmount);
  EXPECT_THAT(amount->message, StartsWith("input.amount"));

  a.parameters.as_object()["amount"] = 1250;
  a.parameters.as_object()["currency"] = "HOUR";
  auto hour = check_admission(a);
  ASSERT_TRUE(hour.has_value());
  EXPECT_EQ(hour->code, ErrorCode::kInvalidRequest);
  EXPECT_THAT(hour->message, StartsWith("input.currency"));

  a.parameters.as_object()["currency"] = "USD";
  a.parameters.as_object()["surprise"] = 1;
  auto unknown = check_admission(a);
  ASSERT_TRUE(unknown.has_value());
  EXPECT_THAT(unknown->message, StartsWith("input.surprise"));
}

TEST(BuiltinResources, OtherResourcesHaveNoAdmissionCheck) {
  TaskAttempt a;
  a.parameters = json::parse(R"("anything at all")");
  for (const char* resource : {"settled:records.put", "settled:notify.send",
                               "settled:stripe.paymentIntents.create", "settled:nope"}) {
    a.resource = resource;
    EXPECT_FALSE(check_admission(a).has_value()) << resource;
  }
}

}  // namespace
}  // namespace settled
