#include "audit.h"

namespace minyi {

void AppendAudit(pqxx::work& tx, const AuditEntry& entry) { AppendAudits(tx, {entry}); }

void AppendAudits(pqxx::work& tx, const std::vector<AuditEntry>& entries) {
  nlohmann::json rows = nlohmann::json::array();
  for (const AuditEntry& e : entries) {
    rows.push_back({{"actor", e.actor},
                    {"action", e.action},
                    {"resource", e.resource},
                    {"request_id", e.request_id},
                    {"detail", e.detail}});
  }
  // Invalid UTF-8 in a field is replaced rather than thrown: the trail must not fail the change.
  tx.exec_params(
      "INSERT INTO audit_log (actor, action, resource, request_id, detail) "
      "SELECT e ->> 'actor', e ->> 'action', e ->> 'resource', e ->> 'request_id', e -> 'detail' "
      "FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(e, n) ORDER BY n",
      rows.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace minyi
