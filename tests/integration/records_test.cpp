// The records a workflow keeps (settled:records.put, .get; docs/engine.md) against the real
// daemon: each is read back by GET /v1/records/{collection}/{key}, so a collection or key that
// no request path can name is refused where it would be written, and nothing is stored.

#include "adapters/store/lmdb_store.hpp"
#include "domain/storage_keys.hpp"
#include "integration/daemon_fixture.hpp"
#include "support/temp_store.hpp"

#include <boost/beast/http/verb.hpp>
#include <boost/json.hpp>

#include <string>

namespace settled::testing {
namespace {

namespace json = boost::json;
using boost::beast::http::verb;

// Puts {"v": 1} under the input's collection and key, then reads it back.
constexpr const char* kKeep = R"({
  "StartAt": "Put",
  "States": {
    "Put": {"Type": "Task", "Resource": "settled:records.put",
            "Parameters": {"collection.$": "$.collection", "key.$": "$.key", "record": {"v": 1}},
            "ResultPath": null, "Next": "Get"},
    "Get": {"Type": "Task", "Resource": "settled:records.get",
            "Parameters": {"collection.$": "$.collection", "key.$": "$.key"}, "End": true}
  }
})";

class Records : public DaemonTest {
 protected:
  void SetUp() override {
    DaemonTest::SetUp();
    auto res = client_->request(verb::put, "/v1/state-machines/keep", kKeep);
    ASSERT_EQ(res.status, 201u) << res.body;
  }

  json::object keep(const std::string& name, const std::string& collection,
                    const std::string& key) {
    auto res = start_execution("keep", name, {{"collection", collection}, {"key", key}});
    EXPECT_EQ(res.status, 201u) << res.body;
    return wait_final("keep:" + name);
  }
};

// Until this rule only a NUL was refused: a workflow stored {"v":1} under the key "a/b" (or
// "..", or "a\u0001") and no GET could ever read it back.
TEST_F(Records, AKeyOrCollectionNoPathCanNameIsRefusedAndNothingIsStored) {
  const std::string bad[][2] = {{"c", "a/b"}, {"c", ".."}, {"c", "a\\b"}, {"c", "a\x01"},
                                {"a/b", "k"}, {".", "k"},  {"c\x7F", "k"}};
  int n = 0;
  for (const auto& [collection, key] : bad) {
    const auto done = keep("bad-" + std::to_string(n++), collection, key);
    EXPECT_EQ(done.at("status"), "FAILED") << json::serialize(done);
    EXPECT_EQ(done.at("error"), "Records.InvalidParameters") << json::serialize(done);
    EXPECT_NE(std::string(done.at("cause").as_string()).find("a request path can name"),
              std::string::npos)
        << json::serialize(done);
  }
  // What a path can name is kept and read back, percent-encoded where it must be.
  const auto done = keep("good", "c", "a:b c");
  EXPECT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  auto read = client_->get("/v1/records/c/a:b%20c");
  ASSERT_EQ(read.status, 200u) << read.body;
  EXPECT_EQ(read.json().at("record"), json::parse(R"({"v": 1})"));
  // Nothing else was written: the store holds the one record (and the daemon's own settings).
  client_.reset();
  ASSERT_EQ(daemon_->terminate(), 0) << daemon_->output();
  auto db = open_stopped_store(dir_.path() + "/var");
  int rows = 0;
  db->scan(Table::kRecords, "", [&](std::string_view key, std::string_view) {
    if (key.rfind(record_key("settings", ""), 0) != 0) ++rows;
    return true;
  });
  EXPECT_EQ(rows, 1);
}

}  // namespace
}  // namespace settled::testing
