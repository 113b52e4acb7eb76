#pragma once

// What the store's files (store.cc, store_lists.cc) share about a suggestion's row; not for the handlers.

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "pqxx/pqxx"
#include "suggestions/store.h"

namespace minyi::suggestions {

// Every suggestion read selects these columns; FromRow reads them by name.
inline constexpr absl::string_view kColumns =
    "s.id, s.kind, s.title, s.body, s.state, s.delegation, s.citizen_account, coalesce(s.station_id, 0) AS "
    "station_id, s.level, s.contact_phone, s.entered_by, s.lead_department, "
    "array_to_json(s.co_departments)::text AS co_departments, "
    "coalesce(to_char(s.assigned_on, 'YYYY-MM-DD'), '') AS assigned_on, "
    "coalesce(to_char(s.submitted_on, 'YYYY-MM-DD'), '') AS submitted_on, "
    "coalesce(to_char(s.deadline, 'YYYY-MM-DD'), '') AS deadline, s.round, s.key_supervision, "
    "coalesce(s.merged_into, 0) AS merged_into, coalesce(s.linked_into, 0) AS linked_into, s.reject_reason, "
    "s.showcased, (extract(epoch FROM s.create_time) * 1000000)::bigint AS create_us, "
    "(extract(epoch FROM s.update_time) * 1000000)::bigint AS update_us, "
    "coalesce((extract(epoch FROM s.submit_time) * 1000000)::bigint, 0) AS submit_us, "
    "array_to_string(ARRAY(SELECT d.deputy_id FROM suggestion_deputies d WHERE d.suggestion_id = s.id "
    "ORDER BY d.position), ',') AS deputy_ids, "
    "(SELECT coalesce(json_agg(json_build_array(c.deputy_id, c.state, (extract(epoch FROM c.update_time) * "
    "1000000)::bigint) ORDER BY c.position), '[]') FROM co_signers c WHERE c.suggestion_id = s.id)::text AS "
    "co_signers, "
    "(SELECT coalesce(sum(f.amount_fen), 0) FROM fund_allocations f WHERE f.suggestion_id = s.id)::bigint AS funded "
    "FROM suggestions s";

Record FromRow(const pqxx::row& row);

// libpqxx 6 has no array parameters: bigint[] travels as an array literal (IdArray), text[] as JSON.
std::string JsonStrings(const std::vector<std::string>& values);

}  // namespace minyi::suggestions
