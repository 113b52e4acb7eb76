// Lists and searches of suggestions: one filter and visibility predicate, read newest first by words
// (docs/suggestions.md, "Search") or in id order.

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/query.h"
#include "nlohmann/json.hpp"
#include "suggestions/search.h"
#include "suggestions/store.h"
#include "suggestions/store_rows.h"

namespace minyi::suggestions {
namespace {

// Items `s` assigned to the department in parameter `param` (lead or co-unit), or all when it is '': one
// array test, which the units GIN index answers and which costs less than reading an item's search words.
std::string UnitsFilter(absl::string_view param) {
  return absl::StrCat("(", param, " = '' OR s.units @> ARRAY[", param, "])");
}

// A ListQuery's filters and its reader's visibility, over items `s`: what the list and the search share.
// Parameters $2-$8 and $10 as SelectSuggestions and SearchSuggestions pass them. The search writes its word
// test after it: PostgreSQL keeps the written order of conditions of equal cost, and the filters read only
// the row, not its search words.
const std::string kListFilter =
    absl::StrCat("($2 = '' OR s.state = $2) AND ($3 = '' OR s.kind = $3) AND ", UnitsFilter("$4"),
                 " AND ($5 = 0 OR EXISTS (SELECT 1 FROM suggestion_deputies d WHERE d.suggestion_id = s.id "
                 "AND d.deputy_id = $5) OR s.entered_by = 'deputies/' || $5::text "
                 "OR EXISTS (SELECT 1 FROM co_signers c WHERE c.suggestion_id = s.id AND c.deputy_id = $5) "
                 "OR (s.kind = 'SUGGESTION_KIND_CITIZEN_OPINION' AND s.state <> 'SUGGESTION_STATE_DRAFT' "
                 "AND s.station_id = ANY($10::bigint[]))) AND ($6 = '' OR s.citizen_account = $6) "
                 "AND (NOT $7 OR s.key_supervision) AND (NOT $8 OR s.showcased)");

// Runs `query` with a ListQuery's parameters in kListFilter's places, $1 and $9 its cursor and limit, and
// `extra` after them.
template <typename... Extra>
pqxx::result ExecList(pqxx::transaction_base& tx, const Query& query, const ListQuery& q, const Extra&... extra) {
  return tx.exec_prepared(query, q.after_id, q.state, q.kind, q.department, q.deputy_id, q.citizen_account,
                          q.key_supervision_only, q.showcased_only, q.limit, IdArray(q.stations), extra...);
}

}  // namespace

const Query kList{"suggestions_list",
                  absl::StrCat("SELECT ", kColumns, " WHERE s.id > $1 AND ", kListFilter, " ORDER BY s.id LIMIT $9")};

std::vector<Record> SelectSuggestions(pqxx::transaction_base& tx, const ListQuery& q) {
  std::vector<Record> out;
  for (const pqxx::row& row : ExecList(tx, kList, q)) {
    out.push_back(FromRow(row));
  }
  return out;
}

// A search's plan depends on how many items hold its words (docs/suggestions.md, "Search"): few, and
// reading them all from the GIN index then sorting is cheapest; many, and walking the items newest first
// meets a page soon. PostgreSQL guesses for words rarer than its statistics track (and then walks every
// item), so the service decides for each rank, from the statistics or a capped count over the GIN indexes
// (SearchSuggestions), and sets the plan for its transaction: it walks (the primary key, newest first)
// when the expected walk to fill a page reads at most kWalkRows items; sequential scans are never wanted.
constexpr double kWalkRows = 4000;
const Query kPlanner{"suggestions_search_planner",
                     "SELECT set_config('plan_cache_mode', 'force_custom_plan', true), "
                     "set_config('enable_seqscan', 'off', true), set_config('enable_indexscan', $1, true), "
                     "set_config('enable_bitmapscan', $2, true)"};
void PlanFrom(pqxx::transaction_base& tx, bool index_only) {
  tx.exec_prepared(kPlanner, index_only ? "off" : "on", index_only ? "on" : "off");
}
// The table's estimated size, then the share of items holding each of the elements $1 (JSON) that the
// statistics of the search columns and of the units track among their commonest.
const Query kSearchStatistics{
    "suggestions_search_statistics",
    "SELECT '', '', c.reltuples::float8 FROM pg_class c WHERE c.oid = 'suggestions'::regclass UNION ALL "
    "SELECT st.attname::text, e.elem, e.freq::float8 FROM pg_stats st CROSS JOIN LATERAL "
    "unnest(st.most_common_elems::text::text[], st.most_common_elem_freqs) AS e(elem, freq) "
    "WHERE st.schemaname = current_schema() AND st.tablename = 'suggestions' "
    "AND st.attname IN ('search_title', 'search_text', 'units') "
    "AND e.elem IN (SELECT jsonb_array_elements_text($1::jsonb))"};
// How many items hold the words $1 (a tsquery) in `column`, of the department $2 or all, up to $3.
std::string CountMatches(absl::string_view column) {
  return absl::StrCat("SELECT count(*) FROM (SELECT FROM suggestions s WHERE s.", column, " @@ $1::tsquery AND ",
                      UnitsFilter("$2"), " LIMIT $3) t");
}
const Query kCountTitles{"suggestions_search_count_titles", CountMatches("search_title")};
const Query kCountTexts{"suggestions_search_count_texts", CountMatches("search_text")};

// One rank, newest first; $1 is the cursor: 0, or the last rank key served (SearchHit::RankKey). The ids
// are found first, so the columns' subqueries run for a page only.
std::string SearchRank(absl::string_view words, absl::string_view cursor) {
  return absl::StrCat("SELECT ", kColumns, " JOIN (SELECT s.id FROM suggestions s WHERE ($1::bigint = 0 OR s.id < ",
                      cursor, ") AND ", kListFilter, " AND ", words,
                      " ORDER BY s.id DESC LIMIT $9) m ON m.id = s.id ORDER BY s.id DESC");
}
const Query kSearchTitles{"suggestions_search_titles",
                          SearchRank("s.search_title @@ $11::tsquery", absl::StrCat("$1::bigint - ", kTitleRank))};
const Query kSearchBodies{"suggestions_search_bodies",
                          SearchRank("s.search_text @@ $11::tsquery AND NOT s.search_title @@ $11::tsquery",
                                     absl::StrCat("least($1::bigint, ", kTitleRank, ")"))};

std::vector<SearchHit> SearchSuggestions(pqxx::transaction_base& tx, const ListQuery& q,
                                         const std::vector<std::string>& terms) {
  const std::string tsquery = TsQueryLiteral(terms);
  std::vector<std::string> elements = terms;
  if (!q.department.empty()) {
    elements.push_back(q.department);
  }
  double items = 0;
  std::map<std::pair<std::string, std::string>, double> share;  // (column, element)
  for (const pqxx::row& row : tx.exec_prepared(kSearchStatistics, JsonStrings(elements))) {
    if (row[0].as<std::string>().empty()) {
      items = row[2].as<double>();
    } else {
      share[{row[0].as<std::string>(), row[1].as<std::string>()}] = row[2].as<double>();
    }
  }
  const auto department = share.find({"units", q.department});
  const double of_department = department == share.end() ? 1 : department->second;
  // With a department, a walk tests the words of the department's items only (the units test comes first
  // and is cheap), so it may read twice as many rows.
  const double walk_rows = q.department.empty() ? kWalkRows : 2 * kWalkRows;
  const int64_t enough = std::max<int64_t>(q.limit, static_cast<int64_t>(q.limit * items / walk_rows));
  // Whether the rank of `column` has at least `enough` matches. The statistics give each term's share and
  // the department's (independent of the words); the rarest term's share bounds what several terms hold
  // together, but not from below (two common words seldom side by side): one term is decided from the
  // statistics, several only when the bound says few; otherwise, or when a share is unknown, counted.
  auto many = [&](const std::string& column, const Query& count) {
    double rarest = 1;
    for (const std::string& term : terms) {
      const auto it = share.find({column, term});
      rarest = it == share.end() || rarest < 0 ? -1 : std::min(rarest, it->second);
    }
    if (rarest >= 0 && (q.department.empty() || department != share.end())) {
      const bool bound_many = items * rarest * of_department >= static_cast<double>(enough);
      if (terms.size() == 1 || !bound_many) {
        return bound_many;
      }
    }
    PlanFrom(tx, true);
    return tx.exec_prepared1(count, tsquery, q.department, enough)[0].as<int64_t>() >= enough;
  };
  std::vector<SearchHit> out;
  // Titles holding every word rank first; the bodies are read only when the titles do not fill the page.
  for (const bool title_hit : {true, false}) {
    if (static_cast<int>(out.size()) >= q.limit) {
      break;
    }
    PlanFrom(tx, !(title_hit ? many("search_title", kCountTitles) : many("search_text", kCountTexts)));
    for (const pqxx::row& row : ExecList(tx, title_hit ? kSearchTitles : kSearchBodies, q, tsquery)) {
      out.push_back({.record = FromRow(row), .title_hit = title_hit});
    }
  }
  out.resize(std::min<std::size_t>(out.size(), q.limit));
  return out;
}

const Query kUnindexed{"suggestions_unindexed",
                       "SELECT id, title, body FROM suggestions WHERE search_text IS NULL ORDER BY id LIMIT $1 "
                       "FOR UPDATE SKIP LOCKED"};
const Query kSetSearchVectors{
    "suggestions_set_search_vectors",
    "UPDATE suggestions s SET search_title = (v->>1)::tsvector, search_text = (v->>2)::tsvector "
    "FROM jsonb_array_elements($1::jsonb) v WHERE s.id = (v->>0)::bigint"};

int IndexUnindexed(pqxx::work& tx, int limit) {
  nlohmann::json rows = nlohmann::json::array();
  for (const pqxx::row& row : tx.exec_prepared(kUnindexed, limit)) {
    const SearchVectors v = SearchVectorsOf(row[1].as<std::string>(), row[2].as<std::string>());
    rows.push_back({row[0].as<int64_t>(), v.title, v.text});
  }
  if (!rows.empty()) {
    tx.exec_prepared(kSetSearchVectors, rows.dump());
  }
  return static_cast<int>(rows.size());
}

}  // namespace minyi::suggestions
