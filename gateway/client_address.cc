#include "client_address.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace minyi::gateway {
namespace {

namespace ip = boost::asio::ip;

// The address as 16 bytes (IPv4 mapped into IPv6), so one comparison serves both families.
ip::address_v6::bytes_type Bytes(const ip::address& a) {
  return a.is_v4() ? ip::make_address_v6(ip::v4_mapped, a.to_v4()).to_bytes() : a.to_v6().to_bytes();
}

bool Parse(absl::string_view text, ip::address* out) {
  boost::system::error_code ec;
  *out = ip::make_address(std::string(absl::StripAsciiWhitespace(text)), ec);
  return !ec;
}

}  // namespace

absl::StatusOr<TrustedProxies> TrustedProxies::Parse(absl::string_view list) {
  TrustedProxies out;
  for (absl::string_view entry : absl::StrSplit(list, ',', absl::SkipWhitespace())) {
    entry = absl::StripAsciiWhitespace(entry);
    std::pair<absl::string_view, absl::string_view> parts = absl::StrSplit(entry, absl::MaxSplits('/', 1));
    Range range;
    const bool ok_address = minyi::gateway::Parse(parts.first, &range.network);
    const int bits = ok_address && range.network.is_v4() ? 32 : 128;
    range.prefix = bits;
    if (!ok_address || (!parts.second.empty() &&
                        (!absl::SimpleAtoi(parts.second, &range.prefix) || range.prefix < 0 || range.prefix > bits))) {
      return absl::InvalidArgumentError(
          absl::StrCat("MINYI_TRUSTED_PROXIES: \"", entry, "\" is not an address or CIDR range"));
    }
    if (range.network.is_v4()) {
      range.prefix += 96;  // compared in the IPv4-mapped IPv6 form
    }
    out.ranges_.push_back(range);
  }
  return out;
}

bool TrustedProxies::Contains(const ip::address& address) const {
  const ip::address_v6::bytes_type bytes = Bytes(address);
  for (const Range& range : ranges_) {
    const ip::address_v6::bytes_type network = Bytes(range.network);
    bool match = true;
    for (int bit = 0; bit < range.prefix && match; ++bit) {
      const int mask = 0x80 >> (bit % 8);
      match = (bytes[bit / 8] & mask) == (network[bit / 8] & mask);
    }
    if (match) {
      return true;
    }
  }
  return false;
}

std::string TrustedProxies::ClientAddress(const ip::address& peer, absl::string_view forwarded_for) const {
  if (!Contains(peer)) {
    return peer.to_string();
  }
  std::vector<absl::string_view> hops = absl::StrSplit(forwarded_for, ',', absl::SkipWhitespace());
  for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
    ip::address hop;
    if (!minyi::gateway::Parse(*it, &hop)) {
      break;  // what lies left of a malformed hop was written by someone not trusted
    }
    if (!Contains(hop)) {
      return hop.to_string();
    }
  }
  return peer.to_string();
}

}  // namespace minyi::gateway
