#include "domain/ledger/wide_sum.hpp"

#include <limits>

namespace settled::ledger {

__extension__ typedef unsigned __int128 UnsignedWide;

bool fits_int64(Wide v) {
  return v >= std::numeric_limits<std::int64_t>::min() &&
         v <= std::numeric_limits<std::int64_t>::max();
}

std::int64_t saturated(Wide v) {
  if (v > std::numeric_limits<std::int64_t>::max()) return std::numeric_limits<std::int64_t>::max();
  if (v < std::numeric_limits<std::int64_t>::min()) return std::numeric_limits<std::int64_t>::min();
  return static_cast<std::int64_t>(v);
}

std::string wide_decimal(Wide v) {
  const bool negative = v < 0;
  UnsignedWide magnitude =
      negative ? static_cast<UnsignedWide>(-(v + 1)) + 1 : static_cast<UnsignedWide>(v);
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(magnitude % 10)));
    magnitude /= 10;
  } while (magnitude != 0);
  return (negative ? "-" : "") + digits;
}

}  // namespace settled::ledger
