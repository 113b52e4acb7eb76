#include "suggestions/configuration.h"

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/calendar.h"
#include "common/names.h"
#include "common/settings_revision.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "common/text.h"
#include "suggestions/routing.h"
#include "suggestions/store.h"

namespace minyi::suggestions {
namespace {

using ::minyi::common::v1::ROLE_ADMIN;
using ::minyi::common::v1::ROLE_LEADER;
using ::minyi::common::v1::ROLE_STAFF;
using namespace ::minyi::suggestions::v1;  // NOLINT: the handler speaks this package throughout

}  // namespace

absl::Status Configuration::GetRoutingRules(const Call& call, const GetRoutingRulesRequest&, RoutingRules* response) {
  RETURN_IF_ERROR(authorizer_.Require(call, {ROLE_ADMIN, ROLE_STAFF, ROLE_LEADER}).status());
  return pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    *response = LoadRoutingRules(tx);
    return absl::OkStatus();
  });
}

absl::Status Configuration::UpdateRoutingRules(const Call& call, const UpdateRoutingRulesRequest& request,
                                               RoutingRules* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.RequireOffice(call));
  RETURN_IF_ERROR(ValidateRoutingRules(request.routing_rules()));
  return commands_.Run(call, caller, "UpdateRoutingRules", request, response, [&](Change& change) -> absl::Status {
    RETURN_IF_ERROR(AdvanceSettingsRevision(change.tx(), kRoutingRulesName, "routing_rules.etag",
                                            request.routing_rules().etag(), caller.account_id()));
    ReplaceRoutingRules(change.tx(), request.routing_rules());
    change.Audit(kRoutingRulesName, {{"rules", request.routing_rules().rules_size()}});
    *response = LoadRoutingRules(change.tx());
    return absl::OkStatus();
  });
}

absl::Status Configuration::CreateFund(const Call& call, const CreateFundRequest& request, Fund* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.RequireOffice(call));
  const Fund& f = request.fund();
  if (f.year() < 2000 || f.year() > 2100) {
    return InvalidField("fund.year", "must be 2000-2100");
  }
  if (f.total_fen() < 0) {
    return InvalidField("fund.total_fen", "must not be negative");
  }
  return commands_.Run(call, caller, "CreateFund", request, response, [&](Change& change) -> absl::Status {
    if (!InsertFund(change.tx(), f.year(), f.total_fen(), caller.account_id())) {
      return AlreadyExists("FUND_EXISTS", absl::StrCat(kFunds, f.year(), " already exists"));
    }
    change.Audit(ResourceName(kFunds, f.year()), {{"total_fen", f.total_fen()}});
    *response = *LoadFund(change.tx(), f.year());
    return absl::OkStatus();
  });
}

absl::Status Configuration::GetFund(const Call& call, const GetFundRequest& request, Fund* response) {
  RETURN_IF_ERROR(authorizer_.Require(call, {ROLE_ADMIN, ROLE_STAFF, ROLE_LEADER}).status());
  ASSIGN_OR_RETURN(const int64_t year, ParseResourceId(request.name(), kFunds, "name"));
  return pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    std::optional<Fund> fund = LoadFund(tx, static_cast<int>(year));
    if (!fund) {
      return NotFoundError(request.name());
    }
    *response = *fund;
    return absl::OkStatus();
  });
}

absl::Status Configuration::GetHolidayCalendar(const Call& call, const GetHolidayCalendarRequest& request,
                                               HolidayCalendar* response) {
  RETURN_IF_ERROR(authorizer_.Authenticate(call).status());
  ASSIGN_OR_RETURN(const int64_t year, ParseResourceId(request.name(), kHolidayCalendars, "name"));
  return pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    *response = LoadCalendarYear(tx, static_cast<int>(year));
    return absl::OkStatus();
  });
}

absl::Status Configuration::UpdateHolidayCalendar(const Call& call, const UpdateHolidayCalendarRequest& request,
                                                  HolidayCalendar* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.RequireOffice(call));
  ASSIGN_OR_RETURN(const int64_t year, ParseResourceId(request.calendar().name(), kHolidayCalendars, "calendar.name"));
  std::vector<CalendarDay> days(request.calendar().days().begin(), request.calendar().days().end());
  std::set<std::string> seen;
  for (std::size_t i = 0; i < days.size(); ++i) {
    absl::CivilDay day;
    const std::string field = absl::StrCat("calendar.days[", i, "]");
    if (!ParseDay(days[i].date(), &day) || day.year() != year) {
      return InvalidField(absl::StrCat(field, ".date"), absl::StrCat("must be a date of ", year, " as YYYY-MM-DD"));
    }
    if (!seen.insert(days[i].date()).second) {
      return InvalidField(absl::StrCat(field, ".date"), "is listed twice");
    }
    RETURN_IF_ERROR(CheckText(absl::StrCat(field, ".note"), days[i].note(), 0, 50));
  }
  return commands_.Run(call, caller, "UpdateHolidayCalendar", request, response, [&](Change& change) -> absl::Status {
    const std::string name = ResourceName(kHolidayCalendars, year);
    RETURN_IF_ERROR(
        AdvanceSettingsRevision(change.tx(), name, "calendar.etag", request.calendar().etag(), caller.account_id()));
    ReplaceCalendarYear(change.tx(), static_cast<int>(year), days);
    change.Audit(name, {{"days", days.size()}});
    *response = LoadCalendarYear(change.tx(), static_cast<int>(year));
    return absl::OkStatus();
  });
}

}  // namespace minyi::suggestions
