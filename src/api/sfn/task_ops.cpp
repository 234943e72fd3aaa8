// SendTaskSuccess, SendTaskFailure and SendTaskHeartbeat (docs/aws-api.md): the same callback
// the native POST /v1/tasks/{success,failure,heartbeat} sends to the executions supervisor,
// answered once the waiting execution has made it durable.

#include "actors/messages.hpp"
#include "api/request_parsing.hpp"
#include "api/sfn/aws_json.hpp"
#include "api/sfn/sfn_context.hpp"
#include "domain/asl/interpreter.hpp"

#include <boost/json.hpp>

namespace settled::api::sfn {

namespace json = boost::json;

namespace {

constexpr std::size_t kTokenMax = 2048;         // AWS's taskToken length
constexpr std::size_t kSettledTokenMax = 1024;  // the longest token settled hands out

void send(SfnCall& call, actors::TaskCallback::Kind kind) {
  using Kind = actors::TaskCallback::Kind;
  BodyReader success(call.body, {"taskToken", "output"});
  BodyReader failure(call.body, {"taskToken", "error", "cause"});
  BodyReader heartbeat(call.body, {"taskToken"});
  BodyReader& r = kind == Kind::kSuccess ? success : kind == Kind::kFailure ? failure : heartbeat;
  const std::string token = r.string("taskToken", true, 1, kTokenMax);
  if (kind == Kind::kSuccess) r.string("output", true, 0, asl::kPayloadLimitBytes);
  if (kind == Kind::kFailure) {
    r.string("error", false, 0, 256);
    r.string("cause", false, 0, 32768);
  }
  if (r.error()) return call.respond(aws_error_response(*r.error()));
  if (token.size() > kSettledTokenMax)
    return call.respond(
        aws_error_response(AwsError{aws_errors::kInvalidToken, "Invalid Token: not a task token"}));
  // The body is now known to be the native callback's shape with a string output.
  auto callback = parse_task_callback(kind, call.body);
  if (!callback) {
    AwsError error = to_aws_error(callback.error());
    if (kind == Kind::kSuccess && callback.error().code != ErrorCode::kInvalidJson)
      error.type = aws_errors::kInvalidOutput;
    return call.respond(aws_error_response(error));
  }
  callback->caller = call.caller;
  callback->reply = [respond = call.respond](actors::Answer answer) {
    if (!answer) return respond(aws_error_response(to_aws_error(answer.error())));
    respond(aws_ok(json::object{}));
  };
  caf::anon_send(call.deps.executions, actors::task_callback_atom::value, std::move(*callback));
}

}  // namespace

void send_task_success(SfnCall call) {
  send(call, actors::TaskCallback::Kind::kSuccess);
}
void send_task_failure(SfnCall call) {
  send(call, actors::TaskCallback::Kind::kFailure);
}
void send_task_heartbeat(SfnCall call) {
  send(call, actors::TaskCallback::Kind::kHeartbeat);
}

}  // namespace settled::api::sfn
