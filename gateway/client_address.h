#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "boost/asio/ip/address.hpp"

namespace minyi::gateway {

// Who the client is when the gateway stands behind proxies (an ingress): the socket peer, unless it is
// one of the trusted proxies, in which case the address the proxies recorded in X-Forwarded-For. The
// per-address sign-in throttle counts by this address, so behind an ingress it counts each client, not the
// ingress. Only trusted proxies are believed: a client's own X-Forwarded-For from anywhere else is ignored.
class TrustedProxies final {
 public:
  // "10.0.0.0/8,fd00::/8,192.168.1.7" (an address alone is a /32 or /128). INVALID_ARGUMENT naming the
  // bad entry; empty: no proxy is trusted.
  static absl::StatusOr<TrustedProxies> Parse(absl::string_view list);

  bool Contains(const boost::asio::ip::address& address) const;

  // The client's address for a connection from `peer` that carried `forwarded_for` (the X-Forwarded-For
  // header, possibly several comma-separated hops): walking the hops from the right, the first address
  // that is not a trusted proxy; the peer itself when it is not trusted, or when the header holds no usable
  // address.
  std::string ClientAddress(const boost::asio::ip::address& peer, absl::string_view forwarded_for) const;

 private:
  struct Range {
    boost::asio::ip::address network;
    int prefix = 0;
  };
  std::vector<Range> ranges_;
};

}  // namespace minyi::gateway
