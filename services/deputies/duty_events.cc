#include "deputies/duty_events.h"

#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/audit.h"
#include "common/log.h"
#include "common/names.h"
#include "common/outbox.h"
#include "deputies/duties.h"
#include "deputies/registry.h"
#include "deputies/store.h"

namespace minyi::deputies {

using ::minyi::deputies::v1::DutyEvidence;
using ::minyi::deputies::v1::DutyRecord;

absl::Status RecordDutiesFromEvent(const minyi::common::v1::Event& event, pqxx::work& tx) {
  const std::optional<DutyCategory> category = CategoryForEventType(event.type());
  if (!category.has_value()) {
    return absl::OkStatus();
  }
  // The payload's fields 1-3 are DutyEvidence's by contract, whatever the owning service calls its message.
  DutyEvidence evidence;
  if (!evidence.ParseFromString(event.data().value())) {
    log::Error("duty event payload unreadable; no record made", {{"event_id", event.id()}, {"type", event.type()}});
    return absl::OkStatus();
  }
  DutyRecord content;
  content.set_category(*category);
  content.set_date(IsValidDate(evidence.occurred_on())
                       ? evidence.occurred_on()
                       : ShanghaiDate(absl::FromUnixSeconds(event.time().seconds())));
  // Descriptions are shown to people; the event type and reference say what happened.
  content.set_description(absl::StrCat("自动记录: ", event.type()));
  if (!evidence.reference().empty()) {
    content.add_evidence(evidence.reference().substr(0, kMaxEvidenceChars));
  }
  for (const std::string& deputy : evidence.deputies()) {
    absl::StatusOr<int64_t> id = ParseResourceId(deputy, kDeputies, "deputies");
    if (!id.ok() || !DeputyExists(tx, *id)) {
      log::Warn("duty event names an unknown deputy; skipped",
                {{"event_id", event.id()}, {"type", event.type()}, {"deputy", deputy}});
      continue;
    }
    std::optional<int64_t> record = InsertDutyRecord(
        tx,
        {.deputy_id = *id, .source = minyi::deputies::v1::DUTY_SOURCE_EVENT, .source_event_id = event.id(),
         .recorded_by = event.actor()},
        content);
    if (!record.has_value()) {
      continue;  // this deputy already has the record from this event
    }
    const std::string name = DutyName(*id, *record);
    minyi::deputies::v1::DutyRecorded recorded;
    recorded.set_duty(name);
    recorded.set_category(*category);
    recorded.set_source(minyi::deputies::v1::DUTY_SOURCE_EVENT);
    EmitEvent(tx, recorded, name, event.actor());
    AppendAudit(tx, {.actor = event.actor(),
                     .action = "RecordDutyFromEvent",
                     .resource = name,
                     .detail = {{"event_id", event.id()}, {"event_type", event.type()}}});
  }
  return absl::OkStatus();
}

absl::Status RecordDutiesFromEvents(const std::vector<minyi::common::v1::Event>& events, pqxx::work& tx) {
  for (const minyi::common::v1::Event& event : events) {
    if (absl::Status st = RecordDutiesFromEvent(event, tx); !st.ok()) {
      return st;
    }
  }
  return absl::OkStatus();
}

}  // namespace minyi::deputies
