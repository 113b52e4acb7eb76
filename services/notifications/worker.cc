#include "notifications/worker.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "notifications/store.h"

namespace minyi::notifications {
namespace {

// A claimed delivery is not due again before its batch could have been sent (every call taking its full
// timeout) plus this margin, so no replica sends it while its claimer still may; a process that dies
// mid-batch leaves its claims to be retried once the lease runs out.
constexpr absl::Duration kLeaseMargin = absl::Seconds(30);
constexpr size_t kMaxErrorBytes = 500;

}  // namespace

DeliveryWorker::DeliveryWorker(PgPool& pool, absl::flat_hash_map<Channel, std::unique_ptr<Provider>> providers,
                               RetryPolicy policy, absl::Duration send_timeout, NotifyMetrics& metrics)
    : pool_(pool),
      providers_(std::move(providers)),
      policy_(policy),
      send_timeout_(send_timeout),
      metrics_(metrics),
      rng_(std::random_device{}()) {}

absl::StatusOr<int> DeliveryWorker::RunOnce(int batch) {
  absl::StatusOr<std::vector<ClaimedDelivery>> claimed = pool_.TransactValue<std::vector<ClaimedDelivery>>(
      [&](pqxx::work& tx) -> absl::StatusOr<std::vector<ClaimedDelivery>> {
        return ClaimDue(tx, batch, send_timeout_ * batch + kLeaseMargin);
      });
  if (!claimed.ok()) {
    return claimed.status();
  }
  struct Outcome {
    int64_t id;
    absl::Status status;
    int attempts;
    Channel channel;
  };
  std::vector<Outcome> outcomes;
  outcomes.reserve(claimed->size());
  for (const ClaimedDelivery& d : *claimed) {
    auto provider = providers_.find(d.channel);
    absl::Status st = provider == providers_.end()
                          ? absl::FailedPreconditionError(absl::StrCat("no provider for ", Channel_Name(d.channel)))
                          : provider->second->Send({.delivery = absl::StrCat("deliveries/", d.id),
                                                    .account = d.account,
                                                    .channel = d.channel,
                                                    .event_type = d.event_type,
                                                    .reference = d.reference,
                                                    .title = d.title,
                                                    .body = d.body,
                                                    .urgent = d.urgent});
    outcomes.push_back({d.id, std::move(st), d.attempts, d.channel});
  }
  absl::Status recorded = pool_.Transact([&](pqxx::work& tx) {
    for (const Outcome& o : outcomes) {
      if (o.status.ok()) {
        MarkDelivered(tx, o.id);
        continue;
      }
      const std::string error = std::string(o.status.message()).substr(0, kMaxErrorBytes);
      if (o.attempts >= policy_.max_attempts) {
        MarkDead(tx, o.id, error);
        continue;
      }
      double jitter;
      {
        std::lock_guard<std::mutex> lock(rng_mu_);
        jitter = std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
      }
      MarkRetry(tx, o.id, RetryDelay(policy_, o.attempts, jitter), error);
    }
    return absl::OkStatus();
  });
  if (!recorded.ok()) {
    return recorded;  // the claims' lease runs out and they are attempted again
  }
  for (const Outcome& o : outcomes) {
    const bool dead = !o.status.ok() && o.attempts >= policy_.max_attempts;
    metrics_.Count(o.channel, o.status.ok() ? "delivered" : dead ? "dead" : "retry");
    if (!o.status.ok()) {
      log::Warn("delivery failed", {{"delivery", o.id},
                                    {"channel", Channel_Name(o.channel)},
                                    {"attempts", o.attempts},
                                    {"dead", dead},
                                    {"error", std::string(o.status.message())}});
    }
  }
  return static_cast<int>(outcomes.size());
}

}  // namespace minyi::notifications
