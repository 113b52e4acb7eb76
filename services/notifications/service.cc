#include "notifications/service.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/audit.h"
#include "common/idempotency.h"
#include "common/log.h"
#include "common/names.h"
#include "common/paging.h"
#include "common/status.h"
#include "common/rpc.h"
#include "common/target.h"
#include "google/protobuf/util/time_util.h"
#include "grpcpp/server_context.h"
#include "notifications/preferences.h"
#include "notifications/store.h"

namespace minyi::notifications {
namespace {

using ::minyi::notifications::v1::Delivery;
using ::minyi::notifications::v1::ListDeliveriesRequest;
using ::minyi::notifications::v1::ListDeliveriesResponse;
using ::minyi::notifications::v1::ListInboxRequest;
using ::minyi::notifications::v1::ListInboxResponse;
using ::minyi::notifications::v1::MarkReadRequest;
using ::minyi::notifications::v1::Notification;
using ::minyi::notifications::v1::Preferences;
using ::minyi::notifications::v1::UpdatePreferencesRequest;

constexpr absl::string_view kInbox = "inbox/";
constexpr absl::string_view kDeliveries = "deliveries/";

// The caller's own account: the inbox and preferences are never anyone else's.
std::string AccountOf(const Caller& caller) { return absl::StrCat("accounts/", caller.account_id()); }

AccountPreferences LoadOne(pqxx::transaction_base& tx, const std::string& account) {
  absl::flat_hash_map<std::string, AccountPreferences> stored = LoadPreferences(tx, {account});
  auto it = stored.find(account);
  return it == stored.end() ? DefaultPreferences() : std::move(it->second);
}

void FillPreferences(pqxx::transaction_base& tx, const std::string& account, const AccountPreferences& prefs,
                     Preferences* out) {
  out->Clear();
  ToProto(prefs, out);
  out->set_name(absl::StrCat(account, "/preferences"));
  if (std::optional<absl::Time> t = PreferencesUpdateTime(tx, account); t.has_value()) {
    *out->mutable_update_time() = google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(*t));
  }
}

}  // namespace

grpc::ServerUnaryReactor* NotificationsService::ListInbox(grpc::CallbackServerContext* ctx, const ListInboxRequest* request,
                                             ListInboxResponse* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoListInbox(call, *request, response); });
}

grpc::ServerUnaryReactor* NotificationsService::MarkRead(grpc::CallbackServerContext* ctx, const MarkReadRequest* request,
                                            Notification* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoMarkRead(call, *request, response); });
}

grpc::ServerUnaryReactor* NotificationsService::GetPreferences(grpc::CallbackServerContext* ctx,
                                                  const minyi::notifications::v1::GetPreferencesRequest*,
                                                  Preferences* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoGetPreferences(call, response); });
}

grpc::ServerUnaryReactor* NotificationsService::UpdatePreferences(grpc::CallbackServerContext* ctx, const UpdatePreferencesRequest* request,
                                                     Preferences* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoUpdatePreferences(call, *request, response); });
}

grpc::ServerUnaryReactor* NotificationsService::ListDeliveries(grpc::CallbackServerContext* ctx, const ListDeliveriesRequest* request,
                                                  ListDeliveriesResponse* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoListDeliveries(call, *request, response); });
}

grpc::ServerUnaryReactor* NotificationsService::ReplayDelivery(grpc::CallbackServerContext* ctx,
                                                  const minyi::notifications::v1::ReplayDeliveryRequest* request,
                                                  Delivery* response) {
  return Serve(ctx, [=, this](const Call& call) { return DoReplayDelivery(call, *request, response); });
}

absl::Status NotificationsService::DoListInbox(const Call& call, const ListInboxRequest& request,
                                               ListInboxResponse* response) {
  absl::StatusOr<Caller> caller = authorizer_.Authenticate(call);
  if (!caller.ok()) {
    return caller.status();
  }
  const std::string account = AccountOf(*caller);
  // The account is part of the fingerprint: a token is no use to another account.
  absl::StatusOr<PageRequest> page = ReadPageRequest(request.page_size(), request.page_token(),
                                                     {"inbox", account, request.unread_only() ? "unread" : "all"});
  if (!page.ok()) {
    return page.status();
  }
  std::vector<std::pair<int64_t, Notification>> rows;
  int unread = 0;
  absl::Status st = pool_.Read([&](pqxx::transaction_base& tx) {
    rows = minyi::notifications::ListInbox(tx, account, page->after_id, request.unread_only(), page->size + 1);
    unread = UnreadCount(tx, account);
    return absl::OkStatus();
  });
  if (!st.ok()) {
    return st;
  }
  response->set_next_page_token(TrimToPage(rows, page->size, page->fingerprint, [](const auto& r) { return r.first; }));
  for (auto& [id, n] : rows) {
    *response->add_notifications() = std::move(n);
  }
  response->set_unread_count(unread);
  return absl::OkStatus();
}

absl::Status NotificationsService::DoMarkRead(const Call& call, const MarkReadRequest& request,
                                              Notification* response) {
  absl::StatusOr<Target> target =
      ResolveTarget(authorizer_.Authenticate(call), ParseResourceId(request.name(), kInbox, "name"));
  if (!target.ok()) {
    return target.status();
  }
  const auto& [caller, id] = *target;
  const std::string account = AccountOf(caller);
  return RunIdempotent(pool_, call, caller, "notifications.MarkRead", request, response,
                       [&](pqxx::work& tx) -> absl::Status {
                         // Another account's message is as absent as a missing one.
                         std::optional<Notification> read = minyi::notifications::MarkRead(tx, id, account);
                         if (!read.has_value()) {
                           return NotFoundError(request.name());
                         }
                         AppendAudit(tx, {.actor = caller.account_id(),
                                          .action = "MarkRead",
                                          .resource = request.name(),
                                          .request_id = call.request_id});
                         *response = *std::move(read);
                         return absl::OkStatus();
                       });
}

absl::Status NotificationsService::DoGetPreferences(const Call& call, Preferences* response) {
  absl::StatusOr<Caller> caller = authorizer_.Authenticate(call);
  if (!caller.ok()) {
    return caller.status();
  }
  const std::string account = AccountOf(*caller);
  return pool_.Read([&](pqxx::transaction_base& tx) {
    FillPreferences(tx, account, LoadOne(tx, account), response);
    return absl::OkStatus();
  });
}

absl::Status NotificationsService::DoUpdatePreferences(const Call& call,
                                                       const UpdatePreferencesRequest& request, Preferences* response) {
  absl::StatusOr<Caller> caller = authorizer_.Authenticate(call);
  if (!caller.ok()) {
    return caller.status();
  }
  const std::vector<std::string> paths =
      request.update_mask().paths_size() == 0
          ? ImpliedPaths(request.preferences())
          : std::vector<std::string>(request.update_mask().paths().begin(), request.update_mask().paths().end());
  const std::string account = AccountOf(*caller);
  return RunIdempotent(pool_, call, *caller, "notifications.UpdatePreferences", request, response,
                       [&](pqxx::work& tx) -> absl::Status {
                         AccountPreferences prefs = LoadOne(tx, account);
                         if (absl::Status st = ApplyPatch(request.preferences(), paths, &prefs); !st.ok()) {
                           return st;
                         }
                         SavePreferences(tx, account, prefs);
                         AppendAudit(tx, {.actor = caller->account_id(),
                                          .action = "UpdatePreferences",
                                          .resource = absl::StrCat(account, "/preferences"),
                                          .request_id = call.request_id,
                                          .detail = {{"paths", paths}}});
                         FillPreferences(tx, account, prefs, response);
                         return absl::OkStatus();
                       });
}

absl::Status NotificationsService::DoListDeliveries(const Call& call,
                                                    const ListDeliveriesRequest& request,
                                                    ListDeliveriesResponse* response) {
  absl::StatusOr<Caller> caller =
      authorizer_.Require(call, {minyi::common::v1::ROLE_ADMIN, minyi::common::v1::ROLE_STAFF});
  if (!caller.ok()) {
    return caller.status();
  }
  if (!minyi::notifications::v1::DeliveryState_IsValid(request.state())) {
    return InvalidField("state", "is not a known delivery state");
  }
  if (!minyi::notifications::v1::Channel_IsValid(request.channel()) ||
      request.channel() == minyi::notifications::v1::CHANNEL_INBOX) {
    return InvalidField("channel", "must be CHANNEL_SMS or CHANNEL_WEBHOOK");
  }
  const std::string state = request.state() == minyi::notifications::v1::DELIVERY_STATE_UNSPECIFIED
                                ? ""
                                : minyi::notifications::v1::DeliveryState_Name(request.state());
  const std::string channel = request.channel() == minyi::notifications::v1::CHANNEL_UNSPECIFIED
                                  ? ""
                                  : minyi::notifications::v1::Channel_Name(request.channel());
  absl::StatusOr<PageRequest> page =
      ReadPageRequest(request.page_size(), request.page_token(), {"deliveries", state, channel});
  if (!page.ok()) {
    return page.status();
  }
  std::vector<std::pair<int64_t, Delivery>> rows;
  absl::Status st = pool_.Read([&](pqxx::transaction_base& tx) {
    rows = minyi::notifications::ListDeliveries(tx, state, channel, page->after_id, page->size + 1);
    return absl::OkStatus();
  });
  if (!st.ok()) {
    return st;
  }
  response->set_next_page_token(TrimToPage(rows, page->size, page->fingerprint, [](const auto& r) { return r.first; }));
  for (auto& [id, d] : rows) {
    *response->add_deliveries() = std::move(d);
  }
  return absl::OkStatus();
}

absl::Status NotificationsService::DoReplayDelivery(const Call& call,
                                                    const minyi::notifications::v1::ReplayDeliveryRequest& request,
                                                    Delivery* response) {
  absl::StatusOr<Target> target =
      ResolveTarget(authorizer_.Require(call, {minyi::common::v1::ROLE_ADMIN, minyi::common::v1::ROLE_STAFF}),
                    ParseResourceId(request.name(), kDeliveries, "name"));
  if (!target.ok()) {
    return target.status();
  }
  const auto& [caller, id] = *target;
  absl::Status st = RunIdempotent(
      pool_, call, caller, "notifications.ReplayDelivery", request, response, [&](pqxx::work& tx) -> absl::Status {
        std::optional<Delivery> revived = ReviveDelivery(tx, id);
        if (!revived.has_value()) {
          std::optional<Delivery> existing = LoadDelivery(tx, id);
          if (!existing.has_value()) {
            return NotFoundError(request.name());
          }
          return FailedPrecondition("DELIVERY_NOT_DEAD",
                                    absl::StrCat("only a dead delivery can be replayed; this one is ",
                                                 minyi::notifications::v1::DeliveryState_Name(existing->state())));
        }
        AppendAudit(tx, {.actor = caller.account_id(),
                         .action = "ReplayDelivery",
                         .resource = request.name(),
                         .request_id = call.request_id});
        *response = *std::move(revived);
        return absl::OkStatus();
      });
  if (st.ok()) {
    metrics_.Count(response->channel(), "replayed");
  }
  return st;
}

}  // namespace minyi::notifications
