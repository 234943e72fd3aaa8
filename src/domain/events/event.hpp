#pragma once
// Events for settled:events.waitFor (EventBridge-like): what POST /v1/events carries, what a
// waiting task asks for, and the key layout both are stored under. An event that arrives
// before anyone waits for it is kept (for the retention) and taken by the first waiter.

#include "domain/result.hpp"
#include "domain/time.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace settled::events {

struct Event {
  std::string id;  // optional sender id: the same id posted twice is taken once
  std::string type;
  std::string source;  // EventBridge form: the envelope's source (empty for settled's form)
  std::string time;    // EventBridge form: the envelope's time, as sent
  std::string correlation_key;
  boost::json::value detail;
  EpochMillis received_at = 0;
  EpochMillis expires_at = 0;

  // What the waiting task completes with: {type, correlationKey, detail, receivedAt[, id]
  // [, source, time]}.
  boost::json::value task_result() const;
  boost::json::value to_json() const;
  static Result<Event> from_json(const boost::json::value& value);
};

// What makes an id posted again the same event: its type, correlation key, source and detail
// (by meaning: json_canonical.hpp), as a SHA-256 in hex. Its time and arrival are not part of it.
std::string content_digest(const Event& event);

// The stored row of an event's id (Table::kEventIds): "<expires_at> <content digest>". A row
// from before session 34 holds the expiry alone: its digest reads as empty (unknown).
std::string event_id_row(EpochMillis expires_at, const std::string& digest);
struct EventIdRow {
  EpochMillis expires_at = 0;
  std::string digest;
};
std::optional<EventIdRow> parse_event_id_row(std::string_view row);

// type + correlation key together: their stored key (event_key: both, two NULs and an 8-byte
// sequence) must fit LMDB's 511-byte key limit, or the commit, not the request, would fail.
inline constexpr std::size_t kMaxTypeAndKeyBytes = 511 - 10;

// Step Functions' 256 KiB payload limit, for an event's detail as JSON text.
inline constexpr std::size_t kMaxDetailBytes = 256 * 1024;

// Field checks shared by the event parsers; `where` prefixes the field's name in messages.
namespace fields {
// A non-empty string of at most 256 characters without NUL.
Result<std::string> required_text(const boost::json::object& o, const char* field,
                                  const std::string& where);
// The object has no field but these.
Status only_fields(const boost::json::object& o, std::initializer_list<const char*> allowed,
                   const std::string& where);
// type and correlation key fit one stored key (kMaxTypeAndKeyBytes).
Status key_fits(const std::string& type, const std::string& key, const std::string& where);
// The detail is at most kMaxDetailBytes of JSON text (kPayloadTooLarge).
Status detail_fits(const boost::json::value& detail);
}  // namespace fields

// POST /v1/events {"type", "correlationKey", "detail"?, "id"?}: unknown fields, empty or
// over-long strings and a detail over kMaxDetailBytes are refused, naming the field.
Result<Event> parse_event(const boost::json::value& body, EpochMillis now,
                          std::int64_t retention_ms);

// settled:events.waitFor {"type", "correlationKey", "timeoutSeconds"?}.
struct WaitFor {
  std::string type;
  std::string correlation_key;
  std::int64_t timeout_seconds = 0;  // 0: no limit of its own
};
Result<WaitFor> parse_wait_for(const boost::json::value& parameters);

// type + '\0' + correlation key + '\0' + big-endian u64 sequence: the events and the waiters of
// one (type, key) are adjacent and in arrival order.
std::string event_key(std::string_view type, std::string_view correlation_key,
                      std::uint64_t sequence);
struct EventKey {
  std::string type;
  std::string correlation_key;
  std::uint64_t sequence = 0;
};
std::optional<EventKey> parse_event_key(std::string_view key);

}  // namespace settled::events
