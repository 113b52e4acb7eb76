#pragma once

#include "absl/status/status.h"
#include "common/auth.h"
#include "common/call.h"
#include "common/command.h"
#include "common/pg.h"
#include "minyi/suggestions/v1/suggestions.pb.h"

namespace minyi::suggestions {

namespace v1 = ::minyi::suggestions::v1;

// What the office configures: the routing rules that propose a lead department, the yearly special funds,
// and the holiday calendar working-day deadlines count on.
class Configuration final {
 public:
  Configuration(PgPool& pool, const Authorizer& authorizer)
      : pool_(pool), authorizer_(authorizer), commands_(pool, "suggestions") {}

  absl::Status GetRoutingRules(const Call& call, const v1::GetRoutingRulesRequest& request, v1::RoutingRules* response);
  absl::Status UpdateRoutingRules(const Call& call, const v1::UpdateRoutingRulesRequest& request,
                                  v1::RoutingRules* response);
  absl::Status CreateFund(const Call& call, const v1::CreateFundRequest& request, v1::Fund* response);
  absl::Status GetFund(const Call& call, const v1::GetFundRequest& request, v1::Fund* response);
  absl::Status GetHolidayCalendar(const Call& call, const v1::GetHolidayCalendarRequest& request,
                                  v1::HolidayCalendar* response);
  absl::Status UpdateHolidayCalendar(const Call& call, const v1::UpdateHolidayCalendarRequest& request,
                                     v1::HolidayCalendar* response);

 private:
  PgPool& pool_;
  const Authorizer& authorizer_;
  const Commands commands_;
};

}  // namespace minyi::suggestions
