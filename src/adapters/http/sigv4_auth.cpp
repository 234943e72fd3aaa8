#include "adapters/http/sigv4_auth.hpp"

#include <chrono>

namespace settled::adapters {

namespace {

std::int64_t wall_clock_seconds() {
  return static_cast<std::int64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                       std::chrono::system_clock::now().time_since_epoch())
                                       .count());
}

}  // namespace

Result<Caller, aws::SigV4Error> aws_caller(const HttpRequest& request, const aws::AccessKeys& keys,
                                           const aws::SigV4Settings& settings, bool local_only,
                                           std::int64_t now_seconds) {
  if (local_only) return Caller::local();
  return aws::verify_sigv4(request.method, request.target, request.headers, request.body, keys,
                           settings, now_seconds);
}

Result<Caller, aws::SigV4Error> aws_caller(const HttpRequest& request, const aws::AccessKeys& keys,
                                           const aws::SigV4Settings& settings, bool local_only) {
  return aws_caller(request, keys, settings, local_only, wall_clock_seconds());
}

Result<Caller, aws::SigV4Error> aws_header_caller(const HttpRequest& request,
                                                  const aws::AccessKeys& keys,
                                                  const aws::SigV4Settings& settings,
                                                  bool local_only) {
  if (local_only) return Caller::local();
  return aws::check_sigv4_header(request.headers, keys, settings, wall_clock_seconds());
}

}  // namespace settled::adapters
