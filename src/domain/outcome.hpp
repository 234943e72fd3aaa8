#pragma once
// How a request from outside the engine ended when it was not refused, in the domain's words.
// Actors answer with an Outcome (or an Error); the API layer is the one place that turns either
// into an HTTP status or an admin reply (api/http_status.hpp).

#include <cstdint>

namespace settled {

enum class Outcome : std::uint8_t {
  kCreated,   // something new is durable: a started execution
  kExisting,  // it was there already: the replay of a start, an event id sent before
  kApplied,   // taken and durable: a task callback, an event handed to a waiting execution
  kKept,      // durably kept for later: an event no execution waits for yet
};

}  // namespace settled
