#include "domain/random_source.hpp"

#include <random>

namespace settled {

namespace {

// std::random_device draws from the OS (getrandom / rdrand), so UUIDs made in different
// processes or threads do not collide the way a PRNG seeded with 32 bits could.
class SystemRandom final : public RandomSource {
 public:
  std::uint64_t next_u64() override {
    const std::uint64_t high = device_();
    return (high << 32) | device_();
  }

 private:
  std::random_device device_;
};

}  // namespace

RandomSource& system_random() {
  thread_local SystemRandom source;
  return source;
}

}  // namespace settled
