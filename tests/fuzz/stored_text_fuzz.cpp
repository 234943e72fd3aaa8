// libFuzzer target: the writers of stored JSON text. Input: any JSON document. What
// domain/json_append writes must be, byte for byte, what json::serialize writes (records written
// by earlier versions and read by every reader depend on it); and the history chunk codec, given
// the document's text as the payload of two events in two chunks (the second stored as a
// reference to the first, or with its long strings referring to it), must read back every
// payload byte for byte.

#include "domain/asl/history.hpp"
#include "domain/json_append.hpp"
#include "domain/json_limits.hpp"
#include "domain/records/history_chunk.hpp"
#include "fuzz_input.hpp"

#include <boost/json.hpp>

#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace settled;
  namespace json = boost::json;
  auto value = fuzz::parse_json(fuzz::as_text(data, size), 256);
  if (!value) return 0;
  std::string appended = "x";
  append_json(appended, *value);
  if (appended.compare(1, std::string::npos, json::serialize(*value)) != 0) __builtin_trap();
  if (const json::string* text = value->if_string()) {
    std::string token;
    append_json_string(token, *text);
    if (token != json::serialize(*value)) __builtin_trap();
  }

  // No value holding a number beyond a double's range reaches the codec: every way in refuses
  // one (parse_request_json, StringToJson, ...), since JSON text cannot hold infinity.
  if (holds_non_finite_number(*value)) return 0;

  // The document as an execution's input, then inside a later output beside a string of its own.
  json::object output{{"result", *value}, {"copy", *value}};
  if (const json::string* text = value->if_string()) output["again"] = *text;
  records::PayloadDedup dedup;
  asl::HistoryBuilder history(0);
  history.add(1, "ExecutionStarted", json::object{{"input", json::serialize(*value)}});
  const records::HistoryChunk first = history.events();
  const std::string first_text = records::encode(first, dedup);
  history.events().clear();
  history.add(2, "TaskStateEntered", asl::state_details("S", *value, true));
  history.add(3, "TaskStateExited", asl::state_details("S", output, false));
  const records::HistoryChunk second = history.events();
  const std::string second_text = records::encode(second, dedup);
  records::PayloadIndex index;
  auto one = records::decode_history_chunk(first_text, index);
  auto two = records::decode_history_chunk(second_text, index);
  if (!one || !two || one->size() != 1 || two->size() != 2) __builtin_trap();
  if (json::serialize((*one)[0]) != json::serialize(first[0])) __builtin_trap();
  for (std::size_t i = 0; i < 2; ++i)
    if (json::serialize((*two)[i]) != json::serialize(second[i])) __builtin_trap();
  return 0;
}
