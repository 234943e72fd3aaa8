// The history chunk's codec: the events of a transition, in order and whole, survive a round
// trip; a payload repeated in later events and chunks is stored once and read back byte for
// byte; version 1 chunks and a single event (as stop/time-out once wrote) still read; anything
// else is RecordCorrupt, never an exception.

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

TEST(HistoryChunk, AnEventOfTheBuildersShapeIsStoredCompactAndReadBackWhole) {
  asl::HistoryBuilder history(6);
  history.add(1700000000123, "TaskStateEntered",
              asl::state_details("Charge", json::object{{"amount", 1250}}, true));
  history.add(1700000000123, "TaskScheduled", asl::task_details("settled:stripe.charge"));
  history.add(1700000000125, "TaskStarted", asl::task_details("settled:stripe.charge"));
  history.add(1700000000125, "ChoiceStateExited",
              asl::state_details("Route", json::object{}, false));
  const HistoryChunk written = history.events();
  const std::string text = encode(written);
  // previousEventId, the timestamp's text, the member names and the details keys are implied;
  // a millisecond is written only where it changes.
  EXPECT_EQ(text,
            R"({"v":3,"events":[[7,"TaskStateEntered",{"name":"Charge","input":[{"amount":1250}]},)"
            R"(1700000000123],[8,"TaskScheduled",{"resourceType":"stripe","resource":"charge"}],)"
            R"([9,"TaskStarted",{"resourceType":"stripe","resource":"charge"},1700000000125],)"
            R"([10,"ChoiceStateExited",{"name":"Route","output":[{}]}]]})");
  auto decoded = decode_history_chunk(text);
  ASSERT_TRUE(decoded) << decoded.error().message;
  ASSERT_EQ(decoded->size(), written.size());
  for (std::size_t i = 0; i < written.size(); ++i)  // member order too
    EXPECT_EQ(json::serialize((*decoded)[i]), json::serialize(written[i])) << i;
}

TEST(HistoryChunk, AnEventOfAnyOtherShapeIsStoredAsAnObjectAndReadBackWhole) {
  const auto event = [](std::int64_t id, std::int64_t previous, const char* timestamp) {
    json::object made;
    made["id"] = id;
    made["previousEventId"] = previous;
    made["timestamp"] = timestamp;
    made["type"] = "PassStateEntered";
    made["stateEnteredEventDetails"] = json::object{{"name", "P"}, {"input", "{}"}};
    return made;
  };
  HistoryChunk odd;
  odd.push_back(event(5, 3, "2023-11-14T22:13:20.000Z"));  // previousEventId not id - 1
  odd.push_back(event(6, 5, "2023-11-14T22:13:20.1Z"));    // not format_timestamp's text
  odd.push_back(event(7, 6, "2023-11-14T23:13:20.000+01:00"));
  odd.push_back(event(8, 7, "10000-01-01T00:00:00.000Z"));  // past four digits of year
  odd.push_back(event(0, -1, "2023-11-14T22:13:20.000Z"));  // not a positive id
  json::object extra = event(9, 8, "2023-11-14T22:13:20.000Z");
  extra["note"] = "more";
  odd.push_back(extra);
  json::object renamed = event(10, 9, "2023-11-14T22:13:20.000Z");
  renamed.erase("stateEnteredEventDetails");
  renamed["passStateEnteredEventDetails"] = json::object{{"name", "P"}};
  odd.push_back(renamed);
  json::object reordered;
  reordered["type"] = "PassStateEntered";
  for (const auto& member : event(11, 10, "2023-11-14T22:13:20.000Z"))
    if (member.key() != "type") reordered[member.key()] = member.value();
  odd.push_back(reordered);
  odd.push_back(event(12, 11, "2023-11-14T22:13:20.000Z"));  // this one is compact
  const std::string text = encode(odd);
  // Only the last event has the builder's shape.
  const json::value parsed = json::parse(text);
  const json::array& stored = parsed.at("events").as_array();
  for (std::size_t i = 0; i + 1 < stored.size(); ++i) EXPECT_TRUE(stored[i].is_object()) << i;
  EXPECT_TRUE(stored.back().is_array()) << text;
  auto decoded = decode_history_chunk(text);
  ASSERT_TRUE(decoded) << decoded.error().message;
  ASSERT_EQ(decoded->size(), odd.size());
  for (std::size_t i = 0; i < odd.size(); ++i)
    EXPECT_EQ(json::serialize((*decoded)[i]), json::serialize(odd[i])) << i;
}

// The engine's way: a HistoryBuilder whose events go straight into a ChunkWriter.
struct WriterSink : asl::EventSink {
  void add(std::int64_t id, EpochMillis at, const std::string& type,
           json::object details) override {
    writer.add(id, at, type, details, dedup);
  }
  ChunkWriter writer;
  PayloadDedup dedup;
};

TEST(HistoryChunk, AChunkWrittenEventByEventIsTheChunkEncodeWrites) {
  const json::object payment{{"paymentId", "p-1"},
                             {"description", std::string(300, 'd') + " \"q\""}};
  WriterSink sink;
  asl::HistoryBuilder streamed(4, &sink);
  asl::HistoryBuilder kept(4);
  PayloadDedup kept_dedup;
  for (asl::HistoryBuilder* history : {&streamed, &kept}) {
    history->add(1700000000123, "TaskStateEntered", asl::state_details("Charge", payment, true));
    history->add(1700000000123, "TaskScheduled", asl::task_details("settled:stripe.charge"));
    history->add(1700000000124, "TaskStateExited", asl::state_details("Charge", payment, false));
  }
  EXPECT_TRUE(streamed.events().empty());  // nothing kept as objects
  ASSERT_EQ(sink.writer.size(), 3u);
  EXPECT_EQ(sink.writer.first_id(), 5);
  const std::string first = sink.writer.take();
  EXPECT_EQ(first, encode(kept.events(), kept_dedup));
  EXPECT_TRUE(sink.writer.empty());
  EXPECT_EQ(sink.writer.take(), "");
  // The next chunk starts afresh (its first event carries its time) and refers to the first.
  kept.events().clear();
  for (asl::HistoryBuilder* history : {&streamed, &kept})
    history->add(1700000000124, "PassStateEntered", asl::state_details("P", payment, true));
  const std::string second = sink.writer.take();
  EXPECT_EQ(second, encode(kept.events(), kept_dedup));
  EXPECT_NE(second.find("1700000000124"), std::string::npos) << second;
  EXPECT_NE(second.find("sameAs"), std::string::npos) << second;
  PayloadIndex index;
  ASSERT_TRUE(decode_history_chunk(first, index));
  auto read = decode_history_chunk(second, index);
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(json::serialize(read->front()), json::serialize(kept.events().front()));
}

TEST(HistoryChunk, AnEventWhoseTimeHasNoCompactFormIsWrittenWhole) {
  WriterSink sink;
  asl::HistoryBuilder history(0, &sink);
  asl::HistoryBuilder kept(0);
  for (asl::HistoryBuilder* builder : {&history, &kept}) {
    builder->add(-5, "PassStateEntered", asl::state_details("P", json::object{}, true));
    builder->add(253402300800000, "PassStateExited", asl::state_details("P", 1, false));
  }
  const std::string text = sink.writer.take();
  EXPECT_EQ(text.find("[1,"), std::string::npos) << text;
  auto read = decode_history_chunk(text);
  ASSERT_TRUE(read) << read.error().message;
  ASSERT_EQ(read->size(), 2u);
  for (std::size_t i = 0; i < 2; ++i)
    EXPECT_EQ(json::serialize((*read)[i]), json::serialize(kept.events()[i])) << i;
}

TEST(HistoryChunk, ARepeatedPayloadIsStoredOnceAndReadBackByteForByte) {
  const json::object payment{{"paymentId", "p-1"},
                             {"amount", 1250},
                             {"rate", 0.1},
                             {"description", std::string(600, 'x') + "\"quoted\" \u00e9"}};
  PayloadDedup dedup;
  asl::HistoryBuilder history(0);
  history.add(1700000000000, "ExecutionStarted", json::object{{"input", json::serialize(payment)}});
  history.add(1700000000001, "TaskStateEntered", asl::state_details("Charge", payment, true));
  const HistoryChunk first = history.events();
  const std::string first_text = encode(first, dedup);
  history.events().clear();
  history.add(1700000000002, "TaskStateExited", asl::state_details("Charge", payment, false));
  history.add(1700000000003, "PassStateEntered", asl::state_details("Tiny", json::object{}, true));
  const HistoryChunk second = history.events();
  const std::string second_text = encode(second, dedup);

  // The 600-byte description is written once, in the first event; the others refer to it.
  EXPECT_EQ(first_text.find(std::string(600, 'x')), first_text.rfind(std::string(600, 'x')));
  EXPECT_EQ(second_text.find(std::string(600, 'x')), std::string::npos) << second_text;
  EXPECT_NE(second_text.find(R"({"sameAs":1,"field":"input"})"), std::string::npos);

  PayloadIndex index;
  auto one = decode_history_chunk(first_text, index);
  auto two = decode_history_chunk(second_text, index);
  ASSERT_TRUE(one) << one.error().message;
  ASSERT_TRUE(two) << two.error().message;
  HistoryChunk read = *one;
  read.insert(read.end(), two->begin(), two->end());
  HistoryChunk written = first;
  written.insert(written.end(), second.begin(), second.end());
  ASSERT_EQ(read.size(), written.size());
  for (std::size_t i = 0; i < written.size(); ++i)
    EXPECT_EQ(json::serialize(read[i]), json::serialize(written[i])) << i;

  // The second chunk alone cannot be read: its reference names what it needs.
  auto alone = decode_history_chunk(second_text);
  ASSERT_FALSE(alone);
  EXPECT_NE(alone.error().message.find("refers to event 1's input"), std::string::npos)
      << alone.error().message;
}

// Stripe's answer repeats the payment's description; each later output does too.
TEST(HistoryChunk, ALongStringOfAnEarlierPayloadIsStoredOnceAndReadBackByteForByte) {
  const std::string description = std::string(300, 'd') + "\"quoted\" \\ \u00e9 \n end";
  const json::object payment{{"paymentId", "p-1"}, {"amount", 1250}, {"description", description}};
  json::object answer{{"id", "pi_1"}, {"description", description}, {"status", "succeeded"}};
  json::object output = payment;
  output["charge"] = answer;
  output["note"] = description;  // twice in one payload
  PayloadDedup dedup;
  asl::HistoryBuilder history(0);
  history.add(1700000000000, "ExecutionStarted", json::object{{"input", json::serialize(payment)}});
  const HistoryChunk first = history.events();
  const std::string first_text = encode(first, dedup);
  history.events().clear();
  history.add(1700000000001, "TaskSucceeded", json::object{{"output", json::serialize(answer)}});
  history.add(1700000000002, "TaskStateExited", asl::state_details("Charge", output, false));
  const HistoryChunk second = history.events();
  const std::string second_text = encode(second, dedup);

  // The description's end (quotes and escapes as stored) is in the first chunk once, not in the
  // second.
  const std::string stored = json::serialize(json::string(description));
  const std::string tail = stored.substr(stored.size() - 40);
  EXPECT_EQ(first_text.find(tail), first_text.rfind(tail));
  EXPECT_EQ(second_text.find(tail), std::string::npos) << second_text;
  EXPECT_NE(second_text.find(R"("strings":[[)"), std::string::npos) << second_text;
  EXPECT_LT(second_text.size(), encode(second).size() - 3 * description.size() + 200);

  PayloadIndex index;
  auto one = decode_history_chunk(first_text, index);
  auto two = decode_history_chunk(second_text, index);
  ASSERT_TRUE(one) << one.error().message;
  ASSERT_TRUE(two) << two.error().message;
  ASSERT_EQ(two->size(), second.size());
  for (std::size_t i = 0; i < second.size(); ++i)
    EXPECT_EQ(json::serialize((*two)[i]), json::serialize(second[i])) << i;
  // Without the chunk it refers to, it says what is missing.
  auto alone = decode_history_chunk(second_text);
  ASSERT_FALSE(alone);
  EXPECT_NE(alone.error().message.find("which was not read"), std::string::npos)
      << alone.error().message;
}

// A string's end is found past escaped quotes and at an escaped backslash: a long string that
// ends in either is still found whole, stored once and read back byte for byte.
TEST(HistoryChunk, ALongStringEndingInAnEscapeIsFoundWhole) {
  const std::string backslash_end = std::string(100, 'a') + "\\";
  const std::string quote_end = std::string(100, 'b') + "\"";
  const std::string escapes_within = "\\\"" + std::string(100, 'c') + "\\\\\"\\";
  const json::object payment{
      {"first", backslash_end}, {"second", quote_end}, {"third", escapes_within}};
  json::object output{
      {"id", "pi_1"}, {"a", backslash_end}, {"b", quote_end}, {"c", escapes_within}};
  PayloadDedup dedup;
  asl::HistoryBuilder history(0);
  history.add(1700000000000, "ExecutionStarted", json::object{{"input", json::serialize(payment)}});
  const HistoryChunk first = history.events();
  const std::string first_text = encode(first, dedup);
  history.events().clear();
  history.add(1700000000001, "TaskSucceeded", json::object{{"output", json::serialize(output)}});
  const HistoryChunk second = history.events();
  const std::string second_text = encode(second, dedup);

  for (const auto& text : {backslash_end, quote_end, escapes_within}) {
    const std::string token = json::serialize(json::string(text));
    ASSERT_NE(first_text.find(token), std::string::npos) << token;
    EXPECT_EQ(first_text.find(token), first_text.rfind(token)) << token;
    EXPECT_EQ(second_text.find(token), std::string::npos) << second_text;
  }
  PayloadIndex index;
  ASSERT_TRUE(decode_history_chunk(first_text, index));
  auto two = decode_history_chunk(second_text, index);
  ASSERT_TRUE(two) << two.error().message;
  ASSERT_EQ(two->size(), 1u);
  EXPECT_EQ(json::serialize((*two)[0]), json::serialize(second[0]));
}

TEST(HistoryChunk, APayloadOfManyLongStringsHasAtMostSoManyReferences) {
  json::array many;
  for (int i = 0; i < 100; ++i)
    many.push_back(json::string(std::string(80, 'a' + i % 26) + std::to_string(i)));
  PayloadDedup dedup;
  asl::HistoryBuilder history(0);
  history.add(1700000000000, "ExecutionStarted", json::object{{"input", json::serialize(many)}});
  const std::string first_text = encode(history.events(), dedup);
  history.events().clear();
  json::array again = many;
  again.push_back(1);  // not identical, so not a whole-payload reference
  history.add(1700000000001, "PassStateExited",
              json::object{{"name", "P"}, {"output", json::serialize(again)}});
  const std::string second_text = encode(history.events(), dedup);
  const json::value stored = json::parse(second_text);
  const auto& strings =
      stored.at("events").at(0).at(2).at("output").at("strings");  // [id, type, details, millis]
  EXPECT_EQ(strings.as_array().size(), kStringReferencesPerPayload);
  PayloadIndex index;
  ASSERT_TRUE(decode_history_chunk(first_text, index));
  auto two = decode_history_chunk(second_text, index);
  ASSERT_TRUE(two) << two.error().message;
  EXPECT_EQ(std::string(two->front().at("stateExitedEventDetails").at("output").as_string()),
            json::serialize(again));
}

TEST(HistoryChunk, TheLongStringsRememberedAreBoundedOldestForgottenFirst) {
  PayloadDedup dedup;
  // 40 payloads of one 4,000-byte string each: 160 KB, more than the 64 KiB remembered.
  const auto token = [](int i) {
    return "\"" + std::string(4000, static_cast<char>('a' + i % 26)) + std::to_string(i) + "\"";
  };
  for (int i = 0; i < 40; ++i)
    dedup.remember(i + 1, "output", "{\"description\":" + token(i) + "}");
  EXPECT_EQ(dedup.find_string(token(0)), nullptr);  // the oldest went first
  EXPECT_EQ(dedup.find_string(token(20)), nullptr);
  const auto* newest = dedup.find_string(token(39));
  ASSERT_NE(newest, nullptr);
  EXPECT_EQ(newest->event_id, 40);
  EXPECT_EQ(newest->offset, std::string("{\"description\":").size());
  EXPECT_EQ(dedup.find_string(token(23)), nullptr);
  ASSERT_NE(dedup.find_string(token(24)), nullptr);  // the newest 16 of ~4 KB fit in 64 KiB
  // A forgotten string remembered again is found again, at its new place.
  dedup.remember(41, "input", "{\"d\":" + token(0) + "}");
  const auto* again = dedup.find_string(token(0));
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(again->event_id, 41);
  EXPECT_EQ(dedup.find_string(token(24)), nullptr);  // the oldest made room for it
  EXPECT_NE(dedup.find_string(token(25)), nullptr);
}

TEST(HistoryChunk, AVersionOneChunkStillReads) {
  auto decoded = decode_history_chunk(
      R"([{"id":2,"type":"TaskStateEntered","stateEnteredEventDetails":{"name":"A","input":"{\"a\":1}"}}])");
  ASSERT_TRUE(decoded) << decoded.error().message;
  ASSERT_EQ(decoded->size(), 1u);
  EXPECT_EQ(decoded->front().at("stateEnteredEventDetails").at("input").as_string(), "{\"a\":1}");
}

TEST(HistoryChunk, ASingleEventReadsAsAChunkOfOne) {
  auto decoded = decode_history_chunk(R"({"id":3,"type":"ExecutionAborted","previousEventId":2})");
  ASSERT_TRUE(decoded) << decoded.error().message;
  ASSERT_EQ(decoded->size(), 1u);
  EXPECT_EQ(decoded->front().at("previousEventId").as_int64(), 2);
}

TEST(HistoryChunk, AnythingElseIsRecordCorruptNamingWhy) {
  const auto decode = [](std::string_view text) { return decode_history_chunk(text); };
  expect_corrupt(
      decode,
      {
          {"[{\"id\":1,", "history chunk"},
          {"7", "neither an array"},
          {R"([{"id":1,"type":"A"},{"type":"B"}])", "event 1"},
          {R"([{"id":"1","type":"A"}])", "event 0"},
          {R"([{"id":1,"type":2}])", "event 0"},
          {R"([[]])", "event 0"},
          {R"({"v":4,"events":[]})", "unknown version"},
          {R"({"v":2,"events":[[1,"A",{},0]]})", "event 0"},  // compact only from version 3
          {R"({"v":3,"events":[[1,"A",{}]]})", "the first compact event has no time"},
          {R"({"v":3,"events":[[1,"A",{},0,5]]})", "not [id, type, details]"},
          {R"({"v":3,"events":[[1,"A"]]})", "not [id, type, details]"},
          {R"({"v":3,"events":[[0,"A",{},0]]})", "positive integer"},
          {R"({"v":3,"events":[[1,2,{},0]]})", "positive integer"},
          {R"({"v":3,"events":[[1,"A",[],0]]})", "positive integer"},
          {R"({"v":3,"events":[[1,"A",{},-1]]})", "from 1970 to 9999"},
          {R"({"v":3,"events":[[1,"A",{},253402300800000]]})", "from 1970 to 9999"},
          {R"({"v":3,"events":[[1,"A",{},1.5]]})", "from 1970 to 9999"},
          {R"({"v":3,"events":[[1,"A",{"input":[1,2]},0]]})", "not one value"},
          {R"({"v":2})", "without an events array"},
          {R"({"v":2,"events":[{"id":1,"type":"A","aEventDetails":{"input":[1,2]}}]})",
           "not one value"},
          {R"({"v":2,"events":[{"id":1,"type":"A","aEventDetails":{"output":{"x":1}}}]})",
           "neither inline nor a reference"},
          {R"({"type":"A"})", "without an integer id"},
          {R"({"v":2,"events":[{"id":1,"type":"A","aEventDetails":{"output":{"text":[1]}}}]})",
           "not a text and its strings"},
          {R"({"v":2,"events":[{"id":1,"type":"A","aEventDetails":{"output":{"text":[["x"]],"strings":[[1,1,"input",0,3]]}}}]})",
           "does not point at an emptied string"},
          {R"({"v":2,"events":[{"id":1,"type":"A","aEventDetails":{"output":{"text":[[""]],"strings":[[1,9,"input",0,3]]}}}]})",
           "which was not read"},
          {R"({"v":2,"events":[{"id":1,"type":"A","aEventDetails":{"output":{"text":[[""]],"strings":[[1,1,"output",0]]}}}]})",
           "is not [at, event, field, from, length]"},
      });
  // A reference past the end of the text it names.
  PayloadIndex index;
  ASSERT_TRUE(decode_history_chunk(
      R"({"v":2,"events":[{"id":1,"type":"A","aEventDetails":{"input":["abc"]}}]})", index));
  auto past = decode_history_chunk(
      R"({"v":2,"events":[{"id":2,"type":"B","bEventDetails":{"output":{"text":[[""]],"strings":[[1,1,"input",2,9]]}}}]})",
      index);
  ASSERT_FALSE(past);
  EXPECT_NE(past.error().message.find("reaches past"), std::string::npos) << past.error().message;
  // Bytes of the text it names that are not a whole string.
  auto inside = decode_history_chunk(
      R"({"v":2,"events":[{"id":3,"type":"B","bEventDetails":{"output":{"text":[[""]],"strings":[[1,1,"input",0,3]]}}}]})",
      index);
  ASSERT_FALSE(inside);
  EXPECT_NE(inside.error().message.find("not a string"), std::string::npos)
      << inside.error().message;
}

}  // namespace
}  // namespace settled::records
