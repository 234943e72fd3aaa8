#include "adapters/history_reader.hpp"

#include "domain/storage_keys.hpp"

#include <boost/json.hpp>

namespace settled::adapters {

namespace json = boost::json;

json::array read_history(const LmdbStore& store, std::string_view execution_id) {
  json::array events;
  store.scan(Table::kHistory, history_prefix(execution_id), [&](std::string_view, std::string_view value) {
    json::value chunk = json::parse(value);
    if (chunk.is_array()) {
      for (auto& event : chunk.as_array()) events.push_back(std::move(event));
    } else {
      events.push_back(std::move(chunk));
    }
    return true;
  });
  return events;
}

}  // namespace settled::adapters
