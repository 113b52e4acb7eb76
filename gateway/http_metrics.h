#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace minyi::gateway {

// The gateway's Prometheus metrics: http_requests_total{method,route,code} and
// http_request_duration_seconds{route}. `route` is the path template, never the raw path, so the label
// set stays bounded whatever clients send.
class HttpMetrics final {
 public:
  // `routes`: every route label known at start, so their histograms exist before the first request.
  explicit HttpMetrics(const std::vector<std::string>& routes);

  void Observe(absl::string_view method, const std::string& route, int code, double seconds);

  // The Prometheus text exposition format (version 0.0.4).
  std::string Serialize() const;

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& durations_;
  // Filled in the constructor only, then read-only: no lock on the request path.
  absl::flat_hash_map<std::string, prometheus::Histogram*> histograms_;
};

}  // namespace minyi::gateway
