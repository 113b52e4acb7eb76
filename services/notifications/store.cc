#include "notifications/store.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/query.h"
#include "google/protobuf/util/time_util.h"
#include "nlohmann/json.hpp"

namespace minyi::notifications {
namespace {

using google::protobuf::util::TimeUtil;
using minyi::notifications::v1::Delivery;
using minyi::notifications::v1::Notification;

constexpr absl::string_view kNotificationColumns =
    "id, category, event_type, reference, title, body, title_en, body_en, urgent, "
    "(extract(epoch FROM create_time) * 1000000)::bigint AS create_us, "
    "(extract(epoch FROM read_time) * 1000000)::bigint AS read_us";

constexpr absl::string_view kDeliveryColumns =
    "id, notification_id, event_id::text AS event_id, account, channel, state, attempts, last_error, "
    "(extract(epoch FROM next_attempt_at) * 1000000)::bigint AS next_us, "
    "(extract(epoch FROM update_time) * 1000000)::bigint AS update_us";

// A digest's event id: one per account, channel and day, so the unique key allows one digest a day.
constexpr absl::string_view kDigestId = "md5(account || '|' || channel || '|' || $1)::uuid";

Notification NotificationFromRow(const pqxx::row& row) {
  Notification n;
  n.set_name(absl::StrCat("inbox/", row["id"].as<int64_t>()));
  Category category = minyi::notifications::v1::CATEGORY_UNSPECIFIED;
  minyi::notifications::v1::Category_Parse(row["category"].as<std::string>(), &category);
  n.set_category(category);
  n.set_event_type(row["event_type"].as<std::string>());
  n.set_reference(row["reference"].as<std::string>());
  n.set_title(row["title"].as<std::string>());
  n.set_body(row["body"].as<std::string>());
  n.set_title_en(row["title_en"].as<std::string>());
  n.set_body_en(row["body_en"].as<std::string>());
  n.set_urgent(row["urgent"].as<bool>());
  *n.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(row["create_us"].as<int64_t>());
  if (!row["read_us"].is_null()) {
    *n.mutable_read_time() = TimeUtil::MicrosecondsToTimestamp(row["read_us"].as<int64_t>());
  }
  return n;
}

Delivery DeliveryFromRow(const pqxx::row& row) {
  Delivery d;
  d.set_name(absl::StrCat("deliveries/", row["id"].as<int64_t>()));
  if (!row["notification_id"].is_null()) {
    d.set_notification(absl::StrCat("inbox/", row["notification_id"].as<int64_t>()));
  }
  d.set_event_id(row["event_id"].as<std::string>());
  d.set_account(row["account"].as<std::string>());
  Channel channel = minyi::notifications::v1::CHANNEL_UNSPECIFIED;
  minyi::notifications::v1::Channel_Parse(row["channel"].as<std::string>(), &channel);
  d.set_channel(channel);
  d.set_state(ParseEnum(row["state"], &minyi::notifications::v1::DeliveryState_Parse));
  d.set_attempts(row["attempts"].as<int>());
  d.set_last_error(row["last_error"].as<std::string>());
  *d.mutable_next_attempt_time() = TimeUtil::MicrosecondsToTimestamp(row["next_us"].as<int64_t>());
  *d.mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(row["update_us"].as<int64_t>());
  return d;
}

}  // namespace

std::vector<PreparedStatement> Statements() { return QueriesOf("notifications_"); }

const Query kInsertNotifications{
    "notifications_insert",
    "INSERT INTO notifications (event_id, account, category, event_type, reference, title, body, title_en, "
    "body_en, urgent) "
    "SELECT r.event_id::uuid, r.account, r.category, r.event_type, r.reference, r.title, r.body, r.title_en, "
    "r.body_en, r.urgent "
    "FROM jsonb_to_recordset($1::jsonb) AS r(event_id text, account text, category text, "
    "event_type text, reference text, title text, body text, title_en text, body_en text, urgent boolean) "
    "ON CONFLICT (event_id, account) DO NOTHING RETURNING id, event_id::text AS event_id, account"};

std::vector<std::pair<int64_t, const NewNotification*>> InsertNotifications(pqxx::work& tx,
                                                                            const std::vector<NewNotification>& rows) {
  std::vector<std::pair<int64_t, const NewNotification*>> out;
  if (rows.empty()) {
    return out;
  }
  nlohmann::json records = nlohmann::json::array();
  absl::flat_hash_map<std::pair<std::string, std::string>, const NewNotification*> by_key;
  for (const NewNotification& n : rows) {
    records.push_back({{"event_id", n.event_id},
                       {"event_type", n.event_type},
                       {"reference", n.reference},
                       {"account", n.account},
                       {"category", minyi::notifications::v1::Category_Name(n.category)},
                       {"title", n.text.title},
                       {"body", n.text.body},
                       {"title_en", n.text.title_en},
                       {"body_en", n.text.body_en},
                       {"urgent", n.urgent}});
    by_key[{n.event_id, n.account}] = &n;
  }
  for (const pqxx::row& row : tx.exec_prepared(kInsertNotifications, records.dump())) {
    auto it = by_key.find(std::make_pair(row["event_id"].as<std::string>(), row["account"].as<std::string>()));
    if (it != by_key.end()) {
      out.emplace_back(row["id"].as<int64_t>(), it->second);
    }
  }
  return out;
}

const Query kInsertDeliveries{
    "notifications_insert_deliveries",
    "INSERT INTO deliveries (notification_id, event_id, account, channel, state, digest, next_attempt_at) "
    "SELECT r.notification_id, r.event_id::uuid, r.account, r.channel, 'DELIVERY_STATE_PENDING', r.digest, "
    "to_timestamp(r.not_before_us / 1000000.0) "
    "FROM jsonb_to_recordset($1::jsonb) AS r(notification_id bigint, event_id text, account text, "
    "channel text, digest boolean, not_before_us bigint) "
    "ON CONFLICT (event_id, account, channel) DO NOTHING"};

int InsertDeliveries(pqxx::work& tx, const std::vector<NewDelivery>& rows) {
  if (rows.empty()) {
    return 0;
  }
  nlohmann::json records = nlohmann::json::array();
  for (const NewDelivery& d : rows) {
    records.push_back({{"notification_id", d.notification_id},
                       {"event_id", d.event_id},
                       {"account", d.account},
                       {"channel", minyi::notifications::v1::Channel_Name(d.channel)},
                       {"digest", d.digest},
                       {"not_before_us", absl::ToUnixMicros(d.not_before)}});
  }
  return static_cast<int>(tx.exec_prepared(kInsertDeliveries, records.dump()).affected_rows());
}

const Query kLoadPreferences{
    "notifications_load_preferences",
    "SELECT account, channels::text AS channels, quiet_enabled, quiet_start, quiet_end, daily_digest "
    "FROM preferences WHERE account IN (SELECT jsonb_array_elements_text($1::jsonb))"};

absl::flat_hash_map<std::string, AccountPreferences> LoadPreferences(pqxx::transaction_base& tx,
                                                                     const std::vector<std::string>& accounts) {
  absl::flat_hash_map<std::string, AccountPreferences> out;
  if (accounts.empty()) {
    return out;
  }
  for (const pqxx::row& row : tx.exec_prepared(kLoadPreferences, nlohmann::json(accounts).dump())) {
    AccountPreferences p = DefaultPreferences();
    ChannelsFromJson(nlohmann::json::parse(row["channels"].as<std::string>(), nullptr, false), &p);
    p.quiet_start = row["quiet_start"].as<std::string>();
    p.quiet_end = row["quiet_end"].as<std::string>();
    absl::StatusOr<int> start = ParseClock("quiet_start", p.quiet_start);
    absl::StatusOr<int> end = ParseClock("quiet_end", p.quiet_end);
    p.quiet.enabled = row["quiet_enabled"].as<bool>() && start.ok() && end.ok();
    p.quiet.start_minute = start.ok() ? *start : 0;
    p.quiet.end_minute = end.ok() ? *end : 0;
    p.daily_digest = row["daily_digest"].as<bool>();
    out[row["account"].as<std::string>()] = std::move(p);
  }
  return out;
}

const Query kSavePreferences{
    "notifications_save_preferences",
    "INSERT INTO preferences (account, channels, quiet_enabled, quiet_start, quiet_end, daily_digest) "
    "VALUES ($1, $2::jsonb, $3, $4, $5, $6) ON CONFLICT (account) DO UPDATE SET channels = EXCLUDED.channels, "
    "quiet_enabled = EXCLUDED.quiet_enabled, quiet_start = EXCLUDED.quiet_start, "
    "quiet_end = EXCLUDED.quiet_end, daily_digest = EXCLUDED.daily_digest, update_time = now()"};

void SavePreferences(pqxx::work& tx, const std::string& account, const AccountPreferences& prefs) {
  tx.exec_prepared(kSavePreferences, account, ChannelsToJson(prefs).dump(), prefs.quiet.enabled, prefs.quiet_start,
                   prefs.quiet_end, prefs.daily_digest);
}

const Query kPreferencesTime{
    "notifications_preferences_time",
    "SELECT (extract(epoch FROM update_time) * 1000000)::bigint FROM preferences WHERE account = $1"};

std::optional<absl::Time> PreferencesUpdateTime(pqxx::transaction_base& tx, const std::string& account) {
  pqxx::result r = tx.exec_prepared(kPreferencesTime, account);
  if (r.empty()) {
    return std::nullopt;
  }
  return absl::FromUnixMicros(r[0][0].as<int64_t>());
}

const Query kListInbox{"notifications_list_inbox",
                       absl::StrCat("SELECT ", kNotificationColumns,
                                    " FROM notifications WHERE account = $1 AND ($2 = 0 OR id < $2) "
                                    "AND (NOT $3 OR read_time IS NULL) ORDER BY id DESC LIMIT $4")};

std::vector<std::pair<int64_t, Notification>> ListInbox(pqxx::transaction_base& tx, const std::string& account,
                                                        int64_t before_id, bool unread_only, int limit) {
  std::vector<std::pair<int64_t, Notification>> out;
  for (const pqxx::row& row : tx.exec_prepared(kListInbox, account, before_id, unread_only, limit)) {
    out.emplace_back(row["id"].as<int64_t>(), NotificationFromRow(row));
  }
  return out;
}

const Query kUnreadCount{"notifications_unread_count",
                         "SELECT count(*) FROM notifications WHERE account = $1 AND read_time IS NULL"};

int UnreadCount(pqxx::transaction_base& tx, const std::string& account) {
  return tx.exec_prepared(kUnreadCount, account)[0][0].as<int>();
}

const Query kMarkRead{"notifications_mark_read",
                      absl::StrCat("UPDATE notifications SET read_time = coalesce(read_time, now()) "
                                   "WHERE id = $1 AND account = $2 RETURNING ",
                                   kNotificationColumns)};

std::optional<Notification> MarkRead(pqxx::work& tx, int64_t id, const std::string& account) {
  return FirstRow(tx, kMarkRead, NotificationFromRow, id, account);
}

const Query kListDeliveries{
    "notifications_list_deliveries",
    absl::StrCat("SELECT ", kDeliveryColumns,
                 " FROM deliveries WHERE ($1 = '' OR state = $1) AND ($2 = '' OR channel = $2) AND id > $3 "
                 "ORDER BY id LIMIT $4")};

std::vector<std::pair<int64_t, Delivery>> ListDeliveries(pqxx::transaction_base& tx, const std::string& state,
                                                         const std::string& channel, int64_t after_id, int limit) {
  std::vector<std::pair<int64_t, Delivery>> out;
  for (const pqxx::row& row : tx.exec_prepared(kListDeliveries, state, channel, after_id, limit)) {
    out.emplace_back(row["id"].as<int64_t>(), DeliveryFromRow(row));
  }
  return out;
}

const Query kLoadDelivery{"notifications_load_delivery",
                          absl::StrCat("SELECT ", kDeliveryColumns, " FROM deliveries WHERE id = $1")};

std::optional<Delivery> LoadDelivery(pqxx::transaction_base& tx, int64_t id) {
  return FirstRow(tx, kLoadDelivery, DeliveryFromRow, id);
}

const Query kReviveDelivery{
    "notifications_revive_delivery",
    absl::StrCat("UPDATE deliveries SET state = 'DELIVERY_STATE_PENDING', attempts = 0, last_error = '', "
                 "next_attempt_at = now(), update_time = now() "
                 "WHERE id = $1 AND state = 'DELIVERY_STATE_DEAD' RETURNING ",
                 kDeliveryColumns)};

std::optional<Delivery> ReviveDelivery(pqxx::work& tx, int64_t id) {
  return FirstRow(tx, kReviveDelivery, DeliveryFromRow, id);
}

// SKIP LOCKED lets replicas claim disjoint rows; the lease makes a dead claimer's rows due again.
const Query kClaimDue{
    "notifications_claim_due",
    "WITH due AS (SELECT id FROM deliveries WHERE state = 'DELIVERY_STATE_PENDING' AND NOT digest "
    "  AND next_attempt_at <= now() ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED), "
    "claimed AS (UPDATE deliveries d SET attempts = d.attempts + 1, update_time = now(), "
    "  next_attempt_at = now() + $2 * interval '1 millisecond' FROM due WHERE d.id = due.id "
    "  RETURNING d.id, d.account, d.channel, d.attempts, d.event_id, d.notification_id, d.title, d.body) "
    "SELECT c.id, c.account, c.channel, c.attempts, c.event_id::text AS event_id, "
    "  coalesce(n.event_type, 'digest') AS event_type, coalesce(n.reference, '') AS reference, "
    "  coalesce(n.title, c.title) AS title, coalesce(n.body, c.body) AS body, "
    "  coalesce(n.urgent, false) AS urgent "
    "FROM claimed c LEFT JOIN notifications n ON n.id = c.notification_id ORDER BY c.id"};

std::vector<ClaimedDelivery> ClaimDue(pqxx::work& tx, int limit, absl::Duration lease) {
  std::vector<ClaimedDelivery> out;
  for (const pqxx::row& row : tx.exec_prepared(kClaimDue, limit, absl::ToInt64Milliseconds(lease))) {
    ClaimedDelivery d;
    d.id = row["id"].as<int64_t>();
    d.account = row["account"].as<std::string>();
    d.channel = minyi::notifications::v1::CHANNEL_UNSPECIFIED;
    minyi::notifications::v1::Channel_Parse(row["channel"].as<std::string>(), &d.channel);
    d.attempts = row["attempts"].as<int>();
    d.event_id = row["event_id"].as<std::string>();
    d.event_type = row["event_type"].as<std::string>();
    d.reference = row["reference"].as<std::string>();
    d.title = row["title"].as<std::string>();
    d.body = row["body"].as<std::string>();
    d.urgent = row["urgent"].as<bool>();
    out.push_back(std::move(d));
  }
  return out;
}

const Query kMarkDelivered{
    "notifications_mark_delivered",
    "UPDATE deliveries SET state = 'DELIVERY_STATE_DELIVERED', last_error = '', update_time = now() "
    "WHERE id = $1"};

void MarkDelivered(pqxx::work& tx, int64_t id) { tx.exec_prepared(kMarkDelivered, id); }

const Query kMarkRetry{
    "notifications_mark_retry",
    "UPDATE deliveries SET next_attempt_at = now() + $2 * interval '1 millisecond', last_error = $3, "
    "update_time = now() WHERE id = $1"};

void MarkRetry(pqxx::work& tx, int64_t id, absl::Duration delay, const std::string& error) {
  tx.exec_prepared(kMarkRetry, id, absl::ToInt64Milliseconds(delay), error);
}

const Query kMarkDead{
    "notifications_mark_dead",
    "UPDATE deliveries SET state = 'DELIVERY_STATE_DEAD', last_error = $2, update_time = now() WHERE id = $1"};

void MarkDead(pqxx::work& tx, int64_t id, const std::string& error) { tx.exec_prepared(kMarkDead, id, error); }

const Query kCreateDigests{
    "notifications_create_digests",
    absl::StrCat("WITH held AS (SELECT d.id, d.account, d.channel, n.title FROM deliveries d "
                 "  JOIN notifications n ON n.id = d.notification_id "
                 "  WHERE d.state = 'DELIVERY_STATE_PENDING' AND d.digest AND NOT EXISTS ("
                 "    SELECT 1 FROM deliveries x WHERE x.account = d.account AND x.channel = d.channel "
                 "    AND x.event_id = md5(d.account || '|' || d.channel || '|' || $1)::uuid) "
                 "  ORDER BY d.id LIMIT 10000 FOR UPDATE OF d SKIP LOCKED), "
                 "folded AS (UPDATE deliveries d SET state = 'DELIVERY_STATE_DIGESTED', update_time = now() "
                 "  FROM held WHERE d.id = held.id) "
                 "INSERT INTO deliveries (event_id, account, channel, state, title, body) "
                 "SELECT ",
                 kDigestId,
                 ", account, channel, 'DELIVERY_STATE_PENDING', "
                 "  '每日通知汇总 ' || $1 || '（' || count(*) || ' 条）', string_agg(title, E'\\n' ORDER BY id) "
                 "FROM held GROUP BY account, channel "
                 "ON CONFLICT (event_id, account, channel) DO NOTHING RETURNING id")};

int CreateDigests(pqxx::work& tx, const std::string& day) {
  return static_cast<int>(tx.exec_prepared(kCreateDigests, day).size());
}

const Query kCountDead{"notifications_count_dead",
                       "SELECT count(*) FROM deliveries WHERE state = 'DELIVERY_STATE_DEAD'"};

int64_t CountDead(pqxx::transaction_base& tx) { return tx.exec_prepared(kCountDead)[0][0].as<int64_t>(); }

}  // namespace minyi::notifications
