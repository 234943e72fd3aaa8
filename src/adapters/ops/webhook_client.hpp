#pragma once
// POSTs a JSON document to a webhook URL (http:// or https://) and says whether it was taken
// (2xx). Blocking, with a deadline: callers run it on a thread of their own (the alerts actor
// is detached for this reason).

#include "domain/result.hpp"

#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace settled::adapters {

struct WebhookUrl {
  bool tls = false;
  std::string host;  // without brackets for IPv6
  std::string port;
  std::string target;  // path and query, at least "/"
};

// "http[s]://host[:port][/path]"; kInvalidRequest saying what is wrong otherwise.
Result<WebhookUrl> parse_webhook_url(const std::string& url);

class WebhookClient {
 public:
  // `ca_file`: extra PEM trust anchors for https (e.g. a private CA); the system's trusted CAs
  // are always loaded. Fails on a bad URL or an unreadable CA file.
  static Result<WebhookClient> create(const std::string& url, const std::string& ca_file = "");

  // Ok on a 2xx answer; otherwise an error saying what happened (status, timeout, refused,
  // certificate). https verifies the peer's chain and host name, and sends SNI.
  // `headers`: more header fields to send (a signature, say).
  Status post_json(const std::string& body, std::chrono::milliseconds timeout,
                   const std::vector<std::pair<std::string, std::string>>& headers = {}) const;

  const WebhookUrl& url() const { return url_; }

 private:
  WebhookUrl url_;
  std::shared_ptr<boost::asio::ssl::context> tls_;  // set for https only
};

}  // namespace settled::adapters
