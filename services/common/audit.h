#pragma once

#include <string>
#include <vector>

#include "nlohmann/json.hpp"
#include "pqxx/pqxx"

namespace minyi {

// One row of a service's append-only audit trail: who did what to which resource, from which request.
struct AuditEntry {
  std::string actor = "";  // account id, or "" for an anonymous caller
  std::string action = "";
  std::string resource = "";
  std::string request_id = "";
  nlohmann::json detail = nlohmann::json::object();  // never personal data or secrets
};

// Appends to the schema's audit_log inside the caller's transaction, so the trail holds exactly what
// committed.
void AppendAudit(pqxx::work& tx, const AuditEntry& entry);
// Several entries in one statement, in the given order (a batch of writes sharing one transaction).
void AppendAudits(pqxx::work& tx, const std::vector<AuditEntry>& entries);

}  // namespace minyi
