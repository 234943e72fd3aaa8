#include "actors/engine.hpp"

namespace settled::actors {

EpochMillis system_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace settled::actors
