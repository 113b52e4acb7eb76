// The daily digest: low-priority messages for an account that chose it go out once a day as one
// delivery, and identity's recipient lookup is only for the office and services.

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "integration/notifications/fixture.h"
#include "minyi/suggestions/v1/events.pb.h"

namespace minyi::testing {
namespace {

using ::testing::HasSubstr;
namespace nv1 = minyi::notifications::v1;

class DigestTest : public NotificationsTest {
 protected:
  static void Accepted(const std::string& citizen, int n) {
    minyi::suggestions::v1::SuggestionAccepted accepted;
    accepted.set_reference(absl::StrCat("suggestions/", 900 + n));
    accepted.set_title(absl::StrCat("群众意见", n));
    accepted.set_citizen_account(citizen);
    Emit(accepted, accepted.reference());
  }
};

TEST_F(DigestTest, LowPriorityMessagesGoOutOnceADayAsOneDigest) {
  // Hour 0: the digest is due whenever the service looks (it looks at start, then every minute).
  const std::map<std::string, std::string> env = {{"MINYI_NOTIFY_DIGEST_HOUR", "0"}};
  Notifications first = StartNotifications(env);
  const std::string citizen = CreateAccount(minyi::common::v1::ROLE_CITIZEN);
  nv1::UpdatePreferencesRequest update;
  nv1::CategoryChannels* progress = update.mutable_preferences()->add_categories();
  progress->set_category(nv1::CATEGORY_PROGRESS);
  progress->add_channels(nv1::CHANNEL_SMS);
  update.mutable_preferences()->set_daily_digest(true);
  nv1::Preferences prefs;
  grpc::Status st = first.stub->UpdatePreferences(CallContext(TokenOf(citizen, minyi::common::v1::ROLE_CITIZEN)).get(),
                                                  update, &prefs);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_TRUE(prefs.daily_digest());
  for (int n = 1; n <= 3; ++n) {
    Accepted(citizen, n);
  }
  Relay();
  const std::string held = absl::StrCat("SELECT count(*) FROM notifications.deliveries WHERE account = '", citizen,
                                        "' AND digest AND state = 'DELIVERY_STATE_PENDING'");
  ASSERT_TRUE(Eventually([&] { return Count(first.dsn, held) == 3; })) << first.process->Log();
  const std::string dsn = first.dsn;
  const std::string sink = first.sink_dir;
  first.process.reset();  // SIGTERM: the next start looks for due digests at once

  Notifications second = StartNotifications(
      {{"MINYI_NOTIFY_DIGEST_HOUR", "0"}, {"MINYI_NOTIFY_SMS_URL", absl::StrCat("file://", sink, "/sms.jsonl")}},
      RedisServer::Shared().addr(), dsn);
  const std::string digests = absl::StrCat("SELECT count(*) FROM notifications.deliveries WHERE account = '", citizen,
                                           "' AND notification_id IS NULL AND state = 'DELIVERY_STATE_DELIVERED'");
  ASSERT_TRUE(Eventually([&] { return Count(dsn, digests) == 1; })) << second.process->Log();
  EXPECT_EQ(Count(dsn, held), 0);
  EXPECT_EQ(Count(dsn, absl::StrCat("SELECT count(*) FROM notifications.deliveries WHERE account = '", citizen,
                                    "' AND state = 'DELIVERY_STATE_DIGESTED'")),
            3);
  std::ifstream file(sink + "/sms.jsonl");
  std::stringstream written;
  written << file.rdbuf();
  EXPECT_THAT(written.str(), HasSubstr("每日通知汇总"));
  EXPECT_THAT(written.str(), HasSubstr("已受理：群众意见1\\n已受理：群众意见2\\n已受理：群众意见3"));

  // A message after today's digest waits for tomorrow's, even across a restart.
  Accepted(citizen, 4);
  Relay();
  ASSERT_TRUE(Eventually([&] { return Count(dsn, held) == 1; })) << second.process->Log();
  second.process.reset();
  Notifications third = StartNotifications(env, RedisServer::Shared().addr(), dsn);
  // The third process looks for due digests right after it starts serving, and next a minute later:
  // 2 s covers that first look with a wide margin.
  EXPECT_TRUE(HoldsFor([&] { return Count(dsn, held) == 1 && Count(dsn, digests) == 1; }, absl::Seconds(2)))
      << third.process->Log();
}

TEST_F(DigestTest, RecipientLookupIsForTheOfficeAndServicesOnly) {
  const std::string dept = Unique("LOOKUP");
  const std::string a = CreateAccount(minyi::common::v1::ROLE_DEPARTMENT, dept);
  const std::string b = CreateAccount(minyi::common::v1::ROLE_DEPARTMENT, dept);

  minyi::identity::v1::ListAccountsRequest req;
  req.set_role(minyi::common::v1::ROLE_DEPARTMENT);
  req.add_departments(dept);
  minyi::identity::v1::ListAccountsResponse out;
  for (auto role : {minyi::common::v1::ROLE_STAFF, minyi::common::v1::ROLE_DEPUTY, minyi::common::v1::ROLE_DEPARTMENT,
                    minyi::common::v1::ROLE_CITIZEN, minyi::common::v1::ROLE_LEADER}) {
    EXPECT_EQ(identity_stub_->ListAccounts(CallContext(MintToken(role)).get(), req, &out).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  // Among services, only notifications reaches people; and a credential is good only at its own callee.
  EXPECT_EQ(identity_stub_->ListAccounts(ServiceContext("voting", "identity").get(), req, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(identity_stub_->ListAccounts(ServiceContext("notifications", "deputies").get(), req, &out).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  req.set_page_size(1);
  grpc::Status st = identity_stub_->ListAccounts(ServiceContext("notifications", "identity").get(), req, &out);
  ASSERT_TRUE(st.ok()) << st.error_message();
  ASSERT_EQ(out.accounts_size(), 1);
  EXPECT_EQ(out.accounts(0).name(), a);
  EXPECT_EQ(out.accounts(0).department(), dept);
  EXPECT_TRUE(out.accounts(0).display_name().empty());  // a lookup, not a directory of people
  EXPECT_TRUE(out.accounts(0).username().empty());
  req.set_page_token(out.next_page_token());
  ASSERT_TRUE(identity_stub_->ListAccounts(CallContext(Admin()).get(), req, &out).ok());
  ASSERT_EQ(out.accounts_size(), 1);
  EXPECT_EQ(out.accounts(0).name(), b);
  EXPECT_TRUE(out.next_page_token().empty());
  req.set_page_size(-1);
  EXPECT_EQ(identity_stub_->ListAccounts(CallContext(Admin()).get(), req, &out).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace minyi::testing
