#include "common/dead_events.h"

#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/names.h"
#include "common/paging.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "google/protobuf/util/time_util.h"

namespace minyi {
namespace {

using google::protobuf::util::TimeUtil;
using minyi::common::v1::DeadEvent;

constexpr absl::string_view kDeadEvents = "deadEvents/";

constexpr char kColumns[] =
    "SELECT id, consumer, event_id::text, event_type, payload, error, attempts, "
    "(extract(epoch FROM first_failed_at) * 1000000)::bigint, (extract(epoch FROM dead_at) * 1000000)::bigint "
    "FROM dead_events ";

// A row of kColumns; the envelope (last attempt's payload) goes to `envelope`.
DeadEvent FromRow(const pqxx::row& row, minyi::common::v1::Event* envelope) {
  DeadEvent d;
  d.set_name(ResourceName(kDeadEvents, row[0].as<int64_t>()));
  d.set_consumer(row[1].as<std::string>());
  d.set_event_id(row[2].as<std::string>());
  d.set_event_type(row[3].as<std::string>());
  if (envelope->ParseFromString(pqxx::binarystring(row[4]).str())) {
    d.set_subject(envelope->subject());
  }
  d.set_error(row[5].as<std::string>());
  d.set_attempts(row[6].as<int32_t>());
  *d.mutable_first_failed_time() = TimeUtil::MicrosecondsToTimestamp(row[7].as<int64_t>());
  *d.mutable_dead_time() = TimeUtil::MicrosecondsToTimestamp(row[8].as<int64_t>());
  return d;
}

}  // namespace

absl::Status DeadEvents::List(const Call& call, const minyi::common::v1::ListDeadEventsRequest& request,
                              minyi::common::v1::ListDeadEventsResponse* response) {
  RETURN_IF_ERROR(authorizer_.RequireOffice(call).status());
  ASSIGN_OR_RETURN(const PageRequest page, ReadPageRequest(request.page_size(), request.page_token(), {"deadEvents"}));
  std::vector<std::pair<int64_t, DeadEvent>> rows;
  RETURN_IF_ERROR(pool_.Read([&](pqxx::transaction_base& tx) {
    for (const pqxx::row& row :
         tx.exec_params(absl::StrCat(kColumns, "WHERE id > $1 ORDER BY id LIMIT $2"), page.after_id, page.size + 1)) {
      minyi::common::v1::Event envelope;
      rows.emplace_back(row[0].as<int64_t>(), FromRow(row, &envelope));
    }
    return absl::OkStatus();
  }));
  response->set_next_page_token(TrimToPage(rows, page.size, page.fingerprint, [](const auto& r) { return r.first; }));
  for (auto& [id, d] : rows) {
    *response->add_dead_events() = std::move(d);
  }
  return absl::OkStatus();
}

absl::Status DeadEvents::Replay(const Call& call, const minyi::common::v1::ReplayDeadEventRequest& request,
                                DeadEvent* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.RequireOffice(call));
  ASSIGN_OR_RETURN(const int64_t id, ParseResourceId(request.name(), kDeadEvents, "name"));
  std::optional<absl::Status> failed;  // the handler's error, when it failed again
  absl::Status st = commands_.Run(call, caller, "ReplayDeadEvent", request, response, [&](Change& change) {
    pqxx::work& tx = change.tx();
    const pqxx::result found = tx.exec_params(absl::StrCat(kColumns, "WHERE id = $1 FOR UPDATE"), id);
    if (found.empty()) {
      return NotFoundError(request.name());
    }
    minyi::common::v1::Event event;
    *response = FromRow(found[0], &event);
    auto consumer = consumers_.find(response->consumer());
    if (consumer == consumers_.end()) {
      return FailedPrecondition("CONSUMER_NOT_RUNNING",
                                absl::StrCat("this service no longer runs consumer group ", response->consumer()));
    }
    // Already applied (the event was published again and handled): only the row goes.
    if (tx.exec_params("INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2::uuid) ON CONFLICT DO NOTHING",
                       response->consumer(), response->event_id())
            .affected_rows() > 0) {
      absl::Status handled;
      try {
        handled = consumer->second->handler()(event, tx);
      } catch (const pqxx::sql_error& e) {  // a statement the handler ran failed: its error, not ours
        handled = absl::InternalError(e.what());
      }
      if (!handled.ok()) {
        failed = handled;
        return handled;
      }
    }
    tx.exec_params("DELETE FROM dead_events WHERE id = $1", id);
    change.Audit(request.name(), {{"event_id", response->event_id()},
                                  {"event_type", response->event_type()},
                                  {"consumer", response->consumer()}});
    return absl::OkStatus();
  });
  if (!failed.has_value()) {
    return st;
  }
  // The replay rolled back; the row keeps the new error for the next look.
  RETURN_IF_ERROR(pool_.Transact([&](pqxx::work& tx) {
    tx.exec_params("UPDATE dead_events SET error = $2, attempts = attempts + 1 WHERE id = $1", id, failed->ToString());
    return absl::OkStatus();
  }));
  return FailedPrecondition("EVENT_REPLAY_FAILED",
                            absl::StrCat("the event's handler failed again (", absl::StatusCodeToString(failed->code()),
                                         "); the dead event keeps the error"));
}

}  // namespace minyi
