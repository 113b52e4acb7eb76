#include "audit.h"

namespace minyi {

void AppendAudit(pqxx::work& tx, const AuditEntry& entry) {
  tx.exec_params("INSERT INTO audit_log (actor, action, resource, request_id, detail) "
                 "VALUES ($1, $2, $3, $4, $5::jsonb)",
                 entry.actor, entry.action, entry.resource, entry.request_id, entry.detail.dump());
}

}  // namespace minyi
