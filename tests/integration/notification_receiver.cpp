#include "integration/notification_receiver.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdio>

namespace settled::testing {

NotificationReceiver::NotificationReceiver() {
  auto server = adapters::HttpServer::start(
      {"127.0.0.1", 0, 1 << 20, 16384, 2, std::chrono::seconds(60)},
      [this](adapters::HttpRequest req, adapters::HttpResponder respond) {
        Received r;
        r.path = req.parsed_target.path;
        r.id = std::string(req.header("settled-notification-id").value_or(""));
        r.signature = std::string(req.header("settled-signature").value_or(""));
        r.body = req.body;
        {
          std::lock_guard<std::mutex> lock(mutex_);
          int earlier = 0;
          for (const auto& seen : received_) earlier += !r.id.empty() && seen.id == r.id;
          r.status = down_ ? 503 : earlier < fail_first_ ? 500 : 200;
          received_.push_back(r);
          changed_.notify_all();
        }
        respond(adapters::HttpResponse{r.status, "{}", "application/json", {}});
      });
  if (!server.ok()) throw std::runtime_error(server.error().message);
  server_ = std::move(*server);
}

std::string NotificationReceiver::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port()) + path;
}

void NotificationReceiver::set_down(bool down) {
  std::lock_guard<std::mutex> lock(mutex_);
  down_ = down;
}

void NotificationReceiver::fail_first(int count) {
  std::lock_guard<std::mutex> lock(mutex_);
  fail_first_ = count;
}

std::vector<NotificationReceiver::Received> NotificationReceiver::received() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return received_;
}

std::map<std::string, int> NotificationReceiver::attempts_by_id() const {
  std::map<std::string, int> out;
  for (const auto& r : received())
    if (r.path == "/notifications") ++out[r.id];
  return out;
}

std::map<std::string, int> NotificationReceiver::delivered_by_id() const {
  std::map<std::string, int> out;
  for (const auto& r : received())
    if (r.path == "/notifications" && r.status / 100 == 2) ++out[r.id];
  return out;
}

bool NotificationReceiver::wait_for(const std::function<bool(const std::vector<Received>&)>& done,
                                    std::chrono::seconds deadline) {
  std::unique_lock<std::mutex> lock(mutex_);
  return changed_.wait_for(lock, deadline, [&] { return done(received_); });
}

bool verify_settled_signature(const std::string& header, const std::string& body,
                              const std::string& secret) {
  const auto comma = header.find(",v1=");
  if (header.rfind("t=", 0) != 0 || comma == std::string::npos) return false;
  const std::string t = header.substr(2, comma - 2);
  const std::string v1 = header.substr(comma + 4);
  const std::string signed_payload = t + "." + body;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(signed_payload.data()), signed_payload.size(), digest,
       &length);
  std::string hex;
  char byte[3];
  for (unsigned int i = 0; i < length; ++i) {
    std::snprintf(byte, sizeof byte, "%02x", digest[i]);
    hex += byte;
  }
  return hex == v1;
}

}  // namespace settled::testing
