// Tests for settled:records.put and the records.get address check
// (src/domain/resources/records.hpp).

#include "domain/resources/records.hpp"

#include "domain/storage_keys.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <string>

namespace settled {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;
using ::testing::StartsWith;

TaskAttempt attempt(std::string_view parameters) {
  TaskAttempt a;
  a.resource = "settled:records.put";
  a.parameters = json::parse(parameters);
  a.idempotency_key = "exec-1/StoreTransaction/9";
  a.execution_id = "exec-1";
  a.state_name = "StoreTransaction";
  a.now = 1'700'000'000'000;
  return a;
}

TEST(RecordsPut, WritesTheRecordUnderCollectionAndKey) {
  const TaskOutcome o = run_records_put(attempt(
      R"({"collection": "payments", "key": "p-1", "record": {"status": "SUCCEEDED", "amount": 1250}})"));
  ASSERT_TRUE(o.ok) << o.cause;
  const json::value expected = json::parse(R"({"collection": "payments", "key": "p-1",
      "record": {"status": "SUCCEEDED", "amount": 1250}, "updatedAt": "2023-11-14T22:13:20.000Z"})");
  EXPECT_EQ(o.result, expected);
  ASSERT_EQ(o.writes.size(), 1u);
  const WriteOp& op = o.writes.ops[0];
  EXPECT_EQ(op.table, Table::kRecords);
  EXPECT_FALSE(op.erase);
  EXPECT_EQ(op.key, std::string("payments\0p-1", 12));
  EXPECT_EQ(op.key, record_key("payments", "p-1"));
  EXPECT_EQ(json::parse(op.value), expected);
}

TEST(RecordsPut, MergeSetsItsFieldsOverTheRecordTheWorkflowCarries) {
  const TaskOutcome o = run_records_put(attempt(R"({"collection": "service_requests", "key": "r-1",
      "record": {"id": "r-1", "status": "VALIDATING", "negotiationRound": 0},
      "merge": {"status": "ESCROWED", "escrowId": "sr-r-1"}})"));
  ASSERT_TRUE(o.ok) << o.cause;
  const json::value expected = json::parse(
      R"({"id": "r-1", "status": "ESCROWED", "negotiationRound": 0, "escrowId": "sr-r-1"})");
  EXPECT_EQ(o.result.at("record"), expected);
  ASSERT_EQ(o.writes.size(), 1u);
  EXPECT_EQ(json::parse(o.writes.ops[0].value).at("record"), expected);
  const TaskOutcome bad =
      run_records_put(attempt(R"({"collection": "c", "key": "k", "record": {}, "merge": [1]})"));
  EXPECT_FALSE(bad.ok);
  EXPECT_THAT(bad.cause, HasSubstr("merge must be an object"));
  EXPECT_TRUE(bad.writes.empty());
}

TEST(RecordsPut, SameAddressSameKeyRegardlessOfAttempt) {
  TaskAttempt a = attempt(R"({"collection": "c", "key": "k", "record": {}})");
  const TaskOutcome first = run_records_put(a);
  a.idempotency_key = "exec-2/Other/3";
  a.now += 5000;
  const TaskOutcome second = run_records_put(a);
  ASSERT_TRUE(first.ok);
  ASSERT_TRUE(second.ok);
  EXPECT_EQ(first.writes.ops[0].key, second.writes.ops[0].key);
  EXPECT_EQ(second.result.at("updatedAt"), json::value("2023-11-14T22:13:25.000Z"));
}

TEST(RecordsPut, RefusesUnknownFields) {
  const TaskOutcome o =
      run_records_put(attempt(R"({"collection": "c", "key": "k", "record": {}, "ttl": 5})"));
  EXPECT_FALSE(o.ok);
  EXPECT_EQ(o.error, "Records.InvalidParameters");
  EXPECT_THAT(o.cause, StartsWith("parameters.ttl"));
  EXPECT_TRUE(o.writes.empty());
}

TEST(RecordsPut, RefusesMissingOrNonObjectRecord) {
  for (const char* params :
       {R"({"collection": "c", "key": "k"})", R"({"collection": "c", "key": "k", "record": [1]})",
        R"({"collection": "c", "key": "k", "record": "x"})"}) {
    const TaskOutcome o = run_records_put(attempt(params));
    EXPECT_FALSE(o.ok) << params;
    EXPECT_EQ(o.error, "Records.InvalidParameters");
    EXPECT_THAT(o.cause, StartsWith("parameters.record"));
    EXPECT_TRUE(o.writes.empty());
  }
}

TEST(RecordsPut, ARecordOverThePayloadLimitIsRefusedAndNothingIsWritten) {
  // {"s":"<n x's>"} is n + 8 bytes of JSON text.
  auto params = [](std::size_t record_bytes) {
    return json::serialize(
        json::object{{"collection", "c"},
                     {"key", "k"},
                     {"record", json::object{{"s", std::string(record_bytes - 8, 'x')}}}});
  };
  EXPECT_TRUE(run_records_put(attempt(params(256 * 1024))).ok);
  const TaskOutcome o = run_records_put(attempt(params(256 * 1024 + 1)));
  EXPECT_FALSE(o.ok);
  EXPECT_EQ(o.error, "Records.InvalidParameters");
  EXPECT_THAT(o.cause, HasSubstr("262144"));
  EXPECT_TRUE(o.writes.empty());
}

TEST(RecordsPut, RefusesBadAddresses) {
  for (const char* params :
       {R"({"key": "k", "record": {}})", R"({"collection": "", "key": "k", "record": {}})",
        R"({"collection": 5, "key": "k", "record": {}})"}) {
    const TaskOutcome o = run_records_put(attempt(params));
    EXPECT_FALSE(o.ok) << params;
    EXPECT_EQ(o.error, "Records.InvalidParameters");
    EXPECT_THAT(o.cause, StartsWith("parameters.collection")) << params;
  }
  const TaskOutcome no_key = run_records_put(attempt(R"({"collection": "c", "record": {}})"));
  EXPECT_FALSE(no_key.ok);
  EXPECT_THAT(no_key.cause, StartsWith("parameters.key"));
  const TaskOutcome not_object = run_records_put(attempt("[1]"));
  EXPECT_FALSE(not_object.ok);
  EXPECT_EQ(not_object.error, "Records.InvalidParameters");
}

TEST(RecordsAddress, AcceptsAndRefuses) {
  auto ok =
      records_address(json::parse(R"({"collection": "payments", "key": "p-1", "extra": true})"));
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->collection, "payments");
  EXPECT_EQ(ok->key, "p-1");

  auto long_ok = records_address(json::value{{"collection", std::string(200, 'c')}, {"key", "k"}});
  EXPECT_TRUE(long_ok.ok());
  auto too_long = records_address(json::value{{"collection", "c"}, {"key", std::string(201, 'k')}});
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.error().code, ErrorCode::kInvalidRequest);
  EXPECT_THAT(too_long.error().message, HasSubstr("parameters.key"));
  EXPECT_THAT(too_long.error().message, HasSubstr("1-200"));

  // A NUL would let one address collide with another (collection + '\0' + key), and what a
  // path segment cannot carry GET /v1/records/{collection}/{key} could never read.
  auto nul = records_address(json::value{{"collection", std::string("a\0b", 3)}, {"key", "k"}});
  ASSERT_FALSE(nul.ok());
  EXPECT_THAT(nul.error().message,
              HasSubstr("parameters.collection must be text a request path can name"));
  EXPECT_THAT(nul.error().message, HasSubstr("a control character"));
  for (const char* key : {"a/b", "a\\b", ".", "..", "\x01", "\xFF"}) {
    auto refused = records_address(json::value{{"collection", "c"}, {"key", key}});
    ASSERT_FALSE(refused.ok()) << key;
    EXPECT_THAT(refused.error().message, HasSubstr("parameters.key must be text a request path"));
  }
  EXPECT_TRUE(records_address(json::value{{"collection", "c"}, {"key", "a:b .c-\xC3\xA9"}}).ok());

  auto not_object = records_address(json::parse("null"));
  ASSERT_FALSE(not_object.ok());
  EXPECT_EQ(not_object.error().code, ErrorCode::kInvalidRequest);
}

}  // namespace
}  // namespace settled
