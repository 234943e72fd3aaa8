#pragma once
// settled:http.invoke: a Lambda function mapped to a URL in resource-map
// (docs/aws-resources.md) is called by POSTing its payload as JSON to that URL, through the
// shared downstream client (adapters/downstream/downstream_client.hpp: pooled connections, a
// bounded queue with deadlines, a rate limit, bounded responses), one per function. The answer
// is named as Lambda names it (domain/resources/lambda_answer.hpp); a request that never left
// is Lambda.SdkClientException, one that may have arrived and got no answer Lambda.Unknown.
// Like a Lambda invoke there is no idempotency key: the state's Retry decides whether to call
// again, and only a request known not to have been sent is resent on a fresh connection.

#include "adapters/downstream/downstream_client.hpp"
#include "domain/resources/aws_resource_map.hpp"
#include "domain/resources/task_outcome.hpp"
#include "domain/result.hpp"

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <string>

namespace settled::adapters {

struct HttpInvokeOptions {
  std::size_t max_connections = 8;              // per function
  std::uint32_t max_requests_per_second = 100;  // per function
  std::chrono::milliseconds request_timeout{60000};
  std::chrono::milliseconds idle_timeout{5000};
  std::string ca_file;  // extra trusted CAs (PEM) besides the system's
};

class HttpInvokeClient {
 public:
  // One downstream client per function URL of `map`. kInvalidRequest naming the function for a
  // URL the downstream endpoint refuses (http:// only to loopback, no query or user info).
  static Result<std::shared_ptr<HttpInvokeClient>> create(const aws::ResourceMap& map,
                                                          HttpInvokeOptions options);

  HttpInvokeClient(const HttpInvokeClient&) = delete;
  HttpInvokeClient& operator=(const HttpInvokeClient&) = delete;

  // attempt.parameters: {FunctionName, Payload}. `done` runs once, on an io thread.
  void make_resource_call(const TaskAttempt& attempt, DownstreamCallback done);

 private:
  HttpInvokeClient() = default;
  std::map<std::string, std::unique_ptr<DownstreamClient>> functions_;
};

// What an exchange with a function's URL means to a workflow (the outcome hook).
TaskOutcome http_invoke_outcome(const DownstreamConnection::Exchange& exchange,
                                const DownstreamOptions& options);

}  // namespace settled::adapters
