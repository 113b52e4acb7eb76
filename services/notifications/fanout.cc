#include "notifications/fanout.h"

#include <iterator>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "common/clock.h"
#include "common/log.h"
#include "notifications/payload.h"
#include "notifications/rules.h"
#include "notifications/schedule.h"
#include "notifications/store.h"

namespace minyi::notifications {
namespace {

// Resolves one audience's targets to account names.
absl::StatusOr<std::vector<std::string>> ResolveAccounts(Directory& directory, const Targets& targets) {
  std::vector<std::string> out;
  for (const std::string& a : targets.accounts) {
    if (absl::StartsWith(a, "accounts/")) {
      out.push_back(a);
    }
  }
  auto add = [&](absl::StatusOr<std::vector<std::string>> found) -> absl::Status {
    if (!found.ok()) {
      return found.status();
    }
    out.insert(out.end(), found->begin(), found->end());
    return absl::OkStatus();
  };
  std::vector<std::string> deputies = targets.deputies;
  for (const std::string& station : targets.stations) {
    absl::StatusOr<std::vector<std::string>> members = directory.MembersOfStation(station);
    if (!members.ok()) {
      return members.status();
    }
    deputies.insert(deputies.end(), members->begin(), members->end());
  }
  if (!targets.departments.empty()) {
    if (absl::Status st = add(directory.AccountsOfDepartments(targets.departments)); !st.ok()) {
      return st;
    }
  }
  if (!deputies.empty()) {
    if (absl::Status st = add(directory.AccountsOfDeputies(deputies)); !st.ok()) {
      return st;
    }
  }
  if (targets.leaders) {
    if (absl::Status st = add(directory.AccountsWithRole(minyi::common::v1::ROLE_LEADER)); !st.ok()) {
      return st;
    }
  }
  return out;
}

// The inbox messages of one event: the first audience naming an account writes its message.
absl::Status Messages(Directory& directory, const minyi::common::v1::Event& event, std::vector<NewNotification>* out) {
  const Rule* rule = FindRule(event.type());
  if (rule == nullptr) {
    return absl::OkStatus();
  }
  absl::StatusOr<nlohmann::json> payload = PayloadFields(event.data());
  if (!payload.ok()) {
    // Retrying cannot make unreadable bytes readable.
    log::Error("event payload unreadable; nobody notified",
               {{"event_id", event.id()}, {"type", event.type()}, {"error", payload.status().ToString()}});
    return absl::OkStatus();
  }
  // Deputies and stations an event names must exist: one that does not never will (deputies are never
  // deleted, and the emitting service named one it had seen), so the event is refused, not retried, and
  // nobody is notified of it.
  std::vector<std::string> deputies;
  for (const Audience& audience : rule->audiences) {
    const Targets t = SelectTargets(audience, *payload);
    deputies.insert(deputies.end(), t.deputies.begin(), t.deputies.end());
  }
  absl::StatusOr<std::vector<std::string>> missing = directory.UnknownDeputies(deputies);
  if (!missing.ok()) {
    return missing.status();
  }
  auto refuse = [&](const std::vector<std::string>& what) {
    log::Warn("event names recipients that do not exist; refused, nobody notified",
              {{"event_id", event.id()}, {"type", event.type()}, {"missing", what}});
    return absl::OkStatus();
  };
  if (!missing->empty()) {
    return refuse(*missing);
  }
  std::string reference = payload->value("reference", "");
  if (reference.empty()) {
    reference = event.subject();
  }
  absl::flat_hash_set<std::string> seen;
  std::vector<NewNotification> messages;
  for (const Audience& audience : rule->audiences) {
    absl::StatusOr<std::vector<std::string>> accounts = ResolveAccounts(directory, SelectTargets(audience, *payload));
    if (absl::IsNotFound(accounts.status())) {
      return refuse({std::string(accounts.status().message())});  // a station
    }
    if (!accounts.ok()) {
      return accounts.status();
    }
    const Rendered text = Render(audience, *payload);
    for (std::string& account : *accounts) {
      if (seen.insert(account).second) {
        messages.push_back(
            {event.id(), event.type(), reference, std::move(account), rule->category, text, rule->urgent});
      }
    }
  }
  std::move(messages.begin(), messages.end(), std::back_inserter(*out));
  return absl::OkStatus();
}

}  // namespace

absl::Status Fanout::Handle(const std::vector<minyi::common::v1::Event>& events, pqxx::work& tx) {
  std::vector<NewNotification> rows;
  for (const minyi::common::v1::Event& event : events) {
    if (absl::Status st = Messages(directory_, event, &rows); !st.ok()) {
      return st;
    }
  }
  const std::vector<std::pair<int64_t, const NewNotification*>> created = InsertNotifications(tx, rows);
  if (created.empty()) {
    return absl::OkStatus();
  }
  metrics_.Count(minyi::notifications::v1::CHANNEL_INBOX, "delivered", static_cast<double>(created.size()));

  std::vector<std::string> accounts;
  accounts.reserve(created.size());
  for (const auto& [id, n] : created) {
    accounts.push_back(n->account);
  }
  const absl::flat_hash_map<std::string, AccountPreferences> stored = LoadPreferences(tx, accounts);
  const AccountPreferences defaults = DefaultPreferences();
  const absl::Time now = absl::Now();
  std::vector<NewDelivery> deliveries;
  for (const auto& [id, n] : created) {
    auto it = stored.find(n->account);
    const AccountPreferences& prefs = it == stored.end() ? defaults : it->second;
    // Quiet hours are hours of the domain clock's day; the release is stored against PostgreSQL's now().
    const absl::Time release = DomainClock().RealTime(ReleaseTime(DomainClock().At(now), prefs.quiet, n->urgent));
    const bool digest = prefs.daily_digest && IsLowPriority(n->category) && !n->urgent;
    for (Channel channel : ExternalChannels(prefs, n->category)) {
      deliveries.push_back({id, n->event_id, n->account, channel, release, digest});
      if (digest || release > now) {
        metrics_.Count(channel, "held");
      }
    }
  }
  InsertDeliveries(tx, deliveries);
  return absl::OkStatus();
}

}  // namespace minyi::notifications
