// Large JSON values are stored compressed (src/adapters/store/value_compression.hpp): read back
// byte for byte through every read path, smaller on disk, and values written before (or not
// compressed) read as they are.

#include "adapters/store/value_compression.hpp"

#include "adapters/store/lmdb_store.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>
#include <zstd.h>

#include <memory>
#include <random>
#include <stdexcept>
#include <string>

namespace settled::embedded {
extern const unsigned char kStoreDictionaryV1[];
extern const std::size_t kStoreDictionaryV1Size;
}  // namespace settled::embedded

namespace settled::adapters {
namespace {

using settled::testing::TempDir;

// A JSON document of about `bytes` bytes whose text repeats itself, as records and history do.
std::string record_like(std::size_t bytes) {
  std::mt19937 random(7);
  std::string text = "{\"events\":[";
  while (text.size() < bytes) {
    text += "{\"id\":" + std::to_string(random() % 1000) +
            ",\"type\":\"TaskStateEntered\",\"input\":{\"amount\":1250,\"currency\":\"USD\"}},";
  }
  text.back() = ']';
  return text + "}";
}

TEST(ValueCompression, ALargeJsonValueIsStoredSmallerAndReadBackExactly) {
  const std::string value = record_like(8000);
  std::string scratch;
  const std::string stored(stored_form(Table::kHistory, value, scratch));
  EXPECT_LT(stored.size(), value.size() / 2);
  std::string read_scratch;
  EXPECT_EQ(written_form(Table::kHistory, stored, read_scratch), value);
}

TEST(ValueCompression, SmallValuesAndOtherTablesAreStoredAsTheyAre) {
  std::string scratch;
  const std::string small = record_like(kCompressFromBytes - 100);
  ASSERT_LT(small.size(), kCompressFromBytes);
  EXPECT_EQ(stored_form(Table::kExecutions, small, scratch), small);
  const std::string large = record_like(4000);
  EXPECT_EQ(stored_form(Table::kTimers, large, scratch), large);
  EXPECT_FALSE(is_compressed_table(Table::kLedgerJournalHeads));
  // Incompressible bytes stay as they are rather than growing.
  std::mt19937 random(3);
  std::string noise(2000, '\0');
  for (auto& c : noise) c = static_cast<char>(random());
  noise[0] = '{';
  EXPECT_EQ(stored_form(Table::kRecords, noise, scratch), noise);
}

TEST(ValueCompression, SimulatorRowsAreCompressedOnlyFromTheirLargerSize) {
  std::string scratch;
  const std::string row = record_like(kSimulatorCompressFromBytes - 100);
  ASSERT_GE(row.size(), kCompressFromBytes);
  for (Table table : {Table::kStripeIntents, Table::kStripeIdempotency, Table::kStripeRequests,
                      Table::kStripeObjects, Table::kStripeSimEvents}) {
    EXPECT_EQ(stored_form(table, row, scratch), row);
    const std::string large = record_like(kSimulatorCompressFromBytes + 500);
    EXPECT_LT(stored_form(table, large, scratch).size(), large.size() / 2);
    std::string read_scratch;
    EXPECT_EQ(written_form(table, stored_form(table, large, scratch), read_scratch), large);
  }
  // settled's own rows of that size are compressed, and a webhook event received from Stripe
  // (not the simulator's) is settled's own.
  EXPECT_LT(stored_form(Table::kExecutions, row, scratch).size(), row.size());
  EXPECT_LT(stored_form(Table::kStripeEvents, row, scratch).size(), row.size());
}

TEST(ValueCompression, BytesThatOnlyLookCompressedAreReturnedAsTheyAre) {
  std::string scratch;
  // zstd's magic followed by garbage: not decompressible, so the caller's decoder sees it.
  const std::string fake = std::string("\x28\xB5\x2F\xFD", 4) + "not a frame at all";
  EXPECT_EQ(written_form(Table::kExecutions, fake, scratch), fake);
  // In a table that is never compressed the magic means nothing.
  std::string real_scratch;
  const std::string compressed(stored_form(Table::kHistory, record_like(4000), real_scratch));
  EXPECT_EQ(written_form(Table::kTimers, compressed, scratch), compressed);
}

// An execution record of a waiting execution as the engine writes one (about 400 bytes): too
// short for zstd alone to find anything to match, but its fields are the dictionary's.
const std::string kWaitingRecord =
    R"({"id":"nap:nap-17","stateMachine":"nap","stateMachineVersion":1,"name":"nap-17",)"
    R"("status":"RUNNING","input":{"note":"waits an hour"},"output":null,"error":"",)"
    R"("cause":"","start":1796538671406,"stop":0,"cursor":{"state":"Nap","inputSameAs":)"
    R"("input","waitOutput":null,"entered":1796538671407,"enteredEventId":2,)"
    R"("retrierAttempts":[],"retryCount":0,"phase":"waiting","due":1796542271407,)"
    R"("branchesEventId":0,"branches":""},"lastEventId":2})";

std::string plain_zstd(std::string_view value) {
  std::string frame(ZSTD_compressBound(value.size()), '\0');
  frame.resize(ZSTD_compress(frame.data(), frame.size(), value.data(), value.size(), 1));
  return frame;
}

TEST(ValueCompression, AShortRecordIsCompressedWithTheStoreDictionary) {
  ASSERT_GE(kWaitingRecord.size(), kCompressFromBytes);
  std::string scratch;
  const std::string stored(stored_form(Table::kExecutions, kWaitingRecord, scratch));
  // Without a dictionary zstd keeps about two thirds of 400 bytes; with it, under a third.
  EXPECT_LT(stored.size(), plain_zstd(kWaitingRecord).size() / 2);
  EXPECT_LT(stored.size(), kWaitingRecord.size() / 3);
  EXPECT_EQ(ZSTD_getDictID_fromFrame(stored.data(), stored.size()), kStoreDictionaryId);
  std::string read_scratch;
  EXPECT_EQ(written_form(Table::kExecutions, stored, read_scratch), kWaitingRecord);
}

TEST(ValueCompression, FramesWrittenBeforeTheDictionaryStillRead) {
  const std::string value = record_like(4000);
  const std::string frame = plain_zstd(value);
  ASSERT_EQ(ZSTD_getDictID_fromFrame(frame.data(), frame.size()), 0u);
  std::string scratch;
  EXPECT_EQ(written_form(Table::kHistory, frame, scratch), value);
}

TEST(ValueCompression, FramesWrittenWithTheFirstDictionaryStillRead) {
  // What settled wrote before session 28: frames with the first dictionary (SET1).
  std::unique_ptr<ZSTD_CDict, decltype(&ZSTD_freeCDict)> first(
      ZSTD_createCDict(embedded::kStoreDictionaryV1, embedded::kStoreDictionaryV1Size, 1),
      ZSTD_freeCDict);
  std::unique_ptr<ZSTD_CCtx, decltype(&ZSTD_freeCCtx)> context(ZSTD_createCCtx(), ZSTD_freeCCtx);
  std::string frame(ZSTD_compressBound(kWaitingRecord.size()), '\0');
  const std::size_t size =
      ZSTD_compress_usingCDict(context.get(), frame.data(), frame.size(), kWaitingRecord.data(),
                               kWaitingRecord.size(), first.get());
  ASSERT_FALSE(ZSTD_isError(size));
  frame.resize(size);
  ASSERT_EQ(ZSTD_getDictID_fromFrame(frame.data(), frame.size()), kStoreDictionaryV1Id);
  ASSERT_NE(kStoreDictionaryV1Id, kStoreDictionaryId);
  std::string scratch;
  EXPECT_EQ(written_form(Table::kExecutions, frame, scratch), kWaitingRecord);
}

TEST(ValueCompression, AFrameNamingAnUnknownDictionaryIsReturnedAsStored) {
  // A frame from a newer settled, written with a dictionary this one does not have: returned
  // as it is, so the record's decoder reports it corrupt instead of reading garbage. Made by
  // changing the id in one of ours: the frame header holds it little-endian ("2TES" for SET2)
  // after the magic and descriptor bytes (RFC 8878, 3.1.1.1).
  std::string scratch;
  std::string stored(stored_form(Table::kExecutions, kWaitingRecord, scratch));
  const auto at = stored.find("2TES");
  ASSERT_LT(at, std::size_t{10});
  stored[at] = '3';
  ASSERT_EQ(ZSTD_getDictID_fromFrame(stored.data(), stored.size()), kStoreDictionaryId + 1);
  std::string read_scratch;
  EXPECT_EQ(written_form(Table::kExecutions, stored, read_scratch), stored);
}

TEST(ValueCompression, EveryReadPathOfTheStoreSeesTheValueAsWritten) {
  TempDir dir;
  LmdbOptions options;
  options.path = dir.path();
  options.map_size = std::size_t{64} << 20;
  auto opened = LmdbStore::open(options);
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  LmdbStore& store = **opened;
  const std::string large = record_like(20000);
  const std::string plain = "{\"written\":\"before compression existed\"}";
  WriteBatch batch;
  for (int i = 0; i < 200; ++i) batch.put(Table::kExecutions, "e" + std::to_string(i), large);
  batch.put(Table::kExecutions, "old", plain);
  ASSERT_TRUE(store.commit({&batch}).ok());

  EXPECT_EQ(store.get(Table::kExecutions, "e7"), large);
  EXPECT_EQ(store.get(Table::kExecutions, "old"), plain);
  int scanned = 0;
  store.scan(Table::kExecutions, "e", [&](std::string_view, std::string_view value) {
    EXPECT_EQ(value, large);
    return ++scanned < 1000;
  });
  EXPECT_EQ(scanned, 200);
  int snapshotted = 0;
  store.scan_snapshot({Table::kExecutions},
                      [&](Table, std::string_view key, std::string_view value) {
                        EXPECT_EQ(value, key == "old" ? plain : large);
                        ++snapshotted;
                      });
  EXPECT_EQ(snapshotted, 201);
  // 200 values of 20 KB would take 4 MB of overflow pages; compressed they take a fraction.
  EXPECT_LT(store.table_usage(Table::kExecutions).page_bytes, std::size_t{1} << 20);
}

}  // namespace
}  // namespace settled::adapters
