#pragma once
// POSTs a JSON document to a webhook URL (http://host[:port]/path) and says whether it was
// taken (2xx). Blocking, with a deadline: callers run it on a thread of their own.

#include "domain/result.hpp"

#include <chrono>
#include <string>

namespace settled::adapters {

struct WebhookUrl {
  std::string host;
  std::string port;
  std::string target;
};

// Only plain http:// for now; https:// is refused with a clear message.
Result<WebhookUrl> parse_webhook_url(const std::string& url);

// Ok on a 2xx answer; otherwise an error saying what happened (status, timeout, refused).
Status post_json(const WebhookUrl& url, const std::string& body, std::chrono::milliseconds timeout);

}  // namespace settled::adapters
