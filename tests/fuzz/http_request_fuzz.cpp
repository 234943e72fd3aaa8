// libFuzzer target: one HTTP request through the daemon's real route stack, no network. The
// bytes are one request as it arrives on a connection: Beast's parser with the server's header
// and body limits (as adapters/http/http_session.cpp reads it), the HttpRequest the session builds
// from it, the session's request-target parse (a refused target is its 400), then the handler
// the composition root builds (src/settled/daemon.hpp): the API-key check (keys configured, so
// both paths run), admission, the routes, the real actors and a real LMDB store.
//
// Every input must get exactly one answer within kAnswerDeadline, with a status in 200..599,
// and every refusal must be the one JSON error shape; otherwise abort(), which libFuzzer reports.
//
// State: the engine lives in a temporary directory and keeps what the inputs write (executions,
// accounts, events, registered versions), so later inputs meet earlier state. Growth is bounded
// by starting over (stopping every actor, then a new engine in a fresh directory) every
// kInputsPerEngine inputs, not by a small LMDB map, which would only turn findings into
// StoreFull answers. A finding that needs earlier inputs may not reproduce from its input alone.

#include "adapters/http/api_keys.hpp"
#include "adapters/http/http_message.hpp"
#include "adapters/http/http_request_reader.hpp"
#include "adapters/http/request_target.hpp"
#include "adapters/ops/log.hpp"
#include "fuzz_input.hpp"
#include "settled/config.hpp"
#include "settled/daemon.hpp"
#include "support/build_paths.hpp"
#include "support/in_process_http.hpp"

#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <caf/actor_system.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include <stdlib.h>

namespace http = boost::beast::http;

namespace {

using namespace settled;

// A public test value; the seeds send "Authorization: Bearer fuzz-key".
constexpr const char* kApiKey = "fuzz-key";
// The Stripe webhook signing secret (public test value), as the route_stripe_webhook seed uses.
constexpr const char* kWebhookSecret = "whsec_fuzz";
// The server's request deadline is 10 s (then 504); libFuzzer's -timeout in run-fuzzers.sh is
// also 10 s. An answer slower than this is a hang of the handler, not load.
constexpr std::chrono::seconds kAnswerDeadline{8};
constexpr std::size_t kInputsPerEngine = 5000;

[[noreturn]] void finding(const char* what, const std::string& detail) {
  std::fprintf(stderr, "http_request_fuzz: %s: %s\n", what, detail.c_str());
  std::abort();
}

// The daemon as main() builds it, on its own temporary data directory.
class FuzzDaemon {
 public:
  FuzzDaemon() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/settled-fuzz-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) finding("setup", "mkdtemp " + pattern);
    dir_ = pattern;
    cfg_.data_dir = dir_ + "/data";
    cfg_.workflows_dir = std::string(testing::build_paths::source_dir) + "/config/workflows";
    cfg_.api_key_hashes = {adapters::sha256_hex(kApiKey)};
    // So that POST /v1/webhooks/stripe parses and checks the Stripe-Signature header.
    cfg_.stripe_webhook_secrets = {kWebhookSecret};
    std::string host;
    std::uint16_t port = 0;
    adapters::LogLevel level;
    if (auto problem = app::validate(cfg_, host, port, level); !problem.empty())
      finding("setup", problem);
    app::resolve_default_paths(cfg_);
    auto resources = app::DaemonResources::open(cfg_);
    if (!resources) finding("setup", resources.error().message);
    resources_.emplace(std::move(*resources));
    system_.emplace(cfg_);
    daemon_ = std::make_unique<app::Daemon>(*system_, cfg_, *resources_);
    if (!daemon_->registered()) finding("setup", daemon_->registered().error().message);
  }

  ~FuzzDaemon() {
    daemon_.reset();
    system_.reset();
    resources_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  const adapters::HttpHandler& handler() const { return daemon_->http_handler(); }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  app::SettledConfig cfg_;
  std::optional<app::DaemonResources> resources_;
  std::optional<caf::actor_system> system_;
  std::unique_ptr<app::Daemon> daemon_;
};

// Never destroyed at exit: tearing the actor system down from an exit handler crashed inside
// CAF's ~actor_system (its own statics go first), and a fuzzer's engine has nothing to flush.
// Only its directory is removed then. Reachable from here, so LeakSanitizer does not report it.
FuzzDaemon* current = nullptr;

const adapters::HttpHandler& handler() {
  static std::size_t inputs = 0;
  if (current == nullptr || ++inputs % kInputsPerEngine == 0) {
    delete current;  // stops its actors and its actor system, and removes its directory
    current = nullptr;
    adapters::set_log_level(adapters::LogLevel::kError);  // a log line per request is noise
    current = new FuzzDaemon();
    static const bool cleanup_registered = std::atexit([] {
                                             std::error_code ignored;
                                             if (current != nullptr)
                                               std::filesystem::remove_all(current->dir(), ignored);
                                           }) == 0;
    (void)cleanup_registered;
  }
  return current->handler();
}

void check_response(const adapters::HttpResponse& response, bool readiness_route) {
  if (response.status < 200 || response.status > 599)
    finding("status out of range", std::to_string(response.status));
  // Every refusal is the one JSON error shape: {"error", "message"}, or on the Step Functions
  // API (POST /) AWS's {"__type", "message"} (docs/aws-api.md). GET /readyz's 503 is not a
  // refusal but its report, {"status": "not_ready", "checks": {...}} (docs/operations.md): an
  // engine slowed by the fuzzer's load may truthfully not be ready.
  if (response.status >= 400) {
    boost::system::error_code ec;
    const auto body = boost::json::parse(response.body, ec);
    const auto has = [&](const char* key, boost::json::kind kind) {
      return body.as_object().contains(key) && body.as_object().at(key).kind() == kind;
    };
    if (ec || !body.is_object()) finding("refusal is not JSON", response.body);
    const bool readiness_report =
        readiness_route && response.status == 503 && body.as_object().contains("status") &&
        body.as_object().at("status") == "not_ready" && has("checks", boost::json::kind::object);
    if (!readiness_report &&
        !(has("error", boost::json::kind::string) || has("__type", boost::json::kind::string)))
      finding("refusal is not a JSON error", response.body);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const adapters::HttpServerOptions options;
  http::request_parser<http::string_body> parser;
  parser.eager(true);
  parser.body_limit(static_cast<std::uint64_t>(options.body_limit));
  parser.header_limit(static_cast<std::uint32_t>(options.header_limit));
  boost::system::error_code ec;
  std::string_view rest = fuzz::as_text(data, size);
  while (!rest.empty() && !parser.is_done()) {
    const std::size_t used = parser.put(boost::asio::buffer(rest.data(), rest.size()), ec);
    if (ec == http::error::need_more) break;
    if (ec) return 0;  // the session answers 400/413/431 itself; the handler never sees it
    if (used == 0) break;
    rest.remove_prefix(used);
  }
  if (!parser.is_done()) {
    // The connection closing mid-message, as http::read reports it (only after some bytes).
    if (!parser.got_some()) return 0;
    parser.put_eof(ec);
    if (ec || !parser.is_done()) return 0;
  }
  auto message = parser.release();

  // As HttpSession::handle_request builds it (a refused target is answered 400 there).
  auto read = adapters::read_http_request(std::move(message), "127.0.0.1:1");
  if (!read) return 0;
  adapters::HttpRequest request = std::move(*read);
  // The one parse of the target that authentication and routing both read: whatever it
  // accepts has no segment a normaliser would rewrite.
  for (const std::string& segment : request.parsed_target.segments) {
    if (segment.empty() || segment == "." || segment == ".." ||
        segment.find('/') != std::string::npos || segment.find('\\') != std::string::npos ||
        segment.find('\0') != std::string::npos)
      finding("accepted target has a segment a normaliser would rewrite", request.target);
  }

  // A second answer to the previous input may have come meanwhile.
  static std::shared_ptr<const std::atomic<int>> previous_calls;
  if (previous_calls && *previous_calls != 1)
    finding("the previous input was answered more than once", std::to_string(*previous_calls));
  const bool readiness_route =
      request.parsed_target.segments.size() == 1 && request.parsed_target.segments[0] == "readyz";
  const auto answer = testing::send_in_process(handler(), std::move(request), kAnswerDeadline);
  previous_calls = answer.responder_calls;
  if (!answer.response)
    finding("no answer", "within " + std::to_string(kAnswerDeadline.count()) + " s");
  if (*answer.responder_calls != 1)
    finding("answered more than once", std::to_string(*answer.responder_calls));
  check_response(*answer.response, readiness_route);
  return 0;
}
