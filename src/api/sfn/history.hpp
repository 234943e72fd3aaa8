#pragma once
// GetExecutionHistory's paging and shape (docs/aws-api.md). settled's history events are Step
// Functions' already (id, previousEventId, type, <type>EventDetails; branches folded in by
// adapters/store/history_reader.hpp); here the timestamps become epoch seconds, execution data
// is left out when includeExecutionData is false, and the events are paged: maxResults (0 or
// absent: 100, at most 1000), reverseOrder, and a nextToken that names the direction and how
// many events were already returned ("h1:f:<n>" / "h1:r:<n>"; another is InvalidToken).

#include "api/sfn/aws_error.hpp"
#include "domain/result.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <cstddef>
#include <string>

namespace settled::api::sfn {

struct HistoryQuery {
  std::size_t max_results = 100;
  std::string next_token;  // "" for the first page
  bool reverse = false;
  bool include_data = true;
  // TaskScheduled's region (required in AWS's TaskScheduledEventDetails): the endpoint's.
  std::string region;
};

// One stored event in AWS's shape (a TaskScheduled names `region` when it is not empty).
boost::json::object aws_history_event(const boost::json::object& event, bool include_data,
                                      const std::string& region = {});

// {"events": [...], "nextToken"?} for `query` over the whole history `events` (oldest first).
Result<boost::json::object, AwsError> history_page(const boost::json::array& events,
                                                   const HistoryQuery& query);

}  // namespace settled::api::sfn
