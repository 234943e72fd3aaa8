#pragma once
// ListExecutions' nextToken (docs/aws-api.md): where the next page of one state machine's
// executions (newest first, adapters/store/started_executions.hpp) goes on. Opaque to the
// caller and bounded: "ex2." + hex(the last index row read, after the state machine's prefix) +
// "." + a check (16 hex of SHA-256 over the state machine's name and that row). A token of
// another state machine, a changed one, or anything else is InvalidToken, as on AWS.

#include "api/sfn/aws_error.hpp"
#include "domain/result.hpp"

#include <string>
#include <string_view>

namespace settled::api::sfn {

// At most 4 + 2 * (8 + 80) + 1 + 16 = 197 characters for an execution name of 80.
std::string execution_page_token(std::string_view state_machine, std::string_view index_key);

// The index key (Table::kExecutionsByStart) the next page reads after, or InvalidToken.
Result<std::string, AwsError> execution_page_key(std::string_view state_machine,
                                                 std::string_view token);

}  // namespace settled::api::sfn
