#include "notifications/inbox.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/names.h"
#include "common/paging.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "google/protobuf/util/time_util.h"
#include "notifications/preferences.h"
#include "notifications/store.h"

namespace minyi::notifications {
namespace {

constexpr absl::string_view kInbox = "inbox/";

// The caller's own account: the inbox and preferences are never anyone else's.
std::string AccountOf(const Caller& caller) { return absl::StrCat("accounts/", caller.account_id()); }

AccountPreferences LoadOne(pqxx::transaction_base& tx, const std::string& account) {
  absl::flat_hash_map<std::string, AccountPreferences> stored = LoadPreferences(tx, {account});
  auto it = stored.find(account);
  return it == stored.end() ? DefaultPreferences() : std::move(it->second);
}

void FillPreferences(pqxx::transaction_base& tx, const std::string& account, const AccountPreferences& prefs,
                     v1::Preferences* out) {
  out->Clear();
  ToProto(prefs, out);
  out->set_name(absl::StrCat(account, "/preferences"));
  if (std::optional<absl::Time> t = PreferencesUpdateTime(tx, account); t.has_value()) {
    *out->mutable_update_time() = google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(*t));
  }
}

}  // namespace

absl::Status Inbox::List(const Call& call, const v1::ListInboxRequest& request, v1::ListInboxResponse* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.Authenticate(call));
  const std::string account = AccountOf(caller);
  // The account is part of the fingerprint: a token is no use to another account.
  ASSIGN_OR_RETURN(const PageRequest page,
                   ReadPageRequest(request.page_size(), request.page_token(),
                                   {"inbox", account, request.unread_only() ? "unread" : "all"}));
  std::vector<std::pair<int64_t, v1::Notification>> rows;
  int unread = 0;
  RETURN_IF_ERROR(pool_.Read([&](pqxx::transaction_base& tx) {
    rows = ListInbox(tx, account, page.after_id, request.unread_only(), page.size + 1);
    unread = UnreadCount(tx, account);
    return absl::OkStatus();
  }));
  response->set_next_page_token(TrimToPage(rows, page.size, page.fingerprint, [](const auto& r) { return r.first; }));
  for (auto& [id, n] : rows) {
    *response->add_notifications() = std::move(n);
  }
  response->set_unread_count(unread);
  return absl::OkStatus();
}

absl::Status Inbox::MarkRead(const Call& call, const v1::MarkReadRequest& request, v1::Notification* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.Authenticate(call));
  ASSIGN_OR_RETURN(const int64_t id, ParseResourceId(request.name(), kInbox, "name"));
  const std::string account = AccountOf(caller);
  return commands_.Run(call, caller, "MarkRead", request, response, [&](Change& change) -> absl::Status {
    // Another account's message is as absent as a missing one.
    std::optional<v1::Notification> read = minyi::notifications::MarkRead(change.tx(), id, account);
    if (!read.has_value()) {
      return NotFoundError(request.name());
    }
    change.Audit(request.name());
    *response = *std::move(read);
    return absl::OkStatus();
  });
}

absl::Status Inbox::GetPreferences(const Call& call, const v1::GetPreferencesRequest&, v1::Preferences* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.Authenticate(call));
  const std::string account = AccountOf(caller);
  return pool_.Read([&](pqxx::transaction_base& tx) {
    FillPreferences(tx, account, LoadOne(tx, account), response);
    return absl::OkStatus();
  });
}

absl::Status Inbox::UpdatePreferences(const Call& call, const v1::UpdatePreferencesRequest& request,
                                      v1::Preferences* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.Authenticate(call));
  const std::vector<std::string> paths =
      request.update_mask().paths_size() == 0
          ? ImpliedPaths(request.preferences())
          : std::vector<std::string>(request.update_mask().paths().begin(), request.update_mask().paths().end());
  const std::string account = AccountOf(caller);
  return commands_.Run(call, caller, "UpdatePreferences", request, response, [&](Change& change) -> absl::Status {
    AccountPreferences prefs = LoadOne(change.tx(), account);
    RETURN_IF_ERROR(ApplyPatch(request.preferences(), paths, &prefs));
    SavePreferences(change.tx(), account, prefs);
    change.Audit(absl::StrCat(account, "/preferences"), {{"paths", paths}});
    FillPreferences(change.tx(), account, prefs, response);
    return absl::OkStatus();
  });
}

}  // namespace minyi::notifications
