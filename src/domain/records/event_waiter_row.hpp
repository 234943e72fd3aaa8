#pragma once
// The event-waiter row (Table::kEventWaiters, keyed like the kept events: type, correlation key,
// sequence): an execution waiting in settled:events.waitFor, by the task token that resumes it.
// Written when the wait begins, erased when an event is taken or the waiter is found stale; read
// back by the events actor at start.
//
// Encoding: {"v":1,"token":"...","executionId":"..."}; a row without "v" is version 1.

#include "domain/result.hpp"

#include <string>
#include <string_view>

namespace settled::records {

struct EventWaiterRow {
  std::string token;
  std::string execution_id;

  bool operator==(const EventWaiterRow& other) const {
    return token == other.token && execution_id == other.execution_id;
  }
};

std::string encode(const EventWaiterRow& row);

// RecordCorrupt (naming what is wrong) for a row that is not this shape; never throws.
Result<EventWaiterRow> decode_event_waiter_row(std::string_view text);

}  // namespace settled::records
