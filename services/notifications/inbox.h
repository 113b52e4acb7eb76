#pragma once

#include "absl/status/status.h"
#include "common/auth.h"
#include "common/call.h"
#include "common/command.h"
#include "common/pg.h"
#include "minyi/notifications/v1/notifications.pb.h"

namespace minyi::notifications {

namespace v1 = ::minyi::notifications::v1;

// The calling account's own inbox and delivery preferences: never anyone else's.
class Inbox final {
 public:
  Inbox(PgPool& pool, const Authorizer& authorizer)
      : pool_(pool), authorizer_(authorizer), commands_(pool, "notifications") {}

  absl::Status List(const Call& call, const v1::ListInboxRequest& request, v1::ListInboxResponse* response);
  absl::Status MarkRead(const Call& call, const v1::MarkReadRequest& request, v1::Notification* response);
  absl::Status GetPreferences(const Call& call, const v1::GetPreferencesRequest& request, v1::Preferences* response);
  absl::Status UpdatePreferences(const Call& call, const v1::UpdatePreferencesRequest& request,
                                 v1::Preferences* response);

 private:
  PgPool& pool_;
  const Authorizer& authorizer_;
  const Commands commands_;
};

}  // namespace minyi::notifications
