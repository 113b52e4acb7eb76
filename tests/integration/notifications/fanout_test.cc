// Events become inbox messages for the people the rules name, resolved through identity and deputies.

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/redis.h"
#include "gmock/gmock.h"
#include "integration/notifications/fixture.h"
#include "minyi/deputies/v1/deputies.pb.h"
#include "minyi/suggestions/v1/events.pb.h"
#include "minyi/voting/v1/events.pb.h"

namespace minyi::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;
namespace nv1 = minyi::notifications::v1;

class FanoutTest : public NotificationsTest {
 protected:
  // The stream entries that carry `event_id`, oldest first.
  static std::vector<std::string> StreamEntriesOf(const std::string& event_id) {
    RedisClient redis(RedisServer::Shared().addr());
    absl::StatusOr<RedisReply> range = redis.Command({"XRANGE", std::string(kEventStream), "-", "+"});
    EXPECT_TRUE(range.ok()) << range.status();
    std::vector<std::string> out;
    for (const RedisReply& entry : range.ok() ? range->elements : std::vector<RedisReply>()) {
      const RedisReply* id = ReplyField(entry.elements[1], "id");
      if (id != nullptr && id->str == event_id) {
        out.push_back(entry.elements[0].str);
      }
    }
    return out;
  }

  // Whether the notifications group has read stream entry `entry` and acknowledged it: its last
  // delivered id is at or past the entry, and the entry is not pending.
  static bool Acknowledged(const std::string& entry) {
    RedisClient redis(RedisServer::Shared().addr());
    absl::StatusOr<RedisReply> groups = redis.Command({"XINFO", "GROUPS", std::string(kEventStream)});
    absl::StatusOr<RedisReply> pending =
        redis.Command({"XPENDING", std::string(kEventStream), "notifications", entry, entry, "10"});
    if (!groups.ok() || !pending.ok() || !pending->elements.empty()) {
      return false;
    }
    auto as_pair = [](const std::string& id) {
      const size_t dash = id.find('-');
      return std::make_pair(std::stoull(id.substr(0, dash)), std::stoull(id.substr(dash + 1)));
    };
    for (const RedisReply& g : groups->elements) {
      const RedisReply* name = ReplyField(g, "name");
      const RedisReply* last = ReplyField(g, "last-delivered-id");
      if (name != nullptr && name->str == "notifications" && last != nullptr) {
        return as_pair(last->str) >= as_pair(entry);
      }
    }
    return false;
  }

  // Publishes the event's outbox row once more, as a relay that crashed after XADD and before marking
  // the row published does when it restarts; waits until the service has consumed the new entry.
  static void Redeliver(const Notifications& n, const std::string& event_id) {
    const size_t before = StreamEntriesOf(event_id).size();
    Count(*dsn_, absl::StrCat("WITH u AS (UPDATE scratch.outbox SET published_at = NULL WHERE event_id = '", event_id,
                              "' RETURNING 1) SELECT count(*) FROM u"));
    Relay();
    const std::vector<std::string> entries = StreamEntriesOf(event_id);
    ASSERT_EQ(entries.size(), before + 1) << "the stream carries the event once more";
    ASSERT_TRUE(Eventually([&] { return Acknowledged(entries.back()); })) << n.process->Log();
  }

  // A serving deputy in the registry, at a new station; returns its name.
  static std::string NewDeputy() {
    minyi::deputies::v1::CreateStationRequest cs;
    cs.mutable_station()->set_display_name("联络站");
    cs.mutable_station()->set_kind(minyi::deputies::v1::STATION_KIND_VILLAGE);
    cs.mutable_station()->add_region_path("湄潭县");
    minyi::deputies::v1::Station station;
    EXPECT_TRUE(deputies_stub_->CreateStation(CallContext(Staff()).get(), cs, &station).ok());
    minyi::deputies::v1::CreateDeputyRequest cd;
    cd.mutable_deputy()->add_stations(station.name());
    cd.mutable_deputy()->set_display_name("代表");
    cd.mutable_deputy()->set_gender(minyi::deputies::v1::GENDER_FEMALE);
    cd.mutable_deputy()->set_level(minyi::deputies::v1::LEVEL_COUNTY);
    cd.mutable_deputy()->set_term(2);
    minyi::deputies::v1::Deputy deputy;
    grpc::Status st = deputies_stub_->CreateDeputy(CallContext(Staff()).get(), cd, &deputy);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return deputy.name();
  }

  static nv1::ListInboxResponse Inbox(Notifications& n, const std::string& token, bool unread_only = false,
                                      const std::string& page_token = "", int page_size = 0) {
    nv1::ListInboxRequest req;
    req.set_unread_only(unread_only);
    req.set_page_token(page_token);
    req.set_page_size(page_size);
    nv1::ListInboxResponse out;
    grpc::Status st = n.stub->ListInbox(CallContext(token).get(), req, &out);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return out;
  }
};

TEST_F(FanoutTest, AssignmentReachesLeadAndCoUnitsTheCitizenAndLeadersOnKeySupervision) {
  Notifications n = StartNotifications();
  const std::string lead = Unique("LEAD");
  const std::string co = Unique("CO");
  const std::string lead_account = CreateAccount(minyi::common::v1::ROLE_DEPARTMENT, lead);
  const std::string co_account = CreateAccount(minyi::common::v1::ROLE_DEPARTMENT, co);
  const std::string citizen = CreateAccount(minyi::common::v1::ROLE_CITIZEN);
  const std::string leader = CreateAccount(minyi::common::v1::ROLE_LEADER);

  minyi::suggestions::v1::SuggestionAssigned assigned;
  assigned.set_reference("suggestions/41");
  assigned.set_title("关于加快老旧小区改造的建议");
  assigned.set_department(lead);
  assigned.add_co_departments(co);
  assigned.set_deadline("2026-12-31");
  assigned.set_citizen_account(citizen);
  assigned.set_key_supervision(true);
  const std::string event_id = Emit(assigned, "suggestions/41");
  Relay();
  ASSERT_TRUE(Eventually([&] { return Count(n.dsn, "SELECT count(*) FROM notifications.notifications") == 4; }))
      << n.process->Log();
  // The relay is at least once: the same event arrives again in a second stream entry, after the first
  // was handled.
  Redeliver(n, event_id);

  const nv1::ListInboxResponse lead_inbox = Inbox(n, TokenOf(lead_account, minyi::common::v1::ROLE_DEPARTMENT));
  ASSERT_EQ(lead_inbox.notifications_size(), 1);
  const nv1::Notification& m = lead_inbox.notifications(0);
  EXPECT_EQ(m.category(), nv1::CATEGORY_ASSIGNMENT);
  EXPECT_EQ(m.event_type(), "minyi.suggestions.v1.SuggestionAssigned");
  EXPECT_EQ(m.reference(), "suggestions/41");
  EXPECT_EQ(m.title(), "新交办建议：关于加快老旧小区改造的建议");
  EXPECT_THAT(m.body(), HasSubstr("请于 2026-12-31 前答复"));
  EXPECT_THAT(m.body_en(), HasSubstr("answer by 2026-12-31"));
  EXPECT_FALSE(m.urgent());
  EXPECT_EQ(lead_inbox.unread_count(), 1);

  EXPECT_EQ(Inbox(n, TokenOf(co_account, minyi::common::v1::ROLE_DEPARTMENT)).notifications(0).title(), m.title());
  const nv1::ListInboxResponse citizen_inbox = Inbox(n, TokenOf(citizen, minyi::common::v1::ROLE_CITIZEN));
  ASSERT_EQ(citizen_inbox.notifications_size(), 1);
  EXPECT_THAT(citizen_inbox.notifications(0).title(), HasSubstr("您的意见已交办"));
  const nv1::ListInboxResponse leader_inbox = Inbox(n, TokenOf(leader, minyi::common::v1::ROLE_LEADER));
  ASSERT_EQ(leader_inbox.notifications_size(), 1);
  EXPECT_THAT(leader_inbox.notifications(0).title(), HasSubstr("重点督办"));

  // One message per recipient however often the event arrived; assignments also go out by webhook, once.
  const std::string messages =
      absl::StrCat("SELECT count(*) FROM notifications.notifications WHERE event_id = '", event_id, "'");
  const std::string webhooks =
      absl::StrCat("SELECT count(*) FROM notifications.deliveries WHERE channel = 'CHANNEL_WEBHOOK' AND event_id = '",
                   event_id, "'");
  EXPECT_EQ(Count(n.dsn, messages), 4);
  EXPECT_EQ(Count(n.dsn, webhooks), 4);

  // The unique keys hold even when the consumer's record of the event is gone (docs/notifications.md).
  Count(n.dsn, absl::StrCat("WITH d AS (DELETE FROM notifications.processed_events WHERE event_id = '", event_id,
                            "' RETURNING 1) SELECT count(*) FROM d"));
  Redeliver(n, event_id);
  EXPECT_EQ(Count(n.dsn, messages), 4);
  EXPECT_EQ(Count(n.dsn, webhooks), 4);
  EXPECT_EQ(Count(n.dsn, absl::StrCat("SELECT count(*) FROM notifications.processed_events WHERE event_id = '",
                                      event_id, "'")),
            1)
      << "the redelivery was handled, not skipped";
}

TEST_F(FanoutTest, InboxPagesNewestFirstAndMarkingReadLowersTheUnreadCount) {
  Notifications n = StartNotifications();
  const std::string dept = Unique("PAGE");
  const std::string account = CreateAccount(minyi::common::v1::ROLE_DEPARTMENT, dept);
  const std::string token = TokenOf(account, minyi::common::v1::ROLE_DEPARTMENT);
  for (int i = 0; i < 5; ++i) {
    minyi::suggestions::v1::SuggestionDueSoon due;
    due.set_reference(absl::StrCat("suggestions/", 100 + i));
    due.set_title(absl::StrCat("建议", i));
    due.set_department(dept);
    due.set_deadline("2026-12-01");
    due.set_days_left(3);
    Emit(due, due.reference());
  }
  Relay();
  ASSERT_TRUE(Eventually([&] { return Inbox(n, token).unread_count() == 5; })) << n.process->Log();

  const nv1::ListInboxResponse first = Inbox(n, token, false, "", 2);
  ASSERT_EQ(first.notifications_size(), 2);
  EXPECT_EQ(first.notifications(0).reference(), "suggestions/104");
  EXPECT_THAT(first.notifications(0).body(), HasSubstr("剩余 3 天"));
  ASSERT_FALSE(first.next_page_token().empty());
  const nv1::ListInboxResponse second = Inbox(n, token, false, first.next_page_token(), 2);
  ASSERT_EQ(second.notifications_size(), 2);
  EXPECT_EQ(second.notifications(0).reference(), "suggestions/102");

  nv1::MarkReadRequest read;
  read.set_name(first.notifications(0).name());
  nv1::Notification out;
  ASSERT_TRUE(n.stub->MarkRead(CallContext(token).get(), read, &out).ok());
  EXPECT_TRUE(out.has_read_time());
  ASSERT_TRUE(n.stub->MarkRead(CallContext(token).get(), read, &out).ok());  // again: no change
  const nv1::ListInboxResponse after = Inbox(n, token, true);
  EXPECT_EQ(after.unread_count(), 4);
  EXPECT_EQ(after.notifications_size(), 4);

  // Someone else's message is not found, not forbidden: its existence is not revealed.
  const std::string other = TokenOf(CreateAccount(minyi::common::v1::ROLE_CITIZEN), minyi::common::v1::ROLE_CITIZEN);
  grpc::Status st = n.stub->MarkRead(CallContext(other).get(), read, &out);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::NOT_FOUND);
  // A page token belongs to its account and filter.
  nv1::ListInboxRequest stolen;
  stolen.set_page_token(first.next_page_token());
  nv1::ListInboxResponse ignored;
  st = n.stub->ListInbox(CallContext(other).get(), stolen, &ignored);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  st = n.stub->ListInbox(CallContext("").get(), nv1::ListInboxRequest(), &ignored);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(FanoutTest, StationRankingReachesTheStationsMembersThroughTheDeputiesService) {
  Notifications n = StartNotifications();
  minyi::deputies::v1::CreateStationRequest cs;
  cs.mutable_station()->set_display_name("湄潭县兴隆镇代表联络站");
  cs.mutable_station()->set_kind(minyi::deputies::v1::STATION_KIND_TOWN_CENTRE);
  cs.mutable_station()->add_region_path("湄潭县");
  minyi::deputies::v1::Station station;
  ASSERT_TRUE(deputies_stub_->CreateStation(CallContext(Staff()).get(), cs, &station).ok());
  std::vector<std::string> member_accounts;
  for (int i = 0; i < 2; ++i) {
    minyi::deputies::v1::CreateDeputyRequest cd;
    cd.mutable_deputy()->set_display_name(absl::StrCat("代表", i));
    cd.mutable_deputy()->set_gender(minyi::deputies::v1::GENDER_MALE);
    cd.mutable_deputy()->set_level(minyi::deputies::v1::LEVEL_COUNTY);
    cd.mutable_deputy()->set_term(2);
    cd.mutable_deputy()->add_stations(station.name());
    minyi::deputies::v1::Deputy deputy;
    grpc::Status st = deputies_stub_->CreateDeputy(CallContext(Staff()).get(), cd, &deputy);
    ASSERT_TRUE(st.ok()) << st.error_message();
    member_accounts.push_back(CreateAccount(minyi::common::v1::ROLE_DEPUTY, "", deputy.name()));
  }
  const std::string outsider = CreateAccount(minyi::common::v1::ROLE_DEPUTY, "", "deputies/999999");

  minyi::deputies::v1::StationRankingPublished published;
  published.set_station(station.name());
  published.set_period("2026-Q3");
  Emit(published, station.name());
  Relay();
  ASSERT_TRUE(Eventually([&] { return Count(n.dsn, "SELECT count(*) FROM notifications.notifications") == 2; }))
      << n.process->Log();
  for (const std::string& account : member_accounts) {
    const nv1::ListInboxResponse inbox = Inbox(n, TokenOf(account, minyi::common::v1::ROLE_DEPUTY));
    ASSERT_EQ(inbox.notifications_size(), 1);
    EXPECT_EQ(inbox.notifications(0).category(), nv1::CATEGORY_RANKING);
    EXPECT_EQ(inbox.notifications(0).body(), absl::StrCat(station.name(), " 2026-Q3 履职积分排名已公布，请登录查看。"));
  }
  EXPECT_EQ(Inbox(n, TokenOf(outsider, minyi::common::v1::ROLE_DEPUTY)).notifications_size(), 0);
}

TEST_F(FanoutTest, PreferencesChooseChannelsPerCategoryAndAreValidated) {
  Notifications n = StartNotifications();
  const std::string deputy = NewDeputy();
  const std::string account = CreateAccount(minyi::common::v1::ROLE_DEPUTY, "", deputy);
  const std::string token = TokenOf(account, minyi::common::v1::ROLE_DEPUTY);

  nv1::Preferences prefs;
  ASSERT_TRUE(n.stub->GetPreferences(CallContext(token).get(), nv1::GetPreferencesRequest(), &prefs).ok());
  EXPECT_EQ(prefs.name(), absl::StrCat(account, "/preferences"));
  for (const nv1::CategoryChannels& cc : prefs.categories()) {
    EXPECT_EQ(cc.channels(0), nv1::CHANNEL_INBOX);  // always on
    if (cc.category() == nv1::CATEGORY_VOTE) {
      EXPECT_EQ(cc.channels_size(), 1);  // by default votes stay in the inbox
    }
  }

  nv1::UpdatePreferencesRequest bad;
  bad.mutable_preferences()->mutable_quiet_hours()->set_enabled(true);
  bad.mutable_preferences()->mutable_quiet_hours()->set_start("25:00");
  bad.mutable_preferences()->mutable_quiet_hours()->set_end("07:00");
  bad.mutable_update_mask()->add_paths("quiet_hours");
  grpc::Status st = n.stub->UpdatePreferences(CallContext(token).get(), bad, &prefs);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), HasSubstr("quiet_hours.start"));
  bad.mutable_update_mask()->set_paths(0, "name");
  EXPECT_EQ(n.stub->UpdatePreferences(CallContext(token).get(), bad, &prefs).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  nv1::UpdatePreferencesRequest update;
  nv1::CategoryChannels* vote = update.mutable_preferences()->add_categories();
  vote->set_category(nv1::CATEGORY_VOTE);
  vote->add_channels(nv1::CHANNEL_SMS);
  st = n.stub->UpdatePreferences(CallContext(token, Unique("idem")).get(), update, &prefs);
  ASSERT_TRUE(st.ok()) << st.error_message();
  for (const nv1::CategoryChannels& cc : prefs.categories()) {
    if (cc.category() == nv1::CATEGORY_VOTE) {
      EXPECT_THAT(std::vector<int>(cc.channels().begin(), cc.channels().end()),
                  UnorderedElementsAre(nv1::CHANNEL_INBOX, nv1::CHANNEL_SMS));
    }
  }
  EXPECT_TRUE(prefs.has_update_time());

  minyi::voting::v1::VoteOpened opened;
  opened.set_reference("votes/9");
  opened.set_title("2027年民生实事项目票决");
  opened.add_deputies(deputy);
  opened.set_slots(10);
  Emit(opened, "votes/9");
  Relay();
  ASSERT_TRUE(Eventually([&] {
    return Count(n.dsn,
                 "SELECT count(*) FROM notifications.deliveries WHERE channel = 'CHANNEL_SMS' "
                 "AND state = 'DELIVERY_STATE_DELIVERED'") == 1;
  })) << n.process->Log();
  // The development provider wrote the SMS to its sink.
  std::ifstream sink(n.sink_dir + "/sms.jsonl");
  std::stringstream written;
  written << sink.rdbuf();
  EXPECT_THAT(written.str(), HasSubstr("投票已开始：2027年民生实事项目票决"));
  EXPECT_THAT(written.str(), HasSubstr(absl::StrCat("\"account\":\"", account, "\"")));
  EXPECT_EQ(Count(n.dsn, "SELECT count(*) FROM notifications.deliveries WHERE channel = 'CHANNEL_WEBHOOK'"), 0);
}

TEST_F(FanoutTest, QuietHoursHoldOrdinaryDeliveriesButNotOverdueEscalations) {
  Notifications n = StartNotifications();
  const std::string dept = Unique("QUIET");
  const std::string account = CreateAccount(minyi::common::v1::ROLE_DEPARTMENT, dept);
  const std::string token = TokenOf(account, minyi::common::v1::ROLE_DEPARTMENT);
  // A window around the present moment in Asia/Shanghai.
  const absl::TimeZone shanghai = absl::FixedTimeZone(8 * 3600);
  const absl::Time now = TestNow();
  nv1::UpdatePreferencesRequest update;
  update.mutable_preferences()->mutable_quiet_hours()->set_enabled(true);
  update.mutable_preferences()->mutable_quiet_hours()->set_start(
      absl::FormatTime("%H:%M", now - absl::Hours(1), shanghai));
  update.mutable_preferences()->mutable_quiet_hours()->set_end(
      absl::FormatTime("%H:%M", now + absl::Hours(1), shanghai));
  update.mutable_update_mask()->add_paths("quiet_hours");
  nv1::Preferences prefs;
  grpc::Status st = n.stub->UpdatePreferences(CallContext(token).get(), update, &prefs);
  ASSERT_TRUE(st.ok()) << st.error_message();

  minyi::suggestions::v1::SuggestionDueSoon due;
  due.set_reference("suggestions/501");
  due.set_title("关于改善农村饮水的建议");
  due.set_department(dept);
  due.set_deadline("2026-12-01");
  minyi::suggestions::v1::SuggestionOverdue overdue;
  overdue.set_reference("suggestions/502");
  overdue.set_title("关于整治噪声扰民的建议");
  overdue.set_department(dept);
  overdue.set_deadline("2026-11-01");
  overdue.set_days_left(-3);
  const std::string due_id = Emit(due, due.reference());
  const std::string overdue_id = Emit(overdue, overdue.reference());
  Relay();

  // The escalation goes out at once; the reminder waits for the window's end, about an hour away.
  ASSERT_TRUE(Eventually([&] {
    return Count(n.dsn, absl::StrCat("SELECT count(*) FROM notifications.deliveries WHERE event_id = '", overdue_id,
                                     "' AND state = 'DELIVERY_STATE_DELIVERED'")) == 1;
  })) << n.process->Log();
  EXPECT_EQ(Count(n.dsn, absl::StrCat("SELECT count(*) FROM notifications.deliveries WHERE event_id = '", due_id,
                                      "' AND state = 'DELIVERY_STATE_PENDING' AND attempts = 0 AND "
                                      "next_attempt_at > now() + interval '50 minutes'")),
            1);
  // The inbox is not held: both messages are there now.
  nv1::ListInboxResponse inbox;
  ASSERT_TRUE(n.stub->ListInbox(CallContext(token).get(), nv1::ListInboxRequest(), &inbox).ok());
  EXPECT_EQ(inbox.notifications_size(), 2);
  EXPECT_TRUE(inbox.notifications(0).urgent());
}

TEST_F(FanoutTest, AnEventNamingADeputyNotInTheRegistryIsRefusedAndNobodyIsNotified) {
  Notifications n = StartNotifications();
  const std::string deputy = NewDeputy();
  const std::string account = CreateAccount(minyi::common::v1::ROLE_DEPUTY, "", deputy);
  minyi::voting::v1::VoteOpened opened;
  opened.set_reference("votes/19");
  opened.set_title("票决");
  opened.add_deputies(deputy);
  opened.add_deputies("deputies/999998");
  const std::string refused = Emit(opened, "votes/19");
  opened.clear_deputies();
  opened.add_deputies(deputy);
  const std::string fine = Emit(opened, "votes/19");
  Relay();
  for (const std::string& id : {refused, fine}) {
    const std::vector<std::string> entries = StreamEntriesOf(id);
    ASSERT_EQ(entries.size(), 1u);
    ASSERT_TRUE(Eventually([&] { return Acknowledged(entries[0]); })) << n.process->Log();
  }
  const nv1::ListInboxResponse inbox = Inbox(n, TokenOf(account, minyi::common::v1::ROLE_DEPUTY));
  ASSERT_EQ(inbox.notifications_size(), 1);  // the second event's only
  EXPECT_EQ(Count(n.dsn, "SELECT count(*) FROM notifications.notifications WHERE event_id = '" + refused + "'"), 0);
  EXPECT_EQ(Count(n.dsn, "SELECT count(*) FROM notifications.dead_events"), 0);
  EXPECT_THAT(n.process->Log(), HasSubstr("deputies/999998"));
}

}  // namespace
}  // namespace minyi::testing
