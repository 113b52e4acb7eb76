#include "notifications/deliveries.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/enums.h"
#include "common/names.h"
#include "common/paging.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "notifications/store.h"

namespace minyi::notifications {
namespace {

constexpr absl::string_view kDeliveries = "deliveries/";

}  // namespace

absl::Status Deliveries::List(const Call& call, const v1::ListDeliveriesRequest& request,
                              v1::ListDeliveriesResponse* response) {
  RETURN_IF_ERROR(authorizer_.RequireOffice(call).status());
  ASSIGN_OR_RETURN(const std::string state,
                   EnumFilter<v1::DeliveryState>("state", request.state(), "is not a known delivery state"));
  if (!v1::Channel_IsValid(request.channel()) || request.channel() == v1::CHANNEL_INBOX) {
    return InvalidField("channel", "must be CHANNEL_SMS or CHANNEL_WEBHOOK");
  }
  const std::string channel = request.channel() == v1::CHANNEL_UNSPECIFIED ? "" : v1::Channel_Name(request.channel());
  ASSIGN_OR_RETURN(const PageRequest page,
                   ReadPageRequest(request.page_size(), request.page_token(), {"deliveries", state, channel}));
  std::vector<std::pair<int64_t, v1::Delivery>> rows;
  RETURN_IF_ERROR(pool_.Read([&](pqxx::transaction_base& tx) {
    rows = ListDeliveries(tx, state, channel, page.after_id, page.size + 1);
    return absl::OkStatus();
  }));
  response->set_next_page_token(TrimToPage(rows, page.size, page.fingerprint, [](const auto& r) { return r.first; }));
  for (auto& [id, d] : rows) {
    *response->add_deliveries() = std::move(d);
  }
  return absl::OkStatus();
}

absl::Status Deliveries::Replay(const Call& call, const v1::ReplayDeliveryRequest& request, v1::Delivery* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.RequireOffice(call));
  ASSIGN_OR_RETURN(const int64_t id, ParseResourceId(request.name(), kDeliveries, "name"));
  RETURN_IF_ERROR(commands_.Run(call, caller, "ReplayDelivery", request, response, [&](Change& change) -> absl::Status {
    std::optional<v1::Delivery> revived = ReviveDelivery(change.tx(), id);
    if (!revived.has_value()) {
      std::optional<v1::Delivery> existing = LoadDelivery(change.tx(), id);
      if (!existing.has_value()) {
        return NotFoundError(request.name());
      }
      return FailedPrecondition("DELIVERY_NOT_DEAD", absl::StrCat("only a dead delivery can be replayed; this one is ",
                                                                  v1::DeliveryState_Name(existing->state())));
    }
    change.Audit(request.name());
    *response = *std::move(revived);
    return absl::OkStatus();
  }));
  metrics_.Count(response->channel(), "replayed");
  return absl::OkStatus();
}

}  // namespace minyi::notifications
