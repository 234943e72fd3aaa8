// Admission control without a network: the bounds, the per-client share, and that a slot is
// given back however the request ends (answered, answered twice, or its responder dropped).

#include "adapters/http/admission.hpp"

#include "adapters/http/api_keys.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace settled::adapters {
namespace {

HttpRequest request(std::string method, std::string peer = "10.0.0.1:5000") {
  HttpRequest req;
  req.method = std::move(method);
  req.target = "/v1/executions";
  req.remote_address = std::move(peer);
  return req;
}

// The inner handler: keeps every responder, so requests stay in flight until answered.
struct Held {
  std::vector<HttpResponder> responders;
  HttpHandler handler() {
    return [this](HttpRequest, HttpResponder respond) { responders.push_back(std::move(respond)); };
  }
};

// The answer given at once, if any. Held responders are called after this returns, so the
// responder owns what it writes into (ASan: a reference to a local would dangle).
std::optional<HttpResponse> send(const HttpHandler& handler, HttpRequest req) {
  auto answer = std::make_shared<std::optional<HttpResponse>>();
  handler(std::move(req), [answer](HttpResponse response) { *answer = std::move(response); });
  return *answer;
}

TEST(Admission, PastTheBoundAWriteIsRefusedAt503WithRetryAfter) {
  auto admission = std::make_shared<Admission>(AdmissionOptions{2, 0, 1});
  Held held;
  const HttpHandler handler = admit(admission, peer_host, held.handler());
  EXPECT_FALSE(send(handler, request("POST")).has_value());
  EXPECT_FALSE(send(handler, request("PUT")).has_value());
  EXPECT_EQ(admission->in_flight(), 2u);

  const auto refused = send(handler, request("POST"));
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->status, 503u);
  EXPECT_EQ(boost::json::parse(refused->body).at("error").as_string(), "Overloaded");
  ASSERT_EQ(refused->headers.size(), 1u);
  EXPECT_EQ(refused->headers[0], (std::pair<std::string, std::string>{"Retry-After", "1"}));
  EXPECT_EQ(std::string(boost::json::parse(refused->body).at("message").as_string()),
            "the daemon has 2 requests in flight (max-in-flight); nothing was done, retry after "
            "1 s");
  EXPECT_EQ(held.responders.size(), 2u);  // the refused one never reached the handler

  // Reads are not counted.
  EXPECT_FALSE(send(handler, request("GET")).has_value());
  EXPECT_EQ(held.responders.size(), 3u);
  EXPECT_EQ(admission->in_flight(), 2u);
}

TEST(Admission, AnAnswerOrADroppedResponderGivesTheSlotBackOnce) {
  auto admission = std::make_shared<Admission>(AdmissionOptions{2, 0, 1});
  Held held;
  const HttpHandler handler = admit(admission, peer_host, held.handler());
  send(handler, request("POST"));
  send(handler, request("POST"));
  held.responders[0](HttpResponse{});
  held.responders[0](HttpResponse{});  // a second answer must not free a second slot
  EXPECT_EQ(admission->in_flight(), 1u);
  held.responders.clear();  // dropped unanswered: the slot is not leaked
  EXPECT_EQ(admission->in_flight(), 0u);
  EXPECT_FALSE(send(handler, request("POST")).has_value());
}

// Admission with the adaptive bound on (at most 32 in flight, 3 x the unloaded p99).
struct AdaptiveAdmission {
  std::shared_ptr<Admission> admission = [] {
    AdmissionOptions options{32, 0, 1};
    options.latency_tolerance = 3;
    return std::make_shared<Admission>(options);
  }();
  Held held;
  const HttpHandler handler = admit(admission, peer_host, held.handler());

  // A write that reached the server `latency` ago, admitted and answered now.
  void answer_after(std::chrono::milliseconds latency) {
    HttpRequest req = request("POST");
    req.received_at = std::chrono::steady_clock::now() - latency;
    send(handler, std::move(req));
    held.responders.back()(HttpResponse{});
  }
};

TEST(Admission, AnAnswersLatencyCountsFromWhenTheRequestReachedTheServer) {
  // The wait before admission (a busy io loop) is part of what the client sees, so it is part
  // of what the adaptive bound learns: requests that arrived 40 ms before they were admitted
  // and were answered at once teach a baseline of at least 40 ms.
  AdaptiveAdmission adaptive;
  constexpr auto kWaited = std::chrono::milliseconds(40);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  // Answers until a window (100 ms, 16 answers) has closed unloaded and taught the baseline.
  while (adaptive.admission->baseline() == std::chrono::steady_clock::duration::zero() &&
         std::chrono::steady_clock::now() < deadline)
    adaptive.answer_after(kWaited);
  EXPECT_GE(adaptive.admission->baseline(), kWaited);
  EXPECT_LT(adaptive.admission->baseline(), std::chrono::seconds(1));
}

TEST(Admission, A503NamesTheBoundInForceWhenTheAdaptiveBoundIsLower) {
  AdaptiveAdmission adaptive;
  const auto& admission = adaptive.admission;
  // Fast answers one at a time teach the unloaded baseline; answers 100 times slower with more
  // than a quarter of the bound in flight (a loaded window) then halve the bound.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (admission->baseline() == std::chrono::steady_clock::duration::zero() &&
         std::chrono::steady_clock::now() < deadline)
    adaptive.answer_after(std::chrono::milliseconds(1));
  adaptive.held.responders.clear();
  for (int i = 0; i < 8; ++i) send(adaptive.handler, request("POST"));
  while (admission->limit() == 32 && std::chrono::steady_clock::now() < deadline)
    adaptive.answer_after(std::chrono::milliseconds(100));
  const std::size_t bound = admission->limit();
  ASSERT_LT(bound, 32u);
  adaptive.held.responders.clear();
  ASSERT_EQ(admission->in_flight(), 0u);

  for (std::size_t i = 0; i < bound; ++i) ASSERT_FALSE(send(adaptive.handler, request("POST")));
  const auto refused = send(adaptive.handler, request("POST"));
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->status, 503u);
  EXPECT_EQ(std::string(boost::json::parse(refused->body).at("message").as_string()),
            "the daemon has " + std::to_string(bound) +
                " requests in flight (adaptive bound; max-in-flight 32); nothing was done, "
                "retry after 1 s");
}

TEST(Admission, OneClientPastItsShareGets429AndOthersAreStillAdmitted) {
  auto admission = std::make_shared<Admission>(AdmissionOptions{3, 1, 2});
  Held held;
  const HttpHandler handler = admit(admission, peer_host, held.handler());
  EXPECT_FALSE(send(handler, request("POST", "10.0.0.1:1")).has_value());
  const auto refused = send(handler, request("POST", "10.0.0.1:2"));
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->status, 429u);
  EXPECT_EQ(boost::json::parse(refused->body).at("error").as_string(), "TooManyRequests");
  EXPECT_EQ(refused->headers[0].second, "2");
  EXPECT_FALSE(send(handler, request("POST", "10.0.0.2:1")).has_value());
  EXPECT_EQ(admission->in_flight(), 2u);
  held.responders[0](HttpResponse{});
  EXPECT_FALSE(send(handler, request("POST", "10.0.0.1:3")).has_value());
}

TEST(Admission, ClientsAreTheirApiKeyWhenKeysAreOnAndTheirAddressOtherwise) {
  HttpRequest req = request("POST", "10.0.0.9:4242");
  req.authorization = "Bearer secret";
  EXPECT_EQ(identify_clients(false)(req), "10.0.0.9");
  EXPECT_EQ(identify_clients(true)(req), sha256_hex("secret"));
}

}  // namespace
}  // namespace settled::adapters
