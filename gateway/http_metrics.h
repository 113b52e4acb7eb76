#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace minyi::gateway {

// The gateway's Prometheus metrics: http_requests_total{method,route,code} and
// http_request_duration_seconds{route}, where `route` is the path template, never the raw path, so the
// label set stays bounded whatever clients send; and the connections: gateway_connections_open,
// gateway_connections_refused_total{reason} (per_address, total), gateway_connections_closed_total{reason}
// (the gateway's own closes: idle_evicted, header_timeout, body_timeout, write_timeout, refusal_overflow)
// and gateway_accept_errors_total. Every label value exists from the start, at 0.
class HttpMetrics final {
 public:
  // `routes`: every route label known at start, so their histograms exist before the first request.
  explicit HttpMetrics(const std::vector<std::string>& routes);

  void Observe(absl::string_view method, const std::string& route, int code, double seconds);

  // Read from the limiter when scraped.
  void SetOpenConnections(int open) { open_.Set(open); }
  // `reason`: "per_address" or "total".
  void ConnectionRefused(absl::string_view reason);
  // `reason`: one of the gateway_connections_closed_total reasons above.
  void ConnectionCut(absl::string_view reason);
  void AcceptFailed() { accept_errors_.Increment(); }

  // The Prometheus text exposition format (version 0.0.4).
  std::string Serialize() const;

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& durations_;
  prometheus::Gauge& open_;
  prometheus::Counter& accept_errors_;
  // Filled in the constructor only, then read-only: no lock on the request path.
  absl::flat_hash_map<std::string, prometheus::Histogram*> histograms_;
  absl::flat_hash_map<std::string, prometheus::Counter*> refused_;
  absl::flat_hash_map<std::string, prometheus::Counter*> cut_;
};

}  // namespace minyi::gateway
