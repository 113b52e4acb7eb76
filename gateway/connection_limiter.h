#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "boost/asio/ip/address.hpp"

namespace minyi::gateway {

// Who gets a client connection, decided at accept as a production HTTP front does it: a cap per client
// address (nginx's limit_conn, but counting every open connection, idle ones included) and one in total.
// When a cap is reached, the oldest connection idling between keep-alive requests (of that address, for
// the address cap) is closed to make room before anyone is refused; a connection that never completed a
// request is not "idle" here, the header timeout deals with it. A refused connection is still answered
// (429 for its address, 503 in total, with Retry-After) while fewer than `max_refusing` refusals are
// under way, and closed without a word beyond that, so refusing stays bounded too. No I/O; thread-safe.
class ConnectionLimiter final {
 public:
  struct Limits {
    int max_total = 4096;
    int max_per_address = 256;  // 0: no cap per address
    int max_refusing = 64;
  };

  enum class Outcome {
    kAdmitted,
    kRefusedPerAddress,  // answered 429 (or closed, with `answer` false)
    kRefusedTotal,       // answered 503 (or closed, with `answer` false)
  };

  struct Admission {
    Outcome outcome = Outcome::kAdmitted;
    // A refusal with a slot to answer in. Admitted connections are always served.
    bool answer = true;
    // Hand to Release when the socket is closed; 0 for a refusal closed at once.
    std::uint64_t id = 0;
    // When set, an idle connection was dropped to make room: call it, outside any lock, to close it.
    std::function<void()> evict;
  };

  struct Counts {
    int open = 0;      // admitted and not yet released (evicted ones not counted)
    int refusing = 0;  // refusals being answered
    int idle = 0;      // admitted ones idling between keep-alive requests
  };

  explicit ConnectionLimiter(Limits limits) : limits_(limits) {}

  // The address caps count by: the address itself, but an IPv6 address by its /64, which one client
  // usually holds whole. IPv4-mapped IPv6 addresses count as their IPv4 address.
  static std::string AddressKey(const boost::asio::ip::address& address);

  Admission Admit(absl::string_view address_key);

  // The admitted connection `id` waits for its next request on a kept-alive connection: it may be closed,
  // with `close`, to make room. `close` may be called on any thread.
  void MarkIdle(std::uint64_t id, std::function<void()> close);
  // The first byte of its next request arrived. False when the connection was evicted in the meantime:
  // its `close` was or will be called, and the caller must not serve it.
  bool MarkBusy(std::uint64_t id);
  // The socket is closed. A no-op for an evicted connection.
  void Release(std::uint64_t id);
  // Evicts every idle connection (the server is draining) and returns their `close`s, to call outside
  // any lock.
  std::vector<std::function<void()>> EvictIdle();

  Counts counts() const;

 private:
  struct Connection {
    std::string address;
    bool refusing = false;
    std::uint64_t idle_since = 0;  // idle order (0: busy)
    std::function<void()> close;   // while idle
  };
  struct Address {
    int open = 0;
    std::map<std::uint64_t, std::uint64_t> idle;  // idle order -> connection id, oldest first
  };

  // Drops the idle connection `id` from the books and returns its `close`.
  std::function<void()> EvictLocked(std::uint64_t id) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void ForgetLocked(std::uint64_t id, Connection& connection) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const Limits limits_;
  mutable absl::Mutex mu_;
  std::uint64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
  std::uint64_t next_idle_ ABSL_GUARDED_BY(mu_) = 1;
  int open_ ABSL_GUARDED_BY(mu_) = 0;
  int refusing_ ABSL_GUARDED_BY(mu_) = 0;
  absl::flat_hash_map<std::uint64_t, Connection> connections_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, Address> addresses_ ABSL_GUARDED_BY(mu_);
  std::map<std::uint64_t, std::uint64_t> idle_ ABSL_GUARDED_BY(mu_);  // idle order -> id, oldest first
};

}  // namespace minyi::gateway
