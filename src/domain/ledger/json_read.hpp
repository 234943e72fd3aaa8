#pragma once
// Strict readers for ledger records read back from storage: a field that is missing or of the
// wrong kind is a corrupt record, reported as kInternal naming the record and the field.

#include "domain/result.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace settled::ledger::detail {

Result<const boost::json::object*> read_object(const boost::json::value& value,
                                               std::string_view what);
Result<std::string> read_string(const boost::json::object& obj, std::string_view key,
                                std::string_view what);
// Missing -> nullopt; present but not a string -> error.
Result<std::optional<std::string>> read_optional_string(const boost::json::object& obj,
                                                        std::string_view key,
                                                        std::string_view what);
Result<std::int64_t> read_int(const boost::json::object& obj, std::string_view key,
                              std::string_view what);

}  // namespace settled::ledger::detail
