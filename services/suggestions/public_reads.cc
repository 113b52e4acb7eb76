#include "suggestions/public_reads.h"

#include <optional>
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
  return pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    std::vector<Record> rows = SelectSuggestions(tx, q);
    response->set_next_page_token(TrimToPage(rows, page.size, page.fingerprint, [](const Record& r) { return r.id; }));
    for (const Record& r : rows) {
      // A list row has no answer or rating, which the showcase is about: each item is read whole.
      if (std::optional<Record> item = LoadSuggestion(tx, r.id, /*for_update=*/false, /*details=*/true)) {
        *response->add_items() = PublicShowcaseItemOf(item->suggestion);
      }
    }
    return absl::OkStatus();
  });
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
