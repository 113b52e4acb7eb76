#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/timestamp.pb.h"
#include "pqxx/pqxx"

// Settings staff replace as a whole — a table of rules, a year's holiday calendar — carry a revision,
// shown to clients as the setting's etag (AIP-154). A replacement must name the etag it read; if someone
// replaced the setting since, the replacement is refused (ABORTED, HTTP 409, reason ETAG_MISMATCH) and
// nothing changes, so two staff cannot silently overwrite each other. The revisions live in each schema's
// `settings_revisions` table (common migration 4), one row per setting, keyed by the setting's name.
namespace minyi {

struct SettingsRevision {
  int64_t revision = 0;  // 0 while the setting holds what the migrations put there
  google::protobuf::Timestamp update_time;
  std::string updated_by;  // "accounts/{id}"; empty while revision is 0
  std::string etag;
};

// The revision of setting `name` ("pointRules", "holidayCalendars/2026", ...).
SettingsRevision LoadSettingsRevision(pqxx::transaction_base& tx, absl::string_view name);

// Advances setting `name` to its next revision, made by `actor` ("accounts/{id}"), if `etag` is its current
// one. Takes the setting's row lock first, so of two replacements made from the same read the second waits
// and is then refused. `field` names the request's etag field in the error. On an error the caller's
// transaction must be rolled back (the command path does this when its step fails).
absl::Status AdvanceSettingsRevision(pqxx::work& tx, absl::string_view name, absl::string_view field,
                                     absl::string_view etag, const std::string& actor);

// Fills a setting message's update_time, updated_by and etag from setting `name`'s revision.
template <typename Setting>
void ShowSettingsRevision(pqxx::transaction_base& tx, absl::string_view name, Setting* out) {
  SettingsRevision r = LoadSettingsRevision(tx, name);
  if (r.revision > 0) {
    *out->mutable_update_time() = std::move(r.update_time);
    out->set_updated_by(std::move(r.updated_by));
  }
  out->set_etag(std::move(r.etag));
}

}  // namespace minyi
