#pragma once
// Helpers shared by the libFuzzer targets: split the fuzzer's bytes into parts and parse JSON
// without throwing.

#include "domain/random_source.hpp"

#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

namespace settled::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// "head\nrest" -> {"head", "rest"}; no newline: {everything, ""}.
inline std::pair<std::string_view, std::string_view> split_line(std::string_view text) {
  const auto nl = text.find('\n');
  if (nl == std::string_view::npos) return {text, {}};
  return {text.substr(0, nl), text.substr(nl + 1)};
}

// JSON text, or nullopt. `max_depth` above Boost's default of 32 lets the targets reach the
// parsers' own nesting limits, which are what must hold whatever the JSON layer allows.
inline std::optional<boost::json::value> parse_json(std::string_view text,
                                                    std::size_t max_depth = 32) {
  boost::json::parse_options options;
  options.max_depth = max_depth;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec, {}, options);
  if (ec) return std::nullopt;
  return v;
}

// Deterministic randomness, so a crash reproduces from its input alone.
class CountingRandom : public RandomSource {
 public:
  std::uint64_t next_u64() override { return state_ = state_ * 6364136223846793005ULL + 1; }

 private:
  std::uint64_t state_ = 42;
};

}  // namespace settled::fuzz
