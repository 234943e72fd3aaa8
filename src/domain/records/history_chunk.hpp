#pragma once
// A history chunk (Table::kHistory, keyed by execution id and the id of its first event): the
// events one transition added, in Step Functions' shape (see asl/history.hpp). Written by the
// execution with each commit and by stop/time-out; read by the history API, the branch and
// child readers, and retention.
//
// Encoding, version 3 (what is written): {"v":3,"events":[...]}. An event of exactly the shape
// HistoryBuilder writes (id, previousEventId = id - 1, timestamp as format_timestamp writes it,
// type, details under the type's details key, in that order) is written compact, as
// [id, type, details] or [id, type, details, millis]: the millisecond only when it differs from
// the previous compact event's (a transition's events share one), the rest implied; about 90
// bytes less per event. Any other event is written as an object, as Step Functions shows it.
// In both, the payload fields of the details ("input", "output", "parameters", which Step
// Functions gives as JSON text in a string) are stored either
//   - inline, as [<the JSON text itself>]: not escaped a second time inside a string; or
//   - as {"sameAs":N,"field":"output"}: the same text as that field of event N, an earlier event
//     of the same execution (this chunk or an earlier one). A payment's input otherwise appears
//     in a dozen events; it is stored once;
//   - as {"text":[<the JSON text with some string values emptied>],"strings":[[AT,N,"field",
//     FROM,LENGTH],...]}: a payload that differs from the earlier ones but repeats a long string
//     value of one (a payment's description in Stripe's answer and in each later output): the
//     `""` at byte AT of the text is the LENGTH bytes at FROM of event N's field, written once.
// Decoding gives back the Step Functions shape (payloads as strings, byte for byte as written).
// Version 2 (still read): every event an object. Version 1 (still read): a JSON array of event
// objects with string payloads; a single event object (written by stop/time-out before chunks were
// one codec) reads as a chunk of one.

#include "domain/result.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace settled::records {

using HistoryChunk = std::vector<boost::json::object>;

// The execution's payloads written most recently, so an identical one, or a long string value
// of one, is written as a reference. One per execution actor; forgetting (a new actor after a
// restart) only writes a payload inline.
class PayloadDedup {
 public:
  struct Written {
    std::int64_t event_id;
    std::string field;
    std::string text;
  };
  // Where a long string value was first written: the payload and the offset of its token.
  struct StringSource {
    std::int64_t event_id;
    std::string field;
    std::size_t offset;
  };
  // An earlier payload with exactly `text`, or nullptr.
  const Written* find(std::string_view text) const;
  // An earlier payload holding exactly this string token (quotes and escapes as written), or
  // nullptr.
  const StringSource* find_string(std::string_view token) const;
  void remember(std::int64_t event_id, std::string field, std::string text);
  // The same, given where `text`'s long string values are (offset and length of each token, in
  // order), as the writer found them already.
  struct Token {
    std::size_t at;
    std::size_t length;
  };
  void remember(std::int64_t event_id, std::string field, std::string text,
                const std::vector<Token>& long_strings);

 private:
  static constexpr std::size_t kRemembered = 4;
  // The long strings are remembered longer than whole payloads (a payment's description is in
  // its input and again in its last output, many payloads later), up to this many bytes.
  static constexpr std::size_t kRememberedStringBytes = 64 * 1024;
  std::deque<Written> recent_;
  std::unordered_map<std::string, StringSource> strings_;
  std::deque<const std::string*> string_order_;  // strings_'s keys, oldest first, for eviction
  std::size_t string_bytes_ = 0;
};

// String values shorter than this (quotes included) are never references.
inline constexpr std::size_t kStringReferenceMinBytes = 64;
// At most this many string references in one payload (bounds the work a payload of many
// strings costs; the rest stay inline).
inline constexpr std::size_t kStringReferencesPerPayload = 32;

// Payloads shorter than this are always inline: a reference would not be smaller.
inline constexpr std::size_t kPayloadReferenceMinBytes = 48;

std::string encode(const HistoryChunk& events, PayloadDedup& dedup);

// A chunk written event by event, as encode writes it: the engine's events go straight into
// their chunk's text instead of being kept as objects until the commit.
class ChunkWriter {
 public:
  // An event of HistoryBuilder's shape: id (>= 1), previousEventId id - 1, the timestamp of
  // `at`, type and details under the type's details key.
  void add(std::int64_t id, std::int64_t at, std::string_view type,
           const boost::json::object& details, PayloadDedup& dedup);
  bool empty() const { return events_ == 0; }
  std::size_t size() const { return events_; }
  std::int64_t first_id() const { return first_id_; }
  // The chunk's text; the writer is empty again.
  std::string take();
  void clear();

 private:
  std::string text_;
  std::size_t events_ = 0;
  std::int64_t first_id_ = 0;
  std::int64_t previous_at_ = -1;  // of the last compact event (-1: none yet)
};

std::string encode(const HistoryChunk& events);  // every payload inline

// The payload texts of the execution's events decoded so far, by (event id, field): what a
// reference in a later chunk resolves against. Read the chunks in order with one index.
using PayloadIndex = std::map<std::pair<std::int64_t, std::string>, std::string, std::less<>>;

// RecordCorrupt (naming what is wrong) for a chunk that is not this shape, or a reference to a
// payload not in `index`; never throws.
Result<HistoryChunk> decode_history_chunk(std::string_view text, PayloadIndex& index);
Result<HistoryChunk> decode_history_chunk(std::string_view text);  // a chunk on its own

}  // namespace settled::records
