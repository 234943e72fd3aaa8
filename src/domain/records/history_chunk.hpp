#pragma once
// A history chunk (Table::kHistory, keyed by execution id and the id of its first event): the
// events one transition added, in Step Functions' shape (see asl/history.hpp). Written by the
// execution with each commit and by stop/time-out; read by the history API, the branch and
// child readers, and retention.
//
// Encoding, version 1: a JSON array of event objects, each with an integer "id" and a string
// "type". A single event object (written by stop/time-out before chunks were one codec) reads as
// a chunk of one. A later version would be an object {"v":2,...}, which this decoder refuses by
// name rather than misreading.

#include "domain/result.hpp"

#include <boost/json/object.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace settled::records {

using HistoryChunk = std::vector<boost::json::object>;

std::string encode(const HistoryChunk& events);

// RecordCorrupt (naming what is wrong) for a chunk that is not this shape; never throws.
Result<HistoryChunk> decode_history_chunk(std::string_view text);

}  // namespace settled::records
