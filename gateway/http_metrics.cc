#include "http_metrics.h"

#include "absl/strings/str_cat.h"
#include "prometheus/counter.h"
#include "prometheus/text_serializer.h"

namespace minyi::gateway {
namespace {

const prometheus::Histogram::BucketBoundaries& Buckets() {
  static const prometheus::Histogram::BucketBoundaries kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                                   0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  return kBuckets;
}

}  // namespace

HttpMetrics::HttpMetrics(const std::vector<std::string>& routes)
    : registry_(std::make_shared<prometheus::Registry>()),
      requests_(prometheus::BuildCounter()
                    .Name("http_requests_total")
                    .Help("HTTP requests served by the gateway.")
                    .Register(*registry_)),
      durations_(prometheus::BuildHistogram()
                     .Name("http_request_duration_seconds")
                     .Help("Time from a request's last byte read to its response handed to the socket.")
                     .Register(*registry_)),
      open_(prometheus::BuildGauge()
                .Name("gateway_connections_open")
                .Help("Client connections admitted and not yet closed.")
                .Register(*registry_)
                .Add({})),
      accept_errors_(prometheus::BuildCounter()
                         .Name("gateway_accept_errors_total")
                         .Help("Failed accepts (EMFILE and the like); each one backs the acceptor off.")
                         .Register(*registry_)
                         .Add({})) {
  for (const std::string& route : routes) {
    histograms_.try_emplace(route, &durations_.Add({{"route", route}}, Buckets()));
  }
  auto& refused = prometheus::BuildCounter()
                      .Name("gateway_connections_refused_total")
                      .Help("Client connections refused by the per-address or the total cap.")
                      .Register(*registry_);
  for (const char* reason : {"per_address", "total"}) {
    refused_.try_emplace(reason, &refused.Add({{"reason", reason}}));
  }
  auto& cut = prometheus::BuildCounter()
                  .Name("gateway_connections_closed_total")
                  .Help("Client connections the gateway closed on its own, by reason.")
                  .Register(*registry_);
  for (const char* reason : {"idle_evicted", "header_timeout", "body_timeout", "write_timeout", "refusal_overflow"}) {
    cut_.try_emplace(reason, &cut.Add({{"reason", reason}}));
  }
}

void HttpMetrics::ConnectionRefused(absl::string_view reason) {
  if (auto it = refused_.find(reason); it != refused_.end()) {
    it->second->Increment();
  }
}

void HttpMetrics::ConnectionCut(absl::string_view reason) {
  if (auto it = cut_.find(reason); it != cut_.end()) {
    it->second->Increment();
  }
}

void HttpMetrics::Observe(absl::string_view method, const std::string& route, int code, double seconds) {
  requests_.Add({{"method", std::string(method)}, {"route", route}, {"code", absl::StrCat(code)}}).Increment();
  auto it = histograms_.find(route);
  if (it != histograms_.end()) {
    it->second->Observe(seconds);
  }
}

std::string HttpMetrics::Serialize() const { return prometheus::TextSerializer().Serialize(registry_->Collect()); }

}  // namespace minyi::gateway
