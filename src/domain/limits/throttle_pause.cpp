#include "domain/limits/throttle_pause.hpp"

#include <algorithm>

namespace settled::limits {

namespace {

constexpr std::chrono::milliseconds kFirstBackoff{250};
constexpr std::chrono::milliseconds kLongestBackoff{8000};

}  // namespace

std::optional<std::chrono::seconds> parse_retry_after(std::string_view value) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  if (value.empty() || value.size() > 9) return std::nullopt;  // > 9 digits: far past any cap
  std::int64_t seconds = 0;
  for (char c : value) {
    if (c < '0' || c > '9') return std::nullopt;
    seconds = seconds * 10 + (c - '0');
  }
  return std::chrono::seconds(seconds);
}

std::chrono::milliseconds throttle_backoff(unsigned consecutive, RandomSource& random) {
  const unsigned doublings = std::min(std::max(consecutive, 1u) - 1, 5u);  // 250 ms << 5 = 8 s
  const auto whole = std::min(kFirstBackoff * (1 << doublings), kLongestBackoff);
  const auto half = whole / 2;
  const auto spread = static_cast<std::uint64_t>((whole - half).count()) + 1;
  return half + std::chrono::milliseconds(uniform_below(random, spread));
}

std::chrono::milliseconds throttle_pause(std::string_view retry_after, unsigned consecutive,
                                         RandomSource& random) {
  std::chrono::milliseconds pause;
  if (auto seconds = parse_retry_after(retry_after)) {
    pause = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::min(*seconds, kLongestThrottlePause));
  } else {
    pause = throttle_backoff(consecutive, random);
  }
  return std::min<std::chrono::milliseconds>(pause, kLongestThrottlePause);
}

}  // namespace settled::limits
