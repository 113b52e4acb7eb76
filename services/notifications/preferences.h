#pragma once

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "minyi/notifications/v1/notifications.pb.h"
#include "nlohmann/json.hpp"
#include "notifications/schedule.h"

// An account's delivery preferences: external channels per category, quiet hours, daily digest. Pure.
namespace minyi::notifications {

using minyi::notifications::v1::Category;
using minyi::notifications::v1::Channel;

struct AccountPreferences {
  absl::flat_hash_map<Category, std::vector<Channel>> channels;  // external channels only
  QuietHours quiet;
  std::string quiet_start;  // "HH:MM" as the account set it
  std::string quiet_end;
  bool daily_digest = false;
};

// What an account that never chose gets: what must be acted on (assignments, deadlines) also goes out
// as a WeChat-work message; everything else stays in the inbox.
AccountPreferences DefaultPreferences();

// The external channels a message of `category` goes to (the inbox is always on).
const std::vector<Channel>& ExternalChannels(const AccountPreferences& prefs, Category category);

// Channels per category as stored: {"CATEGORY_...": ["CHANNEL_...", ...]}, categories absent keep defaults.
nlohmann::json ChannelsToJson(const AccountPreferences& prefs);
void ChannelsFromJson(const nlohmann::json& stored, AccountPreferences* prefs);

void ToProto(const AccountPreferences& prefs, minyi::notifications::v1::Preferences* out);
// The paths an update with an empty mask means (AIP-134): the fields populated in `patch`. A field at
// its default (daily_digest false) is only changed by naming it.
std::vector<std::string> ImpliedPaths(const minyi::notifications::v1::Preferences& patch);
// Applies the fields named by `paths` ("categories", "quiet_hours", "daily_digest") of `patch` to
// `prefs`, validating them; errors name the field.
absl::Status ApplyPatch(const minyi::notifications::v1::Preferences& patch, const std::vector<std::string>& paths,
                        AccountPreferences* prefs);

}  // namespace minyi::notifications
