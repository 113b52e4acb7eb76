#pragma once

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/call.h"
#include "common/pg.h"
#include "common/redis.h"
#include "identity/phone_code.h"
#include "minyi/identity/v1/identity.pb.h"
#include "notifications/provider.h"

namespace minyi::identity {

namespace v1 = ::minyi::identity::v1;

// Sends happen per number at most 3 in ten minutes and 10 a day: a person who mistyped or did not get
// the message asks again, but nobody can bomb a phone with texts. Per client address, 30 in ten minutes
// leaves room for a service hall's shared address and stops a script walking through numbers.
inline constexpr SendWindow kSendsPerNumber{3, absl::Minutes(10)};
inline constexpr SendWindow kSendsPerNumberDaily{10, absl::Hours(24)};
inline constexpr SendWindow kSendsPerAddress{30, absl::Minutes(10)};

// One-time codes sent by SMS for registration and sign-in (docs/security.md): made, stored as keyed
// hashes, sent through the SMS provider, throttled in Redis, and spent once.
class PhoneCodes final {
 public:
  // `secret` keys the hashes (main.cc passes the token signing key's PEM, which never enters the database);
  // codes live `ttl`.
  PhoneCodes(PgPool& pool, absl::string_view secret, std::string redis_addr,
             std::unique_ptr<minyi::notifications::Provider> sms, absl::Duration ttl);

  // The SendPhoneCode RPC. A sign-in code goes only to a registered number; the answer is alike anyway.
  absl::Status Send(const Call& call, const v1::SendPhoneCodeRequest& request, v1::SendPhoneCodeResponse* response);

  // Tries `code` against the one last sent to `phone` (canonical) for `purpose`, in a transaction of its
  // own so that a wrong try is counted even though the caller's work stops: OK spends the code; otherwise
  // INVALID_ARGUMENT naming `field`.
  absl::Status Spend(absl::string_view field, const std::string& phone, v1::CodePurpose purpose,
                     const std::string& code);

  // Deletes codes expired a day ago.
  absl::Status Purge();

 private:
  // Counts a send for the number and the address; how long it must wait (zero: go ahead). UNAVAILABLE when
  // Redis cannot count: unlike sign-in, a send costs money and reaches a stranger's phone, so it fails
  // closed.
  absl::StatusOr<absl::Duration> CountSend(const std::string& phone_key, const std::string& address);

  PgPool& pool_;
  const CodeHasher hasher_;
  RedisClient redis_;
  std::unique_ptr<minyi::notifications::Provider> sms_;
  const absl::Duration ttl_;
};

}  // namespace minyi::identity
