#include "deputies/duty_events.h"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

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

absl::Status RecordDutiesFromEvents(const std::vector<minyi::common::v1::Event>& events, pqxx::work& tx) {
  std::vector<DutyRecord> contents;  // one per duty-relevant event
  contents.reserve(events.size());   // EventDuty points into it
  std::vector<EventDuty> named;
  std::vector<const minyi::common::v1::Event*> source;  // named[i]'s event
  std::vector<int64_t> ids;
  std::set<std::pair<int64_t, std::string>> seen;  // (deputy, event): one record, even if named twice
  auto skip_unknown = [](const minyi::common::v1::Event& event, const std::string& deputy) {
    log::Warn("duty event names an unknown deputy; skipped",
              {{"event_id", event.id()}, {"type", event.type()}, {"deputy", deputy}});
  };
  for (const minyi::common::v1::Event& event : events) {
    const std::optional<DutyCategory> category = CategoryForEventType(event.type());
    if (!category.has_value()) {
      continue;
    }
    // The payload's fields 1-3 are DutyEvidence's by contract, whatever the owning service calls its message.
    DutyEvidence evidence;
    if (!evidence.ParseFromString(event.data().value())) {
      log::Error("duty event payload unreadable; no record made", {{"event_id", event.id()}, {"type", event.type()}});
      continue;
    }
    DutyRecord& content = contents.emplace_back();
    content.set_category(*category);
    content.set_date(IsValidDate(evidence.occurred_on()) ? evidence.occurred_on()
                                                         : ShanghaiDate(absl::FromUnixSeconds(event.time().seconds())));
    // Descriptions are shown to people; the event type and reference say what happened.
    content.set_description(absl::StrCat("自动记录: ", event.type()));
    if (!evidence.reference().empty()) {
      content.add_evidence(evidence.reference().substr(0, kMaxEvidenceChars));
    }
    for (const std::string& deputy : evidence.deputies()) {
      absl::StatusOr<int64_t> id = ParseResourceId(deputy, kDeputies, "deputies");
      if (!id.ok()) {
        skip_unknown(event, deputy);
        continue;
      }
      if (!seen.insert({*id, event.id()}).second) {
        continue;
      }
      named.push_back({.deputy_id = *id, .event_id = event.id(), .recorded_by = event.actor(), .content = &content});
      source.push_back(&event);
      ids.push_back(*id);
    }
  }
  if (named.empty()) {
    return absl::OkStatus();
  }
  const std::set<int64_t> existing = ExistingDeputies(tx, ids);
  std::vector<EventDuty> duties;
  std::vector<const minyi::common::v1::Event*> duty_events;
  for (size_t i = 0; i < named.size(); ++i) {
    if (existing.count(named[i].deputy_id) == 0) {
      skip_unknown(*source[i], ResourceName(kDeputies, named[i].deputy_id));
      continue;
    }
    duties.push_back(named[i]);
    duty_events.push_back(source[i]);
  }
  if (duties.empty()) {
    return absl::OkStatus();
  }
  const std::map<std::pair<int64_t, std::string>, int64_t> inserted = InsertEventDuties(tx, duties);
  std::vector<minyi::deputies::v1::DutyRecorded> recorded;
  recorded.reserve(duties.size());  // OutgoingEvent points into it
  std::vector<OutgoingEvent> outgoing;
  std::vector<AuditEntry> audits;
  for (size_t i = 0; i < duties.size(); ++i) {
    auto it = inserted.find({duties[i].deputy_id, duties[i].event_id});
    if (it == inserted.end()) {
      continue;  // this deputy already has the record from this event
    }
    const std::string name = DutyName(duties[i].deputy_id, it->second);
    minyi::deputies::v1::DutyRecorded& r = recorded.emplace_back();
    r.set_duty(name);
    r.set_category(duties[i].content->category());
    r.set_source(minyi::deputies::v1::DUTY_SOURCE_EVENT);
    outgoing.push_back({&r, name, duties[i].recorded_by});
    audits.push_back({.actor = duties[i].recorded_by,
                      .action = "RecordDutyFromEvent",
                      .resource = name,
                      .detail = {{"event_id", duties[i].event_id}, {"event_type", duty_events[i]->type()}}});
  }
  if (!outgoing.empty()) {
    EmitEvents(tx, outgoing);
    AppendAudits(tx, audits);
  }
  return absl::OkStatus();
}

}  // namespace minyi::deputies
