#include "fakes/fake_veriff_server.hpp"

#include "support/veriff_signing.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <sys/socket.h>

#include <cstdio>

namespace settled::testing {

namespace http = boost::beast::http;
namespace json = boost::json;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;

namespace {

std::string fail_body(int code, const std::string& message) {
  return json::serialize(json::object{{"status", "fail"}, {"code", code}, {"message", message}});
}

std::string uuid_for(std::uint64_t n) {
  char text[40];
  std::snprintf(text, sizeof text, "00000000-0000-4000-8000-%012llu",
                static_cast<unsigned long long>(n));
  return text;
}

}  // namespace

FakeVeriffServer::FakeVeriffServer(std::string api_key, std::string shared_secret)
    : api_key_(std::move(api_key)),
      shared_secret_(std::move(shared_secret)),
      cert_(SelfSignedCert::make("127.0.0.1", "IP:127.0.0.1,DNS:localhost")),
      tls_(ssl::context::tls_server),
      acceptor_(io_, {net::ip::make_address("127.0.0.1"), 0}) {
  tls_.use_certificate_chain(net::buffer(cert_.cert_pem));
  tls_.use_private_key(net::buffer(cert_.key_pem), ssl::context::pem);
  port_ = acceptor_.local_endpoint().port();
  acceptor_thread_ = std::thread([this] { accept_loop(); });
}

FakeVeriffServer::~FakeVeriffServer() {
  stopping_ = true;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    // Wakes every blocking read and every held answer.
    for (auto& socket : sockets_) ::shutdown(socket->native_handle(), SHUT_RDWR);
    changed_.notify_all();
  }
  boost::system::error_code ignored;
  tcp::socket poke(io_);
  poke.connect({net::ip::make_address("127.0.0.1"), port_}, ignored);
  acceptor_thread_.join();
  std::vector<std::thread> connections;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    connections.swap(connections_);
  }
  for (auto& thread : connections) thread.join();
}

void FakeVeriffServer::accept_loop() {
  while (!stopping_) {
    tcp::socket socket(io_);
    boost::system::error_code ec;
    acceptor_.accept(socket, ec);
    if (ec || stopping_) continue;
    std::lock_guard<std::mutex> lock(mutex_);
    connections_.emplace_back([this, s = std::make_shared<tcp::socket>(
                                         std::move(socket))]() mutable { serve(std::move(*s)); });
  }
}

void FakeVeriffServer::serve(tcp::socket socket) {
  auto shared = std::make_shared<tcp::socket>(std::move(socket));
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;
    sockets_.push_back(shared);
  }
  ssl::stream<tcp::socket&> stream(*shared, tls_);
  boost::system::error_code ec;
  stream.handshake(ssl::stream_base::server, ec);
  boost::beast::flat_buffer buffer;
  while (!ec && !stopping_) {
    http::request<http::string_body> req;
    http::read(stream, buffer, req, ec);
    if (ec) break;
    Answer answer;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      answer = handle_locked(std::string(req.method_string()), std::string(req.target()),
                             std::string(req["X-AUTH-CLIENT"]),
                             std::string(req["X-HMAC-SIGNATURE"]), req.body());
      changed_.notify_all();
      if (answer.hang) {
        changed_.wait(lock, [&] { return stopping_.load(); });
        break;
      }
    }
    http::response<http::string_body> res{static_cast<http::status>(answer.status), 11};
    res.set(http::field::content_type, "application/json");
    for (const auto& [name, value] : answer.headers) res.set(name, value);
    res.body() = std::move(answer.body);
    res.keep_alive(req.keep_alive());
    res.prepare_payload();
    http::write(stream, res, ec);
    if (!req.keep_alive()) break;
  }
  ::shutdown(shared->native_handle(), SHUT_RDWR);
}

FakeVeriffServer::Answer FakeVeriffServer::handle_locked(const std::string& method,
                                                         const std::string& target,
                                                         const std::string& auth_client,
                                                         const std::string& signature,
                                                         const std::string& body) {
  recorded_.push_back({method, target, auth_client, signature, body, 0, Clock::now()});
  Recorded& record = recorded_.back();
  auto answer = [&](unsigned status, std::string text, Headers headers = {}) {
    record.status = status;
    return Answer{status, std::move(text), std::move(headers), false};
  };
  const std::string decision_prefix = "/v1/sessions/";
  const std::string decision_suffix = "/decision";
  std::string session_id;
  const bool create = method == "POST" && target == "/v1/sessions";
  const bool decision = method == "GET" && target.rfind(decision_prefix, 0) == 0 &&
                        target.size() > decision_prefix.size() + decision_suffix.size() &&
                        target.compare(target.size() - decision_suffix.size(),
                                       decision_suffix.size(), decision_suffix) == 0;
  if (decision)
    session_id = target.substr(decision_prefix.size(),
                               target.size() - decision_prefix.size() - decision_suffix.size());
  if (!create && !decision) return answer(404, fail_body(1404, "No such route"));
  // As Veriff: the API key first, then the signature over the body (POST) or the id (GET).
  if (auth_client != api_key_)
    return answer(401, fail_body(1801, "X-AUTH-CLIENT is missing or not a known integration"));
  if (signature != veriff_signature(create ? body : session_id, shared_secret_))
    return answer(401, fail_body(1812,
                                 "X-HMAC-SIGNATURE does not match the HMAC-SHA256 of the "
                                 "payload and the integration's shared secret"));
  if (hang_count_ > 0) {
    --hang_count_;
    return Answer{0, "", {}, true};
  }
  if (fail_count_ > 0) {
    --fail_count_;
    return answer(fail_status_, fail_body(static_cast<int>(fail_status_), "injected failure"),
                  fail_headers_);
  }
  if (create) {
    boost::system::error_code ec;
    json::value parsed = json::parse(body, ec);
    const json::value* verification =
        !ec && parsed.is_object() ? parsed.as_object().if_contains("verification") : nullptr;
    if (!verification || !verification->is_object())
      return answer(400, fail_body(1102, "Mandatory parameters are missing from the request."));
    const std::string id = uuid_for(next_id_++);
    const std::string token = "token-" + id;
    json::object session{{"id", id},
                         {"url", "https://alchemy.veriff.com/v/" + token},
                         {"host", "https://alchemy.veriff.com"},
                         {"status", "created"},
                         {"sessionToken", token}};
    if (const auto* vendor = verification->as_object().if_contains("vendorData"))
      session["vendorData"] = *vendor;
    sessions_[id] = session;
    return answer(201,
                  json::serialize(json::object{{"status", "success"}, {"verification", session}}));
  }
  if (!sessions_.count(session_id)) return answer(404, fail_body(1404, "Session not found"));
  json::value verification = nullptr;
  if (auto it = decisions_.find(session_id); it != decisions_.end()) {
    json::object decided = it->second;
    decided["id"] = session_id;
    verification = std::move(decided);
  }
  return answer(200, json::serialize(json::object{{"status", "success"},
                                                  {"verification", std::move(verification)},
                                                  {"technicalData", {{"ip", nullptr}}}}));
}

void FakeVeriffServer::decide(const std::string& session_id, json::object verification) {
  std::lock_guard<std::mutex> lock(mutex_);
  decisions_[session_id] = std::move(verification);
}

void FakeVeriffServer::fail_next(int n, unsigned status, Headers headers) {
  std::lock_guard<std::mutex> lock(mutex_);
  fail_count_ = n;
  fail_status_ = status;
  fail_headers_ = std::move(headers);
}

void FakeVeriffServer::hang_next(int n) {
  std::lock_guard<std::mutex> lock(mutex_);
  hang_count_ = n;
}

std::size_t FakeVeriffServer::sessions_created() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return sessions_.size();
}

std::vector<FakeVeriffServer::Recorded> FakeVeriffServer::recorded() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return recorded_;
}

bool FakeVeriffServer::wait_for_requests(std::size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return recorded_.size() >= n; });
}

}  // namespace settled::testing
