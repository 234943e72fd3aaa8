#include "adapters/store/notifications_reader.hpp"

#include <boost/json.hpp>

namespace settled::adapters {

namespace json = boost::json;
namespace n = notifications;

namespace {

Error not_found(const std::string& user_id, const std::string& id) {
  return Error{ErrorCode::kNotFound, "user \"" + user_id + "\" has no notification \"" + id + "\""};
}

}  // namespace

Result<n::NotificationRow> read_user_notification(const LmdbStore& db, const std::string& user_id,
                                                  const std::string& id) {
  if (!n::is_notification_id(id)) return not_found(user_id, id);
  auto stored = db.get(Table::kNotifications, id);
  if (!stored) return not_found(user_id, id);
  auto row = n::decode_notification(*stored);
  if (!row) return row.error();
  if (row->user_id() != user_id) return not_found(user_id, id);
  return row;
}

Result<json::object> list_inbox(const LmdbStore& db, const InboxQuery& query) {
  std::string after_key;
  if (!query.starting_after.empty()) {
    auto after = read_user_notification(db, query.user_id, query.starting_after);
    if (!after) return after.error();
    after_key = after->inbox_key();
  }
  json::array listed;
  bool has_more = false;
  // Index keys a chunk at a time, then their rows: no read inside another read's scan.
  constexpr std::size_t kChunk = 64;
  for (bool more = true; more && !has_more;) {
    std::vector<std::string> keys;
    db.scan(
        Table::kNotificationInbox, n::inbox_prefix(query.user_id),
        [&](std::string_view key, std::string_view) {
          keys.emplace_back(key);
          return keys.size() < kChunk;
        },
        after_key);
    more = keys.size() == kChunk;
    for (const auto& key : keys) {
      after_key = key;
      auto stored = db.get(Table::kNotifications, n::id_of_inbox_key(key));
      if (!stored) continue;  // an index row without its notification: not listed
      auto row = n::decode_notification(*stored);
      if (!row) return row.error();
      if (query.unread_only && row->is_read()) continue;
      if (listed.size() == query.limit) {
        has_more = true;
        break;
      }
      listed.push_back(std::move(row->notification));
    }
  }
  return json::object{{"notifications", std::move(listed)}, {"has_more", has_more}};
}

void scan_outbox(
    const LmdbStore& db,
    const std::function<bool(const n::OutboxKey& key, std::string_view value)>& visit) {
  db.scan(Table::kNotificationOutbox, "", [&](std::string_view key, std::string_view value) {
    auto parsed = n::parse_outbox_key(key);
    if (!parsed) return true;
    return visit(*parsed, value);
  });
}

json::object list_dead_letters(const LmdbStore& db) {
  json::array letters;
  db.scan(Table::kNotificationDeadLetters, "", [&](std::string_view key, std::string_view value) {
    auto letter = n::decode_dead_letter(value);
    if (letter) {
      letters.push_back(letter->to_json());
    } else {
      letters.push_back(json::object{{"id", std::string(key)}, {"error", letter.error().message}});
    }
    return true;
  });
  return json::object{{"deadLetters", std::move(letters)}};
}

}  // namespace settled::adapters
