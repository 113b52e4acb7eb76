#include "common/settings_revision.h"

#include "absl/strings/str_cat.h"
#include "common/names.h"
#include "common/status.h"
#include "google/protobuf/util/time_util.h"

namespace minyi {
namespace {

// Opaque to clients; a quoted decimal, as an HTTP entity tag is written.
std::string EtagOf(int64_t revision) { return absl::StrCat("\"", revision, "\""); }

}  // namespace

SettingsRevision LoadSettingsRevision(pqxx::transaction_base& tx, absl::string_view name) {
  SettingsRevision out;
  const pqxx::result r = tx.exec_params(
      "SELECT revision, (extract(epoch FROM update_time) * 1000000)::bigint, updated_by "
      "FROM settings_revisions WHERE setting = $1",
      std::string(name));
  if (!r.empty()) {
    out.revision = r[0][0].as<int64_t>();
    out.update_time = google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(r[0][1].as<int64_t>());
    out.updated_by = AccountName(r[0][2].as<std::string>());
  }
  out.etag = EtagOf(out.revision);
  return out;
}

absl::Status AdvanceSettingsRevision(pqxx::work& tx, absl::string_view name, absl::string_view field,
                                     absl::string_view etag, const std::string& actor) {
  if (etag.empty()) {
    return InvalidField(field,
                        "is required: send the etag of the setting as read, so that a change made since "
                        "is not overwritten");
  }
  // The upsert takes the row lock (or waits for a concurrent first insert), so the revision it returns is
  // the one this replacement follows.
  const int64_t next = tx.exec_params1(
                             "INSERT INTO settings_revisions (setting, revision, updated_by) VALUES ($1, 1, $2) "
                             "ON CONFLICT (setting) DO UPDATE SET revision = settings_revisions.revision + 1, "
                             "update_time = now(), updated_by = excluded.updated_by RETURNING revision",
                             std::string(name), actor)[0]
                           .as<int64_t>();
  if (etag != EtagOf(next - 1)) {
    return WithReason(absl::AbortedError(absl::StrCat(name, " was changed since etag ", etag,
                                                      " was read; read it again and reapply the change")),
                      "ETAG_MISMATCH");
  }
  return absl::OkStatus();
}

}  // namespace minyi
