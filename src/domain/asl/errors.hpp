#pragma once
// The predefined States.* error names and Step Functions' rules for matching them.

#include <string>
#include <string_view>
#include <vector>

namespace settled::asl {

namespace errors {
inline constexpr std::string_view kAll = "States.ALL";
inline constexpr std::string_view kTimeout = "States.Timeout";
inline constexpr std::string_view kTaskFailed = "States.TaskFailed";
inline constexpr std::string_view kRuntime = "States.Runtime";
inline constexpr std::string_view kDataLimitExceeded = "States.DataLimitExceeded";
// A ResultPath that cannot be applied to the state's input. The error list of Step Functions'
// guide names this States.ResultPathMatchFailure, but executions recorded against AWS fail with
// States.ReferencePathConflict (docs/engine.md), and that is what settled raises.
inline constexpr std::string_view kReferencePathConflict = "States.ReferencePathConflict";
inline constexpr std::string_view kParameterPathFailure = "States.ParameterPathFailure";
inline constexpr std::string_view kNoChoiceMatched = "States.NoChoiceMatched";
inline constexpr std::string_view kPermissions = "States.Permissions";
inline constexpr std::string_view kIntrinsicFailure = "States.IntrinsicFailure";
inline constexpr std::string_view kExceedToleratedFailureThreshold =
    "States.ExceedToleratedFailureThreshold";
inline constexpr std::string_view kItemReaderFailed = "States.ItemReaderFailed";
}  // namespace errors

// True if `error` is matched by one of the names: itself; "States.ALL" (anything but
// States.Runtime and States.DataLimitExceeded, which no retrier or catcher can take);
// "States.TaskFailed" (any task failure except States.Timeout).
bool error_matches(const std::vector<std::string>& error_equals, std::string_view error);

}  // namespace settled::asl
