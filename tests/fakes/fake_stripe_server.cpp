#include "fakes/fake_stripe_server.hpp"

namespace settled::testing {

FakeStripeServer::FakeStripeServer(std::string secret_key) : secret_key_(std::move(secret_key)) {
  delayer_ = std::thread([this] { run_delayer(); });
  options_.host = "127.0.0.1";
  options_.port = 0;
  options_.threads = 2;
  server_ = start_server();
  port_ = server_->port();
  options_.port = port_;  // a restart (dropped connections) binds the same port again
}

FakeStripeServer::~FakeStripeServer() {
  std::vector<std::thread> restarters;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;  // no more restarts from here
    restarters.swap(restarters_);
  }
  for (auto& thread : restarters) thread.join();
  {
    std::lock_guard<std::mutex> lock(server_mutex_);
    server_.reset();  // joins the io threads: no handler runs after this
  }
  cv_.notify_all();
  delayer_.join();
}

void FakeStripeServer::answer(const std::string& method, const std::string& path, unsigned status,
                              std::string body) {
  std::lock_guard<std::mutex> lock(mutex_);
  answers_[method + " " + path] = {status, std::move(body)};
}

void FakeStripeServer::fail_next(int n, unsigned status, Headers headers) {
  std::lock_guard<std::mutex> lock(mutex_);
  fail_count_ = n;
  fail_status_ = status;
  fail_headers_ = std::move(headers);
}

void FakeStripeServer::delay_next(int n, std::chrono::milliseconds delay) {
  std::lock_guard<std::mutex> lock(mutex_);
  delay_count_ = n;
  delay_ = delay;
}

void FakeStripeServer::drop_next(int n) {
  std::lock_guard<std::mutex> lock(mutex_);
  drop_count_ = n;
}

void FakeStripeServer::close_connections() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++restarts_requested_;
  }
  restart();
}

bool FakeStripeServer::wait_until_serving(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mutex_);
  return cv_.wait_for(lock, timeout, [&] { return restarts_done_ == restarts_requested_; });
}

bool FakeStripeServer::wait_for_pending(std::size_t n, std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mutex_);
  return cv_.wait_for(lock, timeout, [&] { return in_progress_ >= n; });
}

std::size_t FakeStripeServer::requests() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return recorded_.size();
}

std::size_t FakeStripeServer::requests_for(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return static_cast<std::size_t>(
      std::count_if(recorded_.begin(), recorded_.end(),
                    [&](const Recorded& r) { return r.idempotency_key == key; }));
}

std::size_t FakeStripeServer::intents_created() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return intents_;
}

std::size_t FakeStripeServer::peak_in_progress() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return peak_in_progress_;
}

std::vector<FakeStripeServer::Recorded> FakeStripeServer::recorded() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return recorded_;
}

std::string FakeStripeServer::percent_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size()) {
      out += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

FakeStripeServer::Form FakeStripeServer::decode_form(std::string_view body) {
  Form form;
  while (!body.empty()) {
    const auto amp = body.find('&');
    std::string_view pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view{} : body.substr(amp + 1);
    const auto eq = pair.find('=');
    form.emplace_back(percent_decode(pair.substr(0, eq)),
                      eq == std::string_view::npos ? "" : percent_decode(pair.substr(eq + 1)));
  }
  return form;
}

std::unique_ptr<adapters::HttpServer> FakeStripeServer::start_server() {
  auto started = adapters::HttpServer::start(
      options_, [this](adapters::HttpRequest request, adapters::HttpResponder responder) {
        handle(std::move(request), std::move(responder));
      });
  if (!started) throw std::runtime_error("fake Stripe: " + started.error().message);
  return std::move(started).value();
}

adapters::HttpResponse FakeStripeServer::error(unsigned status, const std::string& type,
                                               const std::string& code, const std::string& message,
                                               boost::json::object extra) {
  boost::json::object e = std::move(extra);
  e["type"] = type;
  if (!code.empty()) e["code"] = code;
  e["message"] = message;
  adapters::HttpResponse response;
  response.status = status;
  response.body = boost::json::serialize(boost::json::object{{"error", std::move(e)}});
  return response;
}

void FakeStripeServer::handle(adapters::HttpRequest request, adapters::HttpResponder responder) {
  std::optional<std::pair<unsigned, std::string>> canned;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it =
        answers_.find(request.method + " " + request.target.substr(0, request.target.find('?')));
    if (it != answers_.end()) canned = it->second;
  }
  if (!canned && (request.method != "POST" || request.target != "/v1/payment_intents")) {
    return responder(
        error(404, "invalid_request_error", "resource_missing",
              "Unrecognized request URL (" + request.method + ": " + request.target + ")"));
  }
  Recorded record;
  record.method = request.method;
  record.target = request.target;
  record.stripe_account = std::string(request.header("stripe-account").value_or(""));
  record.idempotency_key = std::string(request.header("idempotency-key").value_or(""));
  record.authorization = request.authorization;
  record.stripe_version = std::string(request.header("stripe-version").value_or(""));
  record.content_type = request.content_type;
  record.body = request.body;
  record.received = Clock::now();
  Form params = decode_form(request.body);
  std::sort(params.begin(), params.end());

  std::unique_lock<std::mutex> lock(mutex_);
  const std::size_t index = recorded_.size();
  recorded_.push_back(record);
  ++in_progress_;
  peak_in_progress_ = std::max(peak_in_progress_, in_progress_);
  cv_.notify_all();
  auto answer = [this, responder, index](adapters::HttpResponse response) {
    {
      std::lock_guard<std::mutex> l(mutex_);
      --in_progress_;
      recorded_[index].status = response.status;
    }
    responder(std::move(response));
  };

  if (record.authorization != "Bearer " + secret_key_) {
    lock.unlock();
    // Stripe's 401 carries type invalid_request_error; the status is what counts.
    return answer(error(401, "invalid_request_error", "",
                        "Invalid API Key provided: " + record.authorization.substr(0, 12)));
  }

  if (fail_count_ > 0) {
    --fail_count_;
    const unsigned status = fail_status_;
    auto failure = status == 429
                       ? error(429, "rate_limit_error", "rate_limit",
                               "Too many requests hit the API too quickly.")
                       : error(status, "api_error", "", "Something went wrong on Stripe's end.");
    failure.headers.insert(failure.headers.end(), fail_headers_.begin(), fail_headers_.end());
    if (delay_count_ > 0) {
      --delay_count_;
      delayed_.push_back(Delayed{Clock::now() + delay_, answer, std::move(failure)});
      lock.unlock();
      cv_.notify_all();
      return;
    }
    lock.unlock();
    return answer(std::move(failure));
  }

  adapters::HttpResponse response;
  const std::string& key = record.idempotency_key;
  if (canned) {
    response.status = canned->first;
    response.body = canned->second;
  } else if (auto stored = idempotent_.find(key); !key.empty() && stored != idempotent_.end()) {
    if (stored->second.params != params) {
      response = error(400, "idempotency_error", "idempotency_key_in_use",
                       "Keys for idempotent requests can only be used with the same "
                       "parameters they were first used with.");
    } else {
      response.status = stored->second.status;
      response.body = stored->second.body;
      response.headers.emplace_back("Idempotent-Replayed", "true");
    }
  } else {
    response = create(params);
    if (!key.empty()) idempotent_[key] = Stored{params, response.status, response.body};
  }

  if (drop_count_ > 0) {
    --drop_count_;
    --in_progress_;  // never answered: the restart closes the connection
    if (stopping_) return;
    ++restarts_requested_;
    restarters_.emplace_back([this] { restart(); });
    return;
  }
  if (delay_count_ > 0) {
    --delay_count_;
    delayed_.push_back(Delayed{Clock::now() + delay_, answer, std::move(response)});
    lock.unlock();
    cv_.notify_all();
    return;
  }
  lock.unlock();
  answer(std::move(response));
}

adapters::HttpResponse FakeStripeServer::create(const Form& params) {
  auto get = [&](const std::string& name) -> const std::string* {
    for (const auto& [k, v] : params) {
      if (k == name) return &v;
    }
    return nullptr;
  };
  const std::string* amount = get("amount");
  if (!amount || amount->empty() || amount->find_first_not_of("0123456789") != std::string::npos) {
    return error(400, "invalid_request_error", "parameter_invalid_integer",
                 "Invalid integer: " + (amount ? *amount : std::string()), {{"param", "amount"}});
  }
  const std::string* currency = get("currency");
  const std::string* method = get("payment_method");
  if (!currency || !method) {
    return error(400, "invalid_request_error", "parameter_missing",
                 "Missing required param: currency or payment_method.");
  }
  boost::json::object metadata;
  for (const auto& [k, v] : params) {
    if (k.rfind("metadata[", 0) == 0 && k.back() == ']') metadata[k.substr(9, k.size() - 10)] = v;
  }
  const std::string id = "pi_fake_" + std::to_string(++intents_);
  boost::json::object intent{{"id", id},
                             {"object", "payment_intent"},
                             {"amount", std::stoll(*amount)},
                             {"currency", *currency},
                             {"payment_method", *method},
                             {"metadata", std::move(metadata)},
                             {"livemode", false}};
  const std::string* confirm = get("confirm");
  if (*method == "pm_card_chargeDeclined") {
    intent["status"] = "requires_payment_method";
    return error(402, "card_error", "card_declined", "Your card was declined.",
                 {{"decline_code", "generic_decline"}, {"payment_intent", intent}});
  }
  const bool confirmed = confirm && *confirm == "true";
  intent["status"] = confirmed ? "succeeded" : "requires_confirmation";
  intent["amount_received"] = confirmed ? intent["amount"] : boost::json::value(0);
  adapters::HttpResponse response;
  response.body = boost::json::serialize(intent);
  return response;
}

void FakeStripeServer::restart() {
  std::lock_guard<std::mutex> server_lock(server_mutex_);
  server_->stop();  // closes every connection, the one owed an answer included
  server_.reset();
  server_ = start_server();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++restarts_done_;
  }
  cv_.notify_all();
}

void FakeStripeServer::run_delayer() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    if (delayed_.empty()) {
      cv_.wait(lock);
      continue;
    }
    auto next = std::min_element(delayed_.begin(), delayed_.end(),
                                 [](const Delayed& a, const Delayed& b) { return a.due < b.due; });
    if (const auto when = next->due; Clock::now() < when) {
      // A copy: wait_until reads it while unlocked, when a push_back may move the vector.
      cv_.wait_until(lock, when);
      continue;
    }
    Delayed due = std::move(*next);
    delayed_.erase(next);
    lock.unlock();
    due.responder(std::move(due.response));
    lock.lock();
  }
  delayed_.clear();  // the server is going away: nobody left to answer
}

}  // namespace settled::testing
