#include "common/command.h"

#include "absl/strings/str_cat.h"
#include "common/audit.h"
#include "common/idempotency.h"
#include "common/outbox.h"
#include "common/pg.h"

namespace minyi {

void Change::Emit(const google::protobuf::Message& event, std::string_view subject) {
  EmitEvent(tx_, event, subject, caller_.account_id());
}

void Change::Audit(std::string resource, nlohmann::json detail) {
  resource_ = std::move(resource);
  detail_ = std::move(detail);
}

absl::Status Commands::Run(const Call& call, const Caller& caller, absl::string_view action,
                           const google::protobuf::Message& request, google::protobuf::Message* response,
                           const std::function<absl::Status(Change&)>& apply) const {
  return RunIdempotent(pool_, call, caller, absl::StrCat(service_, ".", action), request, response,
                       [&](pqxx::work& tx) -> absl::Status {
                         Change change(tx, caller);
                         if (absl::Status st = apply(change); !st.ok()) {
                           return st;
                         }
                         if (!change.resource_.empty()) {
                           AppendAudit(tx, {.actor = caller.account_id(),
                                            .action = std::string(action),
                                            .resource = std::move(change.resource_),
                                            .request_id = call.request_id,
                                            .detail = std::move(change.detail_)});
                         }
                         return absl::OkStatus();
                       });
}

}  // namespace minyi
