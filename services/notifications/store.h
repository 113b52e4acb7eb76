#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "common/migrate.h"
#include "common/pg.h"
#include "minyi/notifications/v1/notifications.pb.h"
#include "notifications/preferences.h"
#include "notifications/rules.h"
#include "pqxx/pqxx"

// The notifications schema's SQL. Every function runs inside the caller's transaction and lets libpqxx
// exceptions through, so PgPool::Transact maps database failures in one place.
namespace minyi::notifications {

const std::vector<Migration>& Migrations();
std::vector<PreparedStatement> Statements();

struct NewNotification {
  std::string event_id;
  std::string event_type;
  std::string reference;
  std::string account;  // "accounts/{id}"
  Category category;
  Rendered text;
  bool urgent = false;
};

// Inserts inbox messages in one statement; a message an event already produced for an account is
// skipped. Returns the new messages, each with its id.
std::vector<std::pair<int64_t, const NewNotification*>> InsertNotifications(pqxx::work& tx,
                                                                            const std::vector<NewNotification>& rows);

struct NewDelivery {
  int64_t notification_id = 0;
  std::string event_id;
  std::string account;
  Channel channel;
  absl::Time not_before;
  bool digest = false;
};
// Returns how many were new.
int InsertDeliveries(pqxx::work& tx, const std::vector<NewDelivery>& rows);

// Stored preferences of the accounts that have any; the others have DefaultPreferences().
absl::flat_hash_map<std::string, AccountPreferences> LoadPreferences(pqxx::transaction_base& tx,
                                                                     const std::vector<std::string>& accounts);
void SavePreferences(pqxx::work& tx, const std::string& account, const AccountPreferences& prefs);
std::optional<absl::Time> PreferencesUpdateTime(pqxx::transaction_base& tx, const std::string& account);

// The inbox, newest first: messages with id below `before_id` (0: from the newest).
std::vector<std::pair<int64_t, minyi::notifications::v1::Notification>> ListInbox(pqxx::transaction_base& tx,
                                                                                  const std::string& account,
                                                                                  int64_t before_id, bool unread_only,
                                                                                  int limit);
int UnreadCount(pqxx::transaction_base& tx, const std::string& account);
// nullopt when the account has no such message.
std::optional<minyi::notifications::v1::Notification> MarkRead(pqxx::work& tx, int64_t id, const std::string& account);

std::vector<std::pair<int64_t, minyi::notifications::v1::Delivery>> ListDeliveries(pqxx::transaction_base& tx,
                                                                                   const std::string& state,
                                                                                   const std::string& channel,
                                                                                   int64_t after_id, int limit);
std::optional<minyi::notifications::v1::Delivery> LoadDelivery(pqxx::transaction_base& tx, int64_t id);
// nullopt when the delivery is not dead.
std::optional<minyi::notifications::v1::Delivery> ReviveDelivery(pqxx::work& tx, int64_t id);

// A delivery claimed for one attempt. The claim pushes next_attempt_at out by the lease, so a process
// that dies mid-send leaves it due again once the lease runs out.
struct ClaimedDelivery {
  int64_t id = 0;
  std::string account;
  Channel channel;
  int attempts = 0;  // including this one
  std::string event_id;
  std::string event_type;
  std::string reference;
  std::string title;
  std::string body;
  bool urgent = false;
};
std::vector<ClaimedDelivery> ClaimDue(pqxx::work& tx, int limit, absl::Duration lease);
void MarkDelivered(pqxx::work& tx, int64_t id);
void MarkRetry(pqxx::work& tx, int64_t id, absl::Duration delay, const std::string& error);
void MarkDead(pqxx::work& tx, int64_t id, const std::string& error);

// Folds every account's held low-priority deliveries into one digest delivery per channel for `day`
// (YYYY-MM-DD), unless that day's digest exists. Returns how many digests were created.
int CreateDigests(pqxx::work& tx, const std::string& day);

int64_t CountDead(pqxx::transaction_base& tx);

}  // namespace minyi::notifications
