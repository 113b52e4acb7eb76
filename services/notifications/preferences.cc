#include "notifications/preferences.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/enums.h"
#include "common/status.h"

namespace minyi::notifications {
namespace {

using minyi::notifications::v1::CHANNEL_SMS;
using minyi::notifications::v1::CHANNEL_WEBHOOK;

std::vector<Category> AllCategories() {
  std::vector<Category> out;
  for (int c = minyi::notifications::v1::Category_MIN + 1; c <= minyi::notifications::v1::Category_MAX; ++c) {
    if (minyi::notifications::v1::Category_IsValid(c)) {
      out.push_back(static_cast<Category>(c));
    }
  }
  return out;
}

}  // namespace

AccountPreferences DefaultPreferences() {
  AccountPreferences p;
  for (Category c : AllCategories()) {
    p.channels[c] = {};
  }
  p.channels[minyi::notifications::v1::CATEGORY_ASSIGNMENT] = {CHANNEL_WEBHOOK};
  p.channels[minyi::notifications::v1::CATEGORY_DEADLINE] = {CHANNEL_WEBHOOK};
  return p;
}

const std::vector<Channel>& ExternalChannels(const AccountPreferences& prefs, Category category) {
  static const std::vector<Channel>* const kNone = new std::vector<Channel>();
  auto it = prefs.channels.find(category);
  return it == prefs.channels.end() ? *kNone : it->second;
}

nlohmann::json ChannelsToJson(const AccountPreferences& prefs) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [category, channels] : prefs.channels) {
    nlohmann::json list = nlohmann::json::array();
    for (Channel c : channels) {
      list.push_back(minyi::notifications::v1::Channel_Name(c));
    }
    out[minyi::notifications::v1::Category_Name(category)] = std::move(list);
  }
  return out;
}

void ChannelsFromJson(const nlohmann::json& stored, AccountPreferences* prefs) {
  if (!stored.is_object()) {
    return;
  }
  for (const auto& [name, list] : stored.items()) {
    Category category;
    if (!minyi::notifications::v1::Category_Parse(name, &category) || !list.is_array()) {
      continue;
    }
    std::vector<Channel>& channels = prefs->channels[category];
    channels.clear();
    for (const nlohmann::json& c : list) {
      Channel channel;
      if (c.is_string() && minyi::notifications::v1::Channel_Parse(c.get<std::string>(), &channel)) {
        channels.push_back(channel);
      }
    }
  }
}

void ToProto(const AccountPreferences& prefs, minyi::notifications::v1::Preferences* out) {
  for (Category c : AllCategories()) {
    minyi::notifications::v1::CategoryChannels* cc = out->add_categories();
    cc->set_category(c);
    cc->add_channels(minyi::notifications::v1::CHANNEL_INBOX);
    for (Channel ch : ExternalChannels(prefs, c)) {
      cc->add_channels(ch);
    }
  }
  out->mutable_quiet_hours()->set_enabled(prefs.quiet.enabled);
  out->mutable_quiet_hours()->set_start(prefs.quiet_start);
  out->mutable_quiet_hours()->set_end(prefs.quiet_end);
  out->set_daily_digest(prefs.daily_digest);
}

std::vector<std::string> ImpliedPaths(const minyi::notifications::v1::Preferences& patch) {
  std::vector<std::string> paths;
  if (patch.categories_size() > 0) {
    paths.push_back("categories");
  }
  if (patch.has_quiet_hours()) {
    paths.push_back("quiet_hours");
  }
  if (patch.daily_digest()) {
    paths.push_back("daily_digest");
  }
  return paths;
}

absl::Status ApplyPatch(const minyi::notifications::v1::Preferences& patch, const std::vector<std::string>& paths,
                        AccountPreferences* prefs) {
  auto wanted = [&](const char* path) { return std::find(paths.begin(), paths.end(), path) != paths.end(); };
  for (const std::string& path : paths) {
    if (path != "categories" && path != "quiet_hours" && path != "daily_digest") {
      return InvalidField("update_mask", absl::StrCat("cannot update \"", path, "\""));
    }
  }
  if (wanted("categories")) {
    for (int i = 0; i < patch.categories_size(); ++i) {
      const minyi::notifications::v1::CategoryChannels& cc = patch.categories(i);
      const std::string field = absl::StrCat("preferences.categories[", i, "]");
      if (absl::Status st =
              RequireEnum<Category>(absl::StrCat(field, ".category"), cc.category(), "must be a known category");
          !st.ok()) {
        return st;
      }
      std::vector<Channel> channels;
      for (int ch : cc.channels()) {
        if (ch == minyi::notifications::v1::CHANNEL_INBOX) {
          continue;  // always on; naming it changes nothing
        }
        if (ch != CHANNEL_SMS && ch != CHANNEL_WEBHOOK) {
          return InvalidField(absl::StrCat(field, ".channels"),
                              "must be CHANNEL_INBOX, CHANNEL_SMS or CHANNEL_WEBHOOK");
        }
        if (std::find(channels.begin(), channels.end(), ch) == channels.end()) {
          channels.push_back(static_cast<Channel>(ch));
        }
      }
      prefs->channels[cc.category()] = std::move(channels);
    }
  }
  if (wanted("quiet_hours")) {
    const minyi::notifications::v1::QuietHours& q = patch.quiet_hours();
    QuietHours quiet;
    quiet.enabled = q.enabled();
    if (q.enabled() || !q.start().empty() || !q.end().empty()) {
      absl::StatusOr<int> start = ParseClock("preferences.quiet_hours.start", q.start());
      if (!start.ok()) {
        return start.status();
      }
      absl::StatusOr<int> end = ParseClock("preferences.quiet_hours.end", q.end());
      if (!end.ok()) {
        return end.status();
      }
      if (*start == *end) {
        return InvalidField("preferences.quiet_hours.end", "must differ from start");
      }
      quiet.start_minute = *start;
      quiet.end_minute = *end;
    }
    prefs->quiet = quiet;
    prefs->quiet_start = q.start();
    prefs->quiet_end = q.end();
  }
  if (wanted("daily_digest")) {
    prefs->daily_digest = patch.daily_digest();
  }
  return absl::OkStatus();
}

}  // namespace minyi::notifications
