#pragma once
// Where randomness comes from. The domain never draws from the system itself: callers pass a
// RandomSource, so tests can inject a fixed sequence and stay deterministic.

#include <cstdint>
#include <limits>

namespace settled {

class RandomSource {
 public:
  virtual ~RandomSource() = default;
  // 64 uniformly distributed bits.
  virtual std::uint64_t next_u64() = 0;
};

// Uniform in [0, bound) for bound > 0. Rejection sampling: a plain modulo would favour small
// values whenever bound does not divide 2^64.
inline std::uint64_t uniform_below(RandomSource& random, std::uint64_t bound) {
  const std::uint64_t limit =
      std::numeric_limits<std::uint64_t>::max() - std::numeric_limits<std::uint64_t>::max() % bound;
  std::uint64_t draw = random.next_u64();
  while (draw >= limit) draw = random.next_u64();
  return draw % bound;
}

// The production source: std::random_device, one per thread (callers run on many threads).
RandomSource& system_random();

}  // namespace settled
