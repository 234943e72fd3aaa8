#pragma once
// The tz database (the system's tzdata, through Howard Hinnant's date): a schedule's zone by
// name. Reading the database is I/O, so it lives here and the domain gets the zone it found.

#include <date/tz.h>

#include <string_view>

namespace settled::adapters {

// The zone, or null for a name the database does not have (never throws).
const date::time_zone* find_time_zone(std::string_view name);

}  // namespace settled::adapters
