#include "suggestions/public_reads.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/calendar.h"
#include "common/clock.h"
#include "common/paging.h"
#include "common/status_macros.h"
#include "suggestions/public_view.h"
#include "suggestions/routing.h"
#include "suggestions/store.h"

namespace minyi::suggestions {

absl::Status PublicReads::ListShowcase(const Call&, const v1::ListPublicShowcaseRequest& request,
                                       v1::ListPublicShowcaseResponse* response) {
  ASSIGN_OR_RETURN(const PageRequest page,
                   ReadPageRequest(request.page_size(), request.page_token(), {"publicShowcase"}));
  const ListQuery q{.after_id = page.after_id, .limit = page.size + 1, .showcased_only = true};
  std::vector<Record> rows;
  RETURN_IF_ERROR(pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    rows = SelectSuggestions(tx, q);
    return absl::OkStatus();
  }));
  response->set_next_page_token(TrimToPage(rows, page.size, page.fingerprint, [](const Record& r) { return r.id; }));
  for (const Record& r : rows) {
    *response->add_items() = PublicShowcaseItemOf(r.suggestion);
  }
  return absl::OkStatus();
}

absl::Status PublicReads::GetStats(const Call&, const v1::GetPublicStatsRequest& request, v1::PublicStats* response) {
  const absl::CivilDay today = ShanghaiDay(DomainNow());
  ASSIGN_OR_RETURN(const int year, PublicStatsYear(request.year(), static_cast<int>(today.year())));
  if (!request.department().empty()) {
    RETURN_IF_ERROR(CheckDepartment("department", request.department()));
  }
  response->set_year(year);
  // The office's statistics by department over the year, the same statement (SelectStats).
  return pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    for (const v1::StatsRow& row :
         SelectStats(tx, "department", absl::StrCat(year, "-01-01"), absl::StrCat(year, "-12-31"), FormatDay(today))) {
      if (request.department().empty() || row.key() == request.department()) {
        *response->add_rows() = PublicStatsRowOf(row);
      }
    }
    return absl::OkStatus();
  });
}

}  // namespace minyi::suggestions
