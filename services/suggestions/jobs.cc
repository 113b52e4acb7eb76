#include "suggestions/jobs.h"

#include "absl/strings/str_cat.h"
#include "common/clock.h"
#include "common/idempotency.h"
#include "common/log.h"
#include "common/names.h"
#include "common/status_macros.h"
#include "minyi/identity/v1/events.pb.h"
#include "suggestions/store.h"

namespace minyi::suggestions {
namespace {

// Each batch is a short transaction of its own, so writers of the same rows wait little.
constexpr int kIndexBatch = 500;
constexpr int kIndexBatchesPerRun = 40;

absl::Status IndexSearchWords(PgPool& pool) {
  for (int i = 0; i < kIndexBatchesPerRun; ++i) {
    int indexed = 0;
    RETURN_IF_ERROR(pool.Transact([&](pqxx::work& tx) -> absl::Status {
      indexed = IndexUnindexed(tx, kIndexBatch);
      return absl::OkStatus();
    }));
    if (indexed < kIndexBatch) {
      break;
    }
  }
  return absl::OkStatus();
}

// A closed account's personal data goes from this service too (docs/privacy.md): the call-back number on
// its opinions and the answers kept for its retries, which may repeat that number.
absl::Status EraseClosedAccounts(const std::vector<minyi::common::v1::Event>& events, pqxx::work& tx) {
  for (const minyi::common::v1::Event& event : events) {
    minyi::identity::v1::AccountClosed closed;
    if (!event.data().UnpackTo(&closed)) {
      log::Error("AccountClosed payload unreadable; nothing erased", {{"event_id", event.id()}});
      continue;
    }
    const absl::StatusOr<int64_t> id = ParseResourceId(closed.account(), "accounts/", "account");
    if (!id.ok()) {
      log::Error("AccountClosed names no account; nothing erased", {{"event_id", event.id()}});
      continue;
    }
    EraseCitizenContact(tx, closed.account());
    ForgetIdempotentAnswers(tx, absl::StrCat(*id));
  }
  return absl::OkStatus();
}

}  // namespace

int ReindexBands(pqxx::work& tx, const MinHasher& hasher, int limit) {
  const std::vector<ReindexItem> items = ClaimReindex(tx, limit);
  for (const ReindexItem& item : items) {
    InsertBands(tx, item.id, hasher.BandKeysOf({item.title, item.body}));
  }
  return static_cast<int>(items.size());
}

void AddJobs(ServiceHost& host, Handling& handling, const Access& access, absl::Duration sweep_interval) {
  host.AddPeriodicTask("deadline-sweeper", sweep_interval,
                       [&handling]() { return handling.SweepDeadlines(DomainNow()).status(); });
  host.AddPeriodicTask("search-indexer", absl::Seconds(5), [&host]() { return IndexSearchWords(host.pool()); });
  // Items indexed before titles had bands get theirs, a thousand per second, until the queue is empty.
  host.AddPeriodicTask("dedup-reindex", absl::Seconds(1), [&host, &access]() {
    return host.pool().Transact([&](pqxx::work& tx) {
      ReindexBands(tx, access.hasher(), 1000);
      return absl::OkStatus();
    });
  });
  EventConsumer::Options consumer;
  consumer.group = "suggestions";
  consumer.wants = [](std::string_view type) { return type == "minyi.identity.v1.AccountClosed"; };
  host.AddBatchConsumer(std::move(consumer), &EraseClosedAccounts);
}

}  // namespace minyi::suggestions
