#include "deputies/duty_events.h"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

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
  // One per duty-relevant event: the record's content and the deputies it names.
  struct Evidence {
    const minyi::common::v1::Event* event;
    std::vector<int64_t> deputies;
    std::vector<std::string> malformed;
  };
  std::vector<DutyRecord> contents;  // contents[i] is evidence[i]'s
  contents.reserve(events.size());   // EventDuty points into it
  std::vector<Evidence> evidence;
  std::vector<int64_t> ids;
  for (const minyi::common::v1::Event& event : events) {
    const std::optional<AutomaticDuty> duty = AutomaticDutyFor(event.type());
    if (!duty.has_value()) {
      continue;
    }
    // The payload's fields 1-3 are DutyEvidence's by contract, whatever the owning service calls its message.
    DutyEvidence payload;
    if (!payload.ParseFromString(event.data().value())) {
      log::Error("duty event payload unreadable; no record made", {{"event_id", event.id()}, {"type", event.type()}});
      continue;
    }
    DutyRecord& content = contents.emplace_back();
    content.set_category(duty->category);
    content.set_date(IsValidDate(payload.occurred_on()) ? payload.occurred_on()
                                                        : ShanghaiDate(absl::FromUnixSeconds(event.time().seconds())));
    content.set_description(std::string(duty->description));
    if (!payload.reference().empty()) {
      content.add_evidence(payload.reference().substr(0, kMaxEvidenceChars));
    }
    Evidence& e = evidence.emplace_back(Evidence{.event = &event, .deputies = {}, .malformed = {}});
    std::set<int64_t> named;  // one record per deputy, even if named twice
    for (const std::string& deputy : payload.deputies()) {
      absl::StatusOr<int64_t> id = ParseResourceId(deputy, kDeputies, "deputies");
      if (!id.ok()) {
        e.malformed.push_back(deputy);
      } else if (named.insert(*id).second) {
        e.deputies.push_back(*id);
        ids.push_back(*id);
      }
    }
  }
  const std::set<int64_t> existing = ids.empty() ? std::set<int64_t>() : ExistingDeputies(tx, ids);
  std::vector<EventDuty> duties;
  std::vector<const minyi::common::v1::Event*> duty_events;
  for (size_t i = 0; i < evidence.size(); ++i) {
    const Evidence& e = evidence[i];
    // Deputies are never deleted and every service learns of one only once it exists: an event naming one
    // that does not is wrong for good, so it is refused whole rather than recorded for some of its deputies.
    std::vector<std::string> missing = e.malformed;
    for (int64_t id : e.deputies) {
      if (existing.count(id) == 0) {
        missing.push_back(ResourceName(kDeputies, id));
      }
    }
    if (!missing.empty()) {
      log::Warn("duty event names deputies that do not exist; refused, no record made",
                {{"event_id", e.event->id()}, {"type", e.event->type()}, {"missing", missing}});
      continue;
    }
    for (int64_t id : e.deputies) {
      duties.push_back(
          {.deputy_id = id, .event_id = e.event->id(), .recorded_by = e.event->actor(), .content = &contents[i]});
      duty_events.push_back(e.event);
    }
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
