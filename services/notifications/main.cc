// minyi-notifications: wiring only. Rules and templates live in rules.cc, the event handler in fanout.cc,
// external sending in worker.cc and provider.cc, the inbox and preferences in inbox.cc, the office's delivery view in deliveries.cc, the SQL in store.cc.
#include <iostream>
#include <memory>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/clock.h"
#include "common/config.h"
#include "common/redis.h"
#include "common/server.h"
#include "grpcpp/grpcpp.h"
#include "notifications/directory.h"
#include "notifications/fanout.h"
#include "notifications/lag.h"
#include "notifications/metrics.h"
#include "notifications/provider.h"
#include "notifications/rpc.h"
#include "notifications/rules.h"
#include "notifications/schedule.h"
#include "notifications/store.h"
#include "notifications/worker.h"

namespace {

constexpr char kGroup[] = "notifications";

int Fail(const absl::Status& status) {
  std::cerr << "minyi-notifications: " << status << "\n";
  return 1;
}

}  // namespace

int main() {
  auto host = minyi::ServiceHost::Create({.name = "notifications",
                                          .default_grpc_port = 7105,
                                          .migrations = &minyi::notifications::Migrations(),
                                          .statements = minyi::notifications::Statements()});
  if (!host.ok()) {
    return Fail(host.status());
  }
  minyi::EnvReader env;
  const std::string identity_addr = env.Required("MINYI_IDENTITY_ADDR");
  const std::string deputies_addr = env.Required("MINYI_DEPUTIES_ADDR");
  const std::string sms_url = env.Optional("MINYI_NOTIFY_SMS_URL", "file:///tmp/minyi-notifications-sms.jsonl");
  const std::string webhook_url =
      env.Optional("MINYI_NOTIFY_WEBHOOK_URL", "file:///tmp/minyi-notifications-webhook.jsonl");
  minyi::notifications::RetryPolicy retry;
  retry.base = absl::Milliseconds(env.Int("MINYI_NOTIFY_RETRY_BASE_MS", 2000, 1, 3600 * 1000));
  retry.max_attempts = env.Int("MINYI_NOTIFY_MAX_ATTEMPTS", 8, 1, 100);
  const int digest_hour = env.Int("MINYI_NOTIFY_DIGEST_HOUR", 8, 0, 23);
  const absl::Duration directory_ttl = absl::Seconds(env.Int("MINYI_NOTIFY_DIRECTORY_TTL_SECONDS", 60, 0, 86400));
  const absl::Duration claim_idle = absl::Milliseconds(env.Int("MINYI_NOTIFY_CLAIM_IDLE_MS", 30000, 100, 3600 * 1000));
  if (absl::Status st = env.Finish(); !st.ok()) {
    return Fail(st);
  }
  const absl::Duration provider_timeout = absl::Seconds(5);
  absl::flat_hash_map<minyi::notifications::Channel, std::unique_ptr<minyi::notifications::Provider>> providers;
  for (auto [channel, url] : {std::pair{minyi::notifications::v1::CHANNEL_SMS, sms_url},
                              std::pair{minyi::notifications::v1::CHANNEL_WEBHOOK, webhook_url}}) {
    absl::StatusOr<std::unique_ptr<minyi::notifications::Provider>> provider =
        minyi::notifications::ProviderForUrl(url, provider_timeout);
    if (!provider.ok()) {
      return Fail(provider.status());
    }
    providers[channel] = *std::move(provider);
  }

  minyi::ServiceHost& h = **host;
  minyi::notifications::NotifyMetrics metrics(h.metrics());
  minyi::notifications::Inbox inbox(h.pool(), h.authorizer());
  minyi::notifications::Deliveries deliveries(h.pool(), h.authorizer(), metrics);
  minyi::notifications::NotificationsRpc service(inbox, deliveries);
  h.AddService(&service);

  minyi::notifications::Directory directory(grpc::CreateChannel(identity_addr, grpc::InsecureChannelCredentials()),
                                            grpc::CreateChannel(deputies_addr, grpc::InsecureChannelCredentials()),
                                            h.credentials(), directory_ttl);
  minyi::notifications::Fanout fanout(directory, metrics);
  minyi::EventConsumer::Options consumer;
  consumer.group = kGroup;
  consumer.claim_idle = claim_idle;
  consumer.batch_size = 200;
  consumer.wants = [](std::string_view type) { return minyi::notifications::FindRule(type) != nullptr; };
  h.AddBatchConsumer(std::move(consumer), [&fanout](const std::vector<minyi::common::v1::Event>& events,
                                                    pqxx::work& tx) { return fanout.Handle(events, tx); });

  minyi::notifications::DeliveryWorker worker(h.pool(), std::move(providers), retry, provider_timeout, metrics);
  h.AddPeriodicTask("deliveries", absl::Milliseconds(200), [&worker]() -> absl::Status {
    constexpr int kBatch = 50;
    // Drain what is due, a bounded number of batches per run so shutdown is never kept waiting long.
    for (int i = 0; i < 20; ++i) {
      absl::StatusOr<int> n = worker.RunOnce(kBatch);
      if (!n.ok()) {
        return n.status();
      }
      if (*n < kBatch) {
        break;
      }
    }
    return absl::OkStatus();
  });
  h.AddPeriodicTask("digest", absl::Minutes(1), [&h, digest_hour]() -> absl::Status {
    const absl::Time now = minyi::DomainNow();
    if (!minyi::notifications::DigestDue(now, digest_hour)) {
      return absl::OkStatus();
    }
    return h.pool().Transact([&](pqxx::work& tx) {
      minyi::notifications::CreateDigests(tx, minyi::ShanghaiDate(now));
      return absl::OkStatus();
    });
  });
  minyi::RedisClient redis(h.config().redis_addr);
  h.AddPeriodicTask("backlog", absl::Seconds(2), [&]() {
    return minyi::notifications::SampleBacklog(redis, std::string(minyi::kEventStream), kGroup, h.pool(), metrics);
  });
  return h.Run();
}
