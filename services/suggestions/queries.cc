#include "suggestions/queries.h"

#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/calendar.h"
#include "common/clock.h"
#include "common/enums.h"
#include "common/names.h"
#include "common/paging.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "common/text.h"
#include "suggestions/routing.h"
#include "suggestions/search.h"
#include "suggestions/visibility.h"

namespace minyi::suggestions {
namespace {

using ::minyi::common::v1::ROLE_ADMIN;
using ::minyi::common::v1::ROLE_CITIZEN;
using ::minyi::common::v1::ROLE_DEPARTMENT;
using ::minyi::common::v1::ROLE_DEPUTY;
using ::minyi::common::v1::ROLE_LEADER;
using ::minyi::common::v1::ROLE_STAFF;
using namespace ::minyi::suggestions::v1;  // NOLINT: the handler speaks this package throughout

// A search is a few words, not a text.
constexpr std::size_t kMaxQueryChars = 50;

int64_t PageKey(const Record& r) { return r.id; }
int64_t PageKey(const SearchHit& h) { return h.RankKey(); }
Suggestion& ItemOf(Record& r) { return r.suggestion; }
Suggestion& ItemOf(SearchHit& h) { return h.record.suggestion; }

// One page of suggestions: the rows `select` reads (one past the page), each shown as `view` makes it.
// A search reads in one transaction (BEGIN/COMMIT), where its planner settings hold across its statements
// (SearchSuggestions); a list is one statement, read without.
template <typename Select, typename ViewOf>
absl::Status ReadPage(PgPool& pool, bool one_transaction, Select select, int page_size, absl::string_view fingerprint,
                      ViewOf view, ListSuggestionsResponse* response) {
  std::invoke_result_t<Select, pqxx::transaction_base&> rows;
  auto read = [&](pqxx::transaction_base& tx) -> absl::Status {
    rows = select(tx);
    return absl::OkStatus();
  };
  RETURN_IF_ERROR(one_transaction ? pool.Transact([&](pqxx::work& tx) { return read(tx); }) : pool.Read(read));
  response->set_next_page_token(TrimToPage(rows, page_size, fingerprint, [](const auto& row) { return PageKey(row); }));
  for (auto& row : rows) {
    *response->add_suggestions() = view(std::move(ItemOf(row)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status Queries::Get(const Call& call, const GetSuggestionRequest& request, Suggestion* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.Authenticate(call));
  ASSIGN_OR_RETURN(const int64_t id, ParseName(request.name()));
  Reader reader{caller};
  return pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    ASSIGN_OR_RETURN(Record rec, access_.LoadVisible(tx, reader, id));
    *response = View(caller, std::move(rec.suggestion), false);
    if (IsOffice(caller) && response->lead_department().empty()) {
      *response->mutable_routing() = ProposeDepartment(LoadRoutingRules(tx), DedupText(*response));
    }
    return absl::OkStatus();
  });
}

absl::Status Queries::List(const Call& call, const ListSuggestionsRequest& request, ListSuggestionsResponse* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.Authenticate(call));
  ListQuery q{.key_supervision_only = request.key_supervision()};
  std::vector<std::string> terms;
  if (!request.q().empty()) {
    RETURN_IF_ERROR(CheckText("q", request.q(), 1, kMaxQueryChars));
    terms = SearchTerms(request.q());
    if (terms.empty()) {
      return InvalidField("q", "must hold a word: Chinese characters, letters or digits");
    }
  }
  ASSIGN_OR_RETURN(q.state, EnumFilter<SuggestionState>("state", request.state(), "is not a known state"));
  ASSIGN_OR_RETURN(q.kind, EnumFilter<SuggestionKind>("kind", request.kind(), "is not a known kind"));
  // Each role lists only what it may read; the filter comes from the token, not the request.
  if (IsOffice(caller) || IsLeader(caller)) {
    if (!request.department().empty()) {
      RETURN_IF_ERROR(CheckDepartment("department", request.department()));
    }
    q.department = request.department();
  } else if (caller.role() == ROLE_DEPUTY) {
    absl::StatusOr<int64_t> deputy = ParseResourceId(caller.deputy(), kDeputies, "caller.deputy");
    if (!deputy.ok()) {
      return Deny("查看建议列表：账号未关联代表");
    }
    q.deputy_id = *deputy;
    Reader reader{caller};
    RETURN_IF_ERROR(access_.LookUpStations(reader));
    for (const std::string& station : *reader.stations) {
      q.stations.push_back(*ParseResourceId(station, kStations, "station"));
    }
  } else if (caller.role() == ROLE_DEPARTMENT && !caller.department().empty()) {
    q.department = caller.department();
  } else if (caller.role() == ROLE_CITIZEN) {
    q.citizen_account = CitizenAccount(caller);
  } else {
    return Deny("查看建议列表");
  }
  ASSIGN_OR_RETURN(const PageRequest page,
                   ReadPageRequest(request.page_size(), request.page_token(),
                                   {"suggestions", q.state, q.kind, q.department, absl::StrCat(q.deputy_id),
                                    q.citizen_account, q.key_supervision_only ? "1" : "0", TsQueryLiteral(terms)}));
  q.after_id = page.after_id;
  q.limit = page.size + 1;
  auto view = [&](Suggestion s) { return View(caller, std::move(s), true); };
  if (!terms.empty()) {
    return ReadPage(
        pool_, true, [&](pqxx::transaction_base& tx) { return SearchSuggestions(tx, q, terms); }, page.size,
        page.fingerprint, view, response);
  }
  return ReadPage(
      pool_, false, [&](pqxx::transaction_base& tx) { return SelectSuggestions(tx, q); }, page.size, page.fingerprint,
      view, response);
}

absl::Status Queries::GetTimeline(const Call& call, const GetTimelineRequest& request, Timeline* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.Authenticate(call));
  ASSIGN_OR_RETURN(const int64_t id, ParseName(request.name()));
  Reader reader{caller};
  return pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    ASSIGN_OR_RETURN(const Record rec, access_.LoadVisible(tx, reader, id));
    response->set_name(absl::StrCat(rec.suggestion.name(), "/timeline"));
    for (TimelineEntry& e : SelectTimeline(tx, id)) {
      if (caller.role() == ROLE_CITIZEN) {
        e.clear_actor();  // citizens see which office acted, not whose account
      }
      *response->add_entries() = std::move(e);
    }
    return absl::OkStatus();
  });
}

absl::Status Queries::FindSimilar(const Call& call, const FindSimilarRequest& request, FindSimilarResponse* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.Authenticate(call));
  if (!IsOffice(caller) && !IsLeader(caller) && caller.role() != ROLE_DEPARTMENT) {
    return Deny("查看相似建议：只有人大工作人员、常委会领导和承办单位可以");
  }
  ASSIGN_OR_RETURN(const int64_t id, ParseName(request.name()));
  if (request.limit() < 0 || request.limit() > 50) {
    return InvalidField("limit", "must be 0-50");
  }
  if (request.min_score() < 0 || request.min_score() > 1) {
    return InvalidField("min_score", "must be between 0 and 1");
  }
  const int limit = request.limit() == 0 ? 10 : request.limit();
  const double min_score = request.min_score() == 0 ? kDefaultMinScore : request.min_score();
  Reader reader{caller};
  return pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    ASSIGN_OR_RETURN(const Record rec, access_.LoadVisible(tx, reader, id));
    const TitledText text = TextOf(rec.suggestion);
    ASSIGN_OR_RETURN(std::vector<SimilarItem> similar,
                     access_.Similar(tx, reader, text, access_.hasher().BandKeysOf(text), id, min_score, limit));
    for (SimilarItem& item : similar) {
      *response->add_items() = std::move(item);
    }
    return absl::OkStatus();
  });
}

absl::Status Queries::GetStats(const Call& call, const GetSuggestionStatsRequest& request, SuggestionStats* response) {
  RETURN_IF_ERROR(authorizer_.Require(call, {ROLE_ADMIN, ROLE_STAFF, ROLE_LEADER}).status());
  const std::string group_by = request.group_by().empty() ? "department" : request.group_by();
  if (group_by != "department" && group_by != "delegation" && group_by != "deputy" && group_by != "period") {
    return InvalidField("group_by", "must be department, delegation, deputy or period");
  }
  absl::CivilDay day;
  if (!request.start_date().empty() && !ParseDay(request.start_date(), &day)) {
    return InvalidField("start_date", "must be a date as YYYY-MM-DD");
  }
  if (!request.end_date().empty() && !ParseDay(request.end_date(), &day)) {
    return InvalidField("end_date", "must be a date as YYYY-MM-DD");
  }
  const std::string start = request.start_date().empty() ? "1900-01-01" : request.start_date();
  const std::string end = request.end_date().empty() ? "2999-12-31" : request.end_date();
  if (end < start) {
    return InvalidField("end_date", "must not be before start_date");
  }
  response->set_group_by(group_by);
  return pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    for (StatsRow& row : SelectStats(tx, group_by, start, end, ShanghaiDate(DomainNow()))) {
      *response->add_rows() = std::move(row);
    }
    return absl::OkStatus();
  });
}

absl::Status Queries::ListShowcase(const Call& call, const ListShowcaseRequest& request,
                                   ListSuggestionsResponse* response) {
  RETURN_IF_ERROR(authorizer_.Authenticate(call).status());
  ASSIGN_OR_RETURN(const PageRequest page, ReadPageRequest(request.page_size(), request.page_token(), {"showcase"}));
  const ListQuery q{.after_id = page.after_id, .limit = page.size + 1, .showcased_only = true};
  return ReadPage(
      pool_, false, [&](pqxx::transaction_base& tx) { return SelectSuggestions(tx, q); }, page.size, page.fingerprint,
      [](const Suggestion& s) { return PublicView(s); }, response);
}

absl::Status Queries::ListCommitments(const Call& call, const ListCommitmentsRequest& request,
                                      ListCommitmentsResponse* response) {
  ASSIGN_OR_RETURN(const Caller caller,
                   authorizer_.Require(call, {ROLE_ADMIN, ROLE_STAFF, ROLE_LEADER, ROLE_DEPARTMENT}));
  absl::CivilDay day;
  if (!request.due_before().empty() && !ParseDay(request.due_before(), &day)) {
    return InvalidField("due_before", "must be a date as YYYY-MM-DD");
  }
  CommitmentQuery q{
      .department = request.department(), .open_only = request.open_only(), .due_before = request.due_before()};
  if (caller.role() == ROLE_DEPARTMENT) {
    q.department = caller.department();  // a department sees its own ledger only
  }
  ASSIGN_OR_RETURN(const PageRequest page,
                   ReadPageRequest(request.page_size(), request.page_token(),
                                   {"commitments", q.department, q.open_only ? "1" : "0", q.due_before}));
  q.after_id = page.after_id;
  q.limit = page.size + 1;
  std::vector<Commitment> rows;
  RETURN_IF_ERROR(pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    rows = SelectCommitments(tx, q);
    return absl::OkStatus();
  }));
  response->set_next_page_token(MovePage(
      rows, page, [](const Commitment& c) { return *ParseResourceId(c.name(), kCommitments, "name"); },
      response->mutable_commitments()));
  return absl::OkStatus();
}

}  // namespace minyi::suggestions
