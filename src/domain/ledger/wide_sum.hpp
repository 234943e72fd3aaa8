#pragma once
// Sums of int64 amounts, exact in any order: a sum may pass int64 on its way (the journal is
// folded in entry id order, not in the order the legs happened) or in total (two accounts may
// each hold nearly int64's most of a currency), and neither is a discrepancy. 2^63 legs of 2^63
// would be needed to overflow it. Reconcile checks with them and its report prints them.

#include <cstdint>
#include <string>

namespace settled::ledger {

__extension__ typedef __int128 Wide;  // GCC and Clang

bool fits_int64(Wide v);

// The value as an int64, saturated at int64's bounds.
std::int64_t saturated(Wide v);

// The exact value in decimal: "-12", "18446744073709551614".
std::string wide_decimal(Wide v);

}  // namespace settled::ledger
