#include "notifications/preferences.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace minyi::notifications {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
namespace v1 = minyi::notifications::v1;

TEST(PreferencesTest, DefaultsSendActionableCategoriesByWebhookOnly) {
  const AccountPreferences p = DefaultPreferences();
  EXPECT_THAT(ExternalChannels(p, v1::CATEGORY_ASSIGNMENT), ElementsAre(v1::CHANNEL_WEBHOOK));
  EXPECT_THAT(ExternalChannels(p, v1::CATEGORY_DEADLINE), ElementsAre(v1::CHANNEL_WEBHOOK));
  EXPECT_THAT(ExternalChannels(p, v1::CATEGORY_RANKING), IsEmpty());
  EXPECT_FALSE(p.quiet.enabled);
  EXPECT_FALSE(p.daily_digest);
}

TEST(PreferencesTest, PatchChangesOnlyNamedFieldsAndIgnoresTheAlwaysOnInbox) {
  AccountPreferences p = DefaultPreferences();
  v1::Preferences patch;
  v1::CategoryChannels* cc = patch.add_categories();
  cc->set_category(v1::CATEGORY_VOTE);
  cc->add_channels(v1::CHANNEL_INBOX);
  cc->add_channels(v1::CHANNEL_SMS);
  cc->add_channels(v1::CHANNEL_SMS);
  patch.set_daily_digest(true);
  ASSERT_TRUE(ApplyPatch(patch, {"categories"}, &p).ok());
  EXPECT_THAT(ExternalChannels(p, v1::CATEGORY_VOTE), ElementsAre(v1::CHANNEL_SMS));
  EXPECT_FALSE(p.daily_digest);  // not named
  EXPECT_THAT(ImpliedPaths(patch), ElementsAre("categories", "daily_digest"));
}

TEST(PreferencesTest, QuietHoursAreValidatedAndStoredAsWritten) {
  AccountPreferences p = DefaultPreferences();
  v1::Preferences patch;
  patch.mutable_quiet_hours()->set_enabled(true);
  patch.mutable_quiet_hours()->set_start("22:00");
  patch.mutable_quiet_hours()->set_end("07:30");
  ASSERT_TRUE(ApplyPatch(patch, {"quiet_hours"}, &p).ok());
  EXPECT_TRUE(p.quiet.enabled);
  EXPECT_EQ(p.quiet.start_minute, 22 * 60);
  EXPECT_EQ(p.quiet.end_minute, 7 * 60 + 30);
  patch.mutable_quiet_hours()->set_end("22:00");
  absl::Status st = ApplyPatch(patch, {"quiet_hours"}, &p);
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("quiet_hours.end"), std::string::npos);
}

TEST(PreferencesTest, BadPathsAndCategoriesAreInvalid) {
  AccountPreferences p = DefaultPreferences();
  v1::Preferences patch;
  EXPECT_EQ(ApplyPatch(patch, {"name"}, &p).code(), absl::StatusCode::kInvalidArgument);
  patch.add_categories()->set_category(v1::CATEGORY_UNSPECIFIED);
  EXPECT_EQ(ApplyPatch(patch, {"categories"}, &p).code(), absl::StatusCode::kInvalidArgument);
}

TEST(PreferencesTest, StoredJsonRoundTrips) {
  AccountPreferences p = DefaultPreferences();
  p.channels[v1::CATEGORY_RANKING] = {v1::CHANNEL_SMS, v1::CHANNEL_WEBHOOK};
  AccountPreferences back = DefaultPreferences();
  ChannelsFromJson(ChannelsToJson(p), &back);
  EXPECT_THAT(ExternalChannels(back, v1::CATEGORY_RANKING), ElementsAre(v1::CHANNEL_SMS, v1::CHANNEL_WEBHOOK));
  EXPECT_THAT(ExternalChannels(back, v1::CATEGORY_ASSIGNMENT), ElementsAre(v1::CHANNEL_WEBHOOK));
}

}  // namespace
}  // namespace minyi::notifications
