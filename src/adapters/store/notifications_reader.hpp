#pragma once
// Reads of the notification tables for the API, the admin socket and the delivery actor
// (docs/notifications.md): a user's inbox newest first, one notification, the outbox rows that
// are due, the dead letters. LMDB read transactions only; writes go through the store actor.

#include "adapters/store/lmdb_store.hpp"
#include "domain/notifications/notification.hpp"

#include <boost/json/object.hpp>

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace settled::adapters {

struct InboxQuery {
  std::string user_id;
  std::size_t limit = 50;
  std::string starting_after;  // a notification id of this user's; "" from the newest
  bool unread_only = false;
};

// {"notifications": [...newest first], "has_more"}; NotFound when starting_after is not one of
// the user's notifications; RecordCorrupt naming a row that cannot be read.
Result<boost::json::object> list_inbox(const LmdbStore& db, const InboxQuery& query);

// The notification `id` if it belongs to `user_id`; NotFound otherwise (another user's is not
// found either: its existence is not told).
Result<notifications::NotificationRow> read_user_notification(const LmdbStore& db,
                                                              const std::string& user_id,
                                                              const std::string& id);

// The outbox in due order: calls `visit` for each row until it returns false.
void scan_outbox(
    const LmdbStore& db,
    const std::function<bool(const notifications::OutboxKey& key, std::string_view value)>& visit);

// {"deadLetters": [...in id order]}.
boost::json::object list_dead_letters(const LmdbStore& db);

}  // namespace settled::adapters
