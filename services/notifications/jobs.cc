#include "notifications/jobs.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/channel.h"
#include "common/clock.h"
#include "grpcpp/grpcpp.h"
#include "notifications/rules.h"
#include "notifications/schedule.h"
#include "notifications/store.h"

namespace minyi::notifications {
namespace {

constexpr char kGroup[] = "notifications";

}  // namespace

Jobs::Jobs(ServiceHost& host, NotificationsConfig& config, NotifyMetrics& metrics)
    : directory_(PeerChannel(config.identity_addr), PeerChannel(config.deputies_addr), host.credentials(),
                 config.directory_ttl),
      fanout_(directory_, metrics),
      worker_(host.pool(), std::move(config.providers), config.retry, config.provider_timeout, metrics) {
  EventConsumer::Options consumer;
  consumer.group = kGroup;
  consumer.claim_idle = config.claim_idle;
  consumer.batch_size = 200;
  consumer.wants = [](std::string_view type) { return FindRule(type) != nullptr; };
  host.AddBatchConsumer(std::move(consumer), [this](const std::vector<common::v1::Event>& events, pqxx::work& tx) {
    return fanout_.Handle(events, tx);
  });

  host.AddPeriodicTask("deliveries", absl::Milliseconds(200), [this]() -> absl::Status {
    constexpr int kBatch = 50;
    // Drain what is due, a bounded number of batches per run so shutdown is never kept waiting long.
    for (int i = 0; i < 20; ++i) {
      absl::StatusOr<int> n = worker_.RunOnce(kBatch);
      if (!n.ok()) {
        return n.status();
      }
      if (*n < kBatch) {
        break;
      }
    }
    return absl::OkStatus();
  });
  host.AddPeriodicTask("digest", absl::Minutes(1), [&pool = host.pool(), digest_hour = config.digest_hour]() {
    const absl::Time now = DomainNow();
    if (!DigestDue(now, digest_hour)) {
      return absl::OkStatus();
    }
    return pool.Transact([&](pqxx::work& tx) {
      CreateDigests(tx, ShanghaiDate(now));
      return absl::OkStatus();
    });
  });
  host.AddPeriodicTask("dead deliveries", absl::Seconds(2), [&pool = host.pool(), &metrics]() {
    return pool.Read([&](pqxx::transaction_base& tx) {
      metrics.SetDead(static_cast<double>(CountDead(tx)));
      return absl::OkStatus();
    });
  });
}

}  // namespace minyi::notifications
