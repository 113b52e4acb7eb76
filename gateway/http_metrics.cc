#include "http_metrics.h"

#include "absl/strings/str_cat.h"
#include "prometheus/text_serializer.h"

namespace minyi::gateway {
namespace {

const prometheus::Histogram::BucketBoundaries& Buckets() {
  static const prometheus::Histogram::BucketBoundaries kBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
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
                     .Register(*registry_)) {
  for (const std::string& route : routes) {
    histograms_.try_emplace(route, &durations_.Add({{"route", route}}, Buckets()));
  }
}

void HttpMetrics::Observe(absl::string_view method, const std::string& route, int code, double seconds) {
  requests_.Add({{"method", std::string(method)}, {"route", route}, {"code", absl::StrCat(code)}}).Increment();
  auto it = histograms_.find(route);
  if (it != histograms_.end()) {
    it->second->Observe(seconds);
  }
}

std::string HttpMetrics::Serialize() const {
  return prometheus::TextSerializer().Serialize(registry_->Collect());
}

}  // namespace minyi::gateway
