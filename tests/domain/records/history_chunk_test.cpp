// The history chunk's codec: the events of a transition, in order and whole, survive a round
// trip; a single event (as stop/time-out once wrote) reads as a chunk of one; anything else is
// RecordCorrupt, never an exception.

#include "domain/records/history_chunk.hpp"
#include "domain/asl/history.hpp"
#include "domain/records/expect_corrupt.hpp"

#include <boost/json.hpp>

#include <gtest/gtest.h>

namespace settled::records {
namespace {

namespace json = boost::json;

TEST(HistoryChunk, TheEventsOfATransitionRoundTripInOrderAndWhole) {
  asl::HistoryBuilder history(6);
  history.add(1700000000123, "TaskStateEntered",
              asl::state_details("Charge", json::object{{"amount", 1250}}, true));
  history.add(1700000000124, "TaskScheduled", asl::task_details("settled:stripe.charge"));
  history.add(1700000000125, "TaskStarted", asl::task_details("settled:stripe.charge"));
  const HistoryChunk written = history.events();
  ASSERT_EQ(written.size(), 3u);
  auto decoded = decode_history_chunk(encode(written));
  ASSERT_TRUE(decoded) << decoded.error().message;
  ASSERT_EQ(decoded->size(), written.size());
  for (std::size_t i = 0; i < written.size(); ++i) {
    // Every field of every event, compared as JSON values (ids 7, 8, 9, previousEventId,
    // timestamp, type and the details object).
    EXPECT_EQ(json::value((*decoded)[i]), json::value(written[i])) << i;
  }
  EXPECT_EQ(decoded->front().at("id").as_int64(), 7);
  EXPECT_EQ(decode_history_chunk(encode({}))->size(), 0u);
}

TEST(HistoryChunk, ASingleEventReadsAsAChunkOfOne) {
  auto decoded = decode_history_chunk(R"({"id":3,"type":"ExecutionAborted","previousEventId":2})");
  ASSERT_TRUE(decoded) << decoded.error().message;
  ASSERT_EQ(decoded->size(), 1u);
  EXPECT_EQ(decoded->front().at("previousEventId").as_int64(), 2);
}

TEST(HistoryChunk, AnythingElseIsRecordCorruptNamingWhy) {
  expect_corrupt(decode_history_chunk, {
                                           {"[{\"id\":1,", "history chunk"},
                                           {"7", "neither an array"},
                                           {R"([{"id":1,"type":"A"},{"type":"B"}])", "event 1"},
                                           {R"([{"id":"1","type":"A"}])", "event 0"},
                                           {R"([{"id":1,"type":2}])", "event 0"},
                                           {R"([[]])", "event 0"},
                                           {R"({"v":2,"events":[]})", "unknown version"},
                                           {R"({"type":"A"})", "without an integer id"},
                                       });
}

}  // namespace
}  // namespace settled::records
