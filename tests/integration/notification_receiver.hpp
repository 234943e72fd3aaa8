#pragma once
// A notification webhook receiver for the notification tests: an HTTP server on a free port that
// records every POST (path, Settled-Notification-Id, Settled-Signature, body) and answers as the
// test says (up, down, or failing each id's first attempts). And the signature check a receiver
// would write, with OpenSSL's HMAC() directly (not settled's code).

#include "adapters/http/http_server.hpp"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace settled::testing {

class NotificationReceiver {
 public:
  struct Received {
    std::string path;
    std::string id;         // Settled-Notification-Id
    std::string signature;  // Settled-Signature
    std::string body;
    unsigned status = 0;  // what the receiver answered
  };

  NotificationReceiver();

  std::uint16_t port() const { return server_->port(); }
  std::string url(const std::string& path) const;

  // Down: every POST is answered 503 (nothing is taken).
  void set_down(bool down);
  // Each notification id's first `count` attempts are answered 500.
  void fail_first(int count);

  std::vector<Received> received() const;
  // Attempts and 2xx answers per notification id (POSTs to /notifications only).
  std::map<std::string, int> attempts_by_id() const;
  std::map<std::string, int> delivered_by_id() const;

  // Waits, with a deadline, until `done(received())`; false if it never was.
  bool wait_for(const std::function<bool(const std::vector<Received>&)>& done,
                std::chrono::seconds deadline = std::chrono::seconds(20));

 private:
  std::unique_ptr<adapters::HttpServer> server_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  bool down_ = false;
  int fail_first_ = 0;
  std::vector<Received> received_;
};

// True when `header` ("t=<seconds>,v1=<hex>") signs "<t>.<body>" with HMAC-SHA256 under
// `secret`: recomputed here with OpenSSL's HMAC(), as a receiver in any language would.
bool verify_settled_signature(const std::string& header, const std::string& body,
                              const std::string& secret);

}  // namespace settled::testing
