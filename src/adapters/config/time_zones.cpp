#include "adapters/config/time_zones.hpp"

#include <exception>
#include <string>

namespace settled::adapters {

const date::time_zone* find_time_zone(std::string_view name) {
  try {
    return date::locate_zone(std::string(name));
  } catch (const std::exception&) {
    return nullptr;  // unknown zone, or no tzdata installed
  }
}

}  // namespace settled::adapters
