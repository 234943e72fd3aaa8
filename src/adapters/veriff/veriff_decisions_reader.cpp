#include "adapters/veriff/veriff_decisions_reader.hpp"

#include "domain/records/veriff_decision_row.hpp"

#include <boost/json.hpp>

namespace settled::adapters::veriff {

namespace json = boost::json;

json::object list_veriff_decisions(const LmdbStore& db, const std::string& session_id,
                                   const std::string& after, std::size_t limit) {
  json::array decisions;
  std::string last;
  bool more = false;
  // A session's decisions share the key prefix "<session id>/".
  const std::string prefix = session_id.empty() ? "" : session_id + "/";
  db.scan(
      Table::kVeriffDecisions, prefix,
      [&](std::string_view key, std::string_view row) {
        if (decisions.size() == limit) {
          more = true;
          return false;
        }
        auto decoded = records::decode_veriff_decision_row(row);
        if (!decoded) {
          decisions.push_back(json::object{{"key", key}, {"corrupt", decoded.error().message}});
        } else {
          json::object out = settled::veriff::to_json(*decoded);
          out["decision"] = decoded->body;
          decisions.push_back(std::move(out));
        }
        last = std::string(key);
        return true;
      },
      after);
  json::object out{{"decisions", std::move(decisions)}};
  if (more) out["nextAfter"] = last;
  return out;
}

}  // namespace settled::adapters::veriff
