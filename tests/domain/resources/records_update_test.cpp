// Tests for settled:records.update and settled:records.delete
// (src/domain/resources/records_update.hpp).

#include "domain/resources/records_update.hpp"

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

TaskAttempt attempt(const char* resource, std::string_view parameters) {
  TaskAttempt a;
  a.resource = resource;
  a.parameters = json::parse(parameters);
  a.idempotency_key = "exec-1/Update/4";
  a.execution_id = "exec-1";
  a.state_name = "Update";
  a.now = 1'700'000'000'000;
  return a;
}

json::object apply(const char* record, const char* update) {
  auto applied =
      apply_record_update(json::parse(record).as_object(), json::parse(update).as_object());
  if (!applied.ok()) {
    ADD_FAILURE() << applied.error().message;
    return {};
  }
  return *applied;
}

std::string apply_refused(const char* record, const char* update) {
  auto applied =
      apply_record_update(json::parse(record).as_object(), json::parse(update).as_object());
  if (applied.ok()) {
    ADD_FAILURE() << "not refused: " << json::serialize(*applied);
    return {};
  }
  return applied.error().message;
}

TEST(RecordsUpdate, SetRemoveAndAddChangeTheRecord) {
  EXPECT_EQ(json::value(apply(R"({"id": "p", "m": {"a": 1}, "x": 1, "n": 40})",
                              R"({"set": [{"path": ["status"], "value": "PAID"},
                                          {"path": ["m", "b"], "value": [1]}],
                                  "remove": [["x"], ["absent"], ["m", "a"]],
                                  "add": [{"path": ["n"], "value": 2},
                                          {"path": ["fresh"], "value": 7}]})")),
            json::parse(R"({"id": "p", "m": {"b": [1]}, "n": 42, "status": "PAID",
                            "fresh": 7})"));
  // Integers add exactly; an overflow is refused, never rounded.
  EXPECT_EQ(
      apply(R"({"n": 9007199254740993})", R"({"add": [{"path": ["n"], "value": 1}]})").at("n"),
      9007199254740994);
  EXPECT_THAT(
      apply_refused(R"({"n": 9223372036854775807})", R"({"add": [{"path": ["n"], "value": 1}]})"),
      HasSubstr("64-bit"));
  // An integer above int64 (JSON reads it as uint64) is refused the same way, never thrown
  // (the dynamodb_update fuzzer found the throw).
  EXPECT_THAT(
      apply_refused(R"({"n": 1})", R"({"add": [{"path": ["n"], "value": 9223372436854775807}]})"),
      HasSubstr("64-bit"));
  // A fraction adds as a number.
  EXPECT_EQ(apply(R"({"n": 1})", R"({"add": [{"path": ["n"], "value": 0.5}]})").at("n"), 1.5);
}

TEST(RecordsUpdate, RefusesAPathThatCannotBeUpdated) {
  EXPECT_THAT(apply_refused(R"({"m": 1})", R"({"set": [{"path": ["m", "b"], "value": 1}]})"),
              HasSubstr("invalid for update: m.b"));
  EXPECT_THAT(apply_refused(R"({})", R"({"set": [{"path": ["m", "b"], "value": 1}]})"),
              HasSubstr("m.b"));
  EXPECT_THAT(apply_refused(R"({"s": "x"})", R"({"add": [{"path": ["s"], "value": 1}]})"),
              HasSubstr("numbers"));
  EXPECT_THAT(apply_refused(R"({})", R"({"set": [{"path": [], "value": 1}]})"), HasSubstr("1-32"));
  EXPECT_THAT(apply_refused(R"({})", R"({"remove": [[""]]})"), HasSubstr("non-empty"));
  EXPECT_THAT(apply_refused(R"({})", R"({"set": [{"value": 1}]})"), HasSubstr("{path, value}"));
}

TEST(RecordsUpdate, UpdatesTheStoredRecordOrCreatesItFromInitial) {
  const char* update = R"({"collection": "Payments", "key": "p-1", "initial": {"id": "p-1"},
                           "set": [{"path": ["status"], "value": "PAID"}]})";
  TaskOutcome created = run_records_update(attempt("settled:records.update", update), nullptr);
  ASSERT_TRUE(created.ok) << created.cause;
  EXPECT_EQ(created.result.at("record"), json::parse(R"({"id": "p-1", "status": "PAID"})"));
  EXPECT_FALSE(created.result.as_object().contains("previous"));
  EXPECT_EQ(created.result.at("updated"), json::parse(R"([["status"]])"));
  ASSERT_EQ(created.writes.size(), 1u);
  EXPECT_EQ(created.writes.ops[0].table, Table::kRecords);
  EXPECT_EQ(created.writes.ops[0].key, record_key("Payments", "p-1"));
  EXPECT_EQ(json::parse(created.writes.ops[0].value).at("record"), created.result.at("record"));

  const json::value stored = json::parse(R"({"collection": "Payments", "key": "p-1",
    "record": {"id": "p-1", "status": "NEW", "amount": 5}, "updatedAt": "x"})");
  TaskOutcome changed = run_records_update(attempt("settled:records.update", update), &stored);
  ASSERT_TRUE(changed.ok) << changed.cause;
  EXPECT_EQ(changed.result.at("record"),
            json::parse(R"({"id": "p-1", "status": "PAID", "amount": 5})"));
  EXPECT_EQ(changed.result.at("previous"), stored.at("record"));
  // The same attempt over the same stored record writes the same record: a retry is the same.
  TaskOutcome again = run_records_update(attempt("settled:records.update", update), &stored);
  EXPECT_EQ(again.writes.ops[0].value, changed.writes.ops[0].value);
}

TEST(RecordsUpdate, RefusesUnknownParametersAndCorruptRecords) {
  TaskOutcome unknown = run_records_update(
      attempt("settled:records.update", R"({"collection": "c", "key": "k", "when": 1})"), nullptr);
  EXPECT_EQ(unknown.error, kRecordsInvalidParameters);
  EXPECT_THAT(unknown.cause, HasSubstr("parameters.when"));
  EXPECT_TRUE(unknown.writes.empty());
  const json::value corrupt = json::parse(R"({"collection": "c", "key": "k"})");
  EXPECT_EQ(run_records_update(
                attempt("settled:records.update", R"({"collection": "c", "key": "k"})"), &corrupt)
                .error,
            kRecordsCorrupt);
  TaskOutcome bad_path = run_records_update(
      attempt("settled:records.update",
              R"({"collection": "c", "key": "k", "set": [{"path": ["a", "b"], "value": 1}]})"),
      nullptr);
  EXPECT_EQ(bad_path.error, kRecordsInvalidParameters);
  EXPECT_TRUE(bad_path.writes.empty());
}

TEST(RecordsDelete, ErasesTheStoredRecordAndGivesItBack) {
  const json::value stored =
      json::parse(R"({"collection": "c", "key": "k", "record": {"id": "k"}, "updatedAt": "x"})");
  TaskOutcome deleted = run_records_delete(
      attempt("settled:records.delete", R"({"collection": "c", "key": "k"})"), &stored);
  ASSERT_TRUE(deleted.ok) << deleted.cause;
  EXPECT_EQ(deleted.result.at("previous"), json::parse(R"({"id": "k"})"));
  ASSERT_EQ(deleted.writes.size(), 1u);
  EXPECT_TRUE(deleted.writes.ops[0].erase);
  EXPECT_EQ(deleted.writes.ops[0].key, record_key("c", "k"));
  // Deleting what is not there succeeds and writes nothing, as DynamoDB's DeleteItem does.
  TaskOutcome nothing = run_records_delete(
      attempt("settled:records.delete", R"({"collection": "c", "key": "k"})"), nullptr);
  ASSERT_TRUE(nothing.ok);
  EXPECT_FALSE(nothing.result.as_object().contains("previous"));
  EXPECT_TRUE(nothing.writes.empty());
  EXPECT_EQ(
      run_records_delete(
          attempt("settled:records.delete", R"({"collection": "c", "key": "k", "x": 1})"), nullptr)
          .error,
      kRecordsInvalidParameters);
}

}  // namespace
}  // namespace settled
