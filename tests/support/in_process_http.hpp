#pragma once
// One request through an HTTP handler (e.g. the daemon's route stack, src/settled/daemon.hpp)
// with no network: the request is handed over as the HTTP session hands it (its target parsed
// once; a target the session refuses gets the session's 400 and never reaches the handler),
// and the answer is awaited with a deadline. For the in-process daemon test and the HTTP fuzzer.

#include "adapters/http/http_message.hpp"
#include "adapters/http/request_target.hpp"
#include "domain/error.hpp"

#include <boost/json/serialize.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

namespace settled::testing {

struct InProcessAnswer {
  std::optional<adapters::HttpResponse> response;  // nullopt: none came before the deadline
  // How often the request has been answered so far (the session's own refusal counts once):
  // still counting after send_in_process returns, so a late second answer shows here too.
  std::shared_ptr<const std::atomic<int>> responder_calls =
      std::make_shared<const std::atomic<int>>(0);
};

// Sends `request` (its parsed_target is filled in here from `target`) and waits up to
// `deadline` for the answer. The handler may answer on any thread, after this returns too.
inline InProcessAnswer send_in_process(const adapters::HttpHandler& handler,
                                       adapters::HttpRequest request,
                                       std::chrono::milliseconds deadline) {
  InProcessAnswer answer;
  auto target = adapters::parse_request_target(request.target);
  if (!target) {
    adapters::HttpResponse refused;
    refused.status = 400;
    refused.body = boost::json::serialize(to_json(target.error()));
    answer.response = std::move(refused);
    answer.responder_calls = std::make_shared<const std::atomic<int>>(1);
    return answer;
  }
  request.parsed_target = std::move(*target);

  struct Shared {
    std::mutex mutex;
    std::condition_variable answered;
    std::optional<adapters::HttpResponse> response;
  };
  auto shared = std::make_shared<Shared>();
  auto calls = std::make_shared<std::atomic<int>>(0);
  handler(std::move(request), [shared, calls](adapters::HttpResponse response) {
    std::lock_guard<std::mutex> lock(shared->mutex);
    if (++*calls == 1) shared->response = std::move(response);
    shared->answered.notify_all();
  });
  std::unique_lock<std::mutex> lock(shared->mutex);
  shared->answered.wait_for(lock, deadline, [&] { return *calls > 0; });
  answer.response = shared->response;
  answer.responder_calls = std::move(calls);
  return answer;
}

// A request as a client would send it: `key` is the API key for "Authorization: Bearer"
// ("" for none).
inline adapters::HttpRequest make_request(std::string method, std::string target,
                                          std::string body = "", const std::string& key = "") {
  adapters::HttpRequest request;
  request.method = std::move(method);
  request.target = std::move(target);
  request.body = std::move(body);
  request.remote_address = "127.0.0.1:40000";
  if (!request.body.empty()) {
    request.content_type = "application/json";
    request.headers.emplace_back("content-type", request.content_type);
  }
  if (!key.empty()) {
    request.authorization = "Bearer " + key;
    request.headers.emplace_back("authorization", request.authorization);
  }
  return request;
}

}  // namespace settled::testing
