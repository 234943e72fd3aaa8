#pragma once
// Execution history in Step Functions' vocabulary and shape: events with id, previousEventId,
// timestamp, type and a "<type>EventDetails" object whose input/output are JSON strings.

#include "domain/asl/state_machine.hpp"
#include "domain/time.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace settled::asl {

// "TaskStateEntered", "ChoiceStateExited", ...
std::string state_event_type(StateType type, bool entered);

// Takes each event as it is added, instead of the builder keeping it: the engine writes its
// events straight into the chunk it commits (records::ChunkWriter).
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void add(std::int64_t id, EpochMillis at, const std::string& type,
                   boost::json::object details) = 0;
};

class HistoryBuilder {
 public:
  // `last_event_id`: id of the newest event already stored for the execution (0 if none).
  // With a `sink`, events go to it and events() stays empty.
  explicit HistoryBuilder(std::int64_t last_event_id, EventSink* sink = nullptr)
      : last_id_(last_event_id), sink_(sink) {}

  // Appends an event and returns its id. `details` goes under the details key Step Functions
  // uses for `type` (e.g. "taskSucceededEventDetails").
  std::int64_t add(EpochMillis now, const std::string& type, boost::json::object details);

  std::int64_t last_id() const { return last_id_; }
  std::vector<boost::json::object>& events() { return events_; }

 private:
  std::int64_t last_id_;
  EventSink* sink_;
  std::vector<boost::json::object> events_;
  // The events of one transition mostly share a time: its text is formatted once.
  EpochMillis formatted_at_ = -1;
  std::string formatted_;
};

// Details helpers that keep the field names in one place.
boost::json::object state_details(const std::string& name, const boost::json::value& payload,
                                  bool entered);
// The same, from the payload's JSON text (json_text) when the caller already has it.
boost::json::object state_details_text(const std::string& name, std::string_view payload_text,
                                       bool entered);
boost::json::object task_details(const std::string& resource);
std::string details_key(std::string_view type);
// details_key(type) == key, without building the key (the history encoder checks every event).
bool is_details_key_of(std::string_view key, std::string_view type);

}  // namespace settled::asl
