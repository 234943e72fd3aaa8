#pragma once
// The Veriff decision row (Table::kVeriffDecisions, keyed by VeriffDecision::key(): session id,
// attempt id and code): a signed decision webhook as it was received, written in the commit that
// acknowledges it. Its presence makes a second delivery of the same decision a duplicate.
//
// Encoding: {"v":1,"sessionId","attemptId","code","status","vendorData","receivedAtMillis",
// "correlationKeys":[...],"decision":{...the body as received}}.

#include "domain/result.hpp"
#include "domain/veriff/decision.hpp"

#include <string>
#include <string_view>

namespace settled::records {

std::string encode(const veriff::VeriffDecision& decision);

// RecordCorrupt (naming what is wrong) for a row that is not this shape; never throws.
Result<veriff::VeriffDecision> decode_veriff_decision_row(std::string_view text);

}  // namespace settled::records
