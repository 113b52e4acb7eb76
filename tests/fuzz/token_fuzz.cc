// libFuzzer target: the access-token and service-credential parsers (services/common/jwt.*, auth.*) and
// the revocation list's reading of the Redis hash (revocation.*). Input: any bytes, taken as a token.
//
// The key below signs the corpus's seed tokens and nothing else: it is a fuzzing fixture, never a
// deployment's key (no process takes keys from source).

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "common/auth.h"
#include "common/revocation.h"
#include "fuzz_check.h"

namespace {

constexpr char kFixtureKey[] = R"(-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg86yiy9kkg9ryWZyT
Z23WWF2bBu1Aa0RhQmvYRWNIl02hRANCAAQ/bJtTlsTtRXdK5ug2q2n+s2fw76sH
RzoiMmPsX+vQr+AIahR6VoRkFnKye8zFXMxMRg8BAbiXRJqdfUnFLEID
-----END PRIVATE KEY-----
)";
// Inside the seed tokens' window (issued at 1,800,000,000 for 30 minutes).
const absl::Time kNow = absl::FromUnixSeconds(1'800'000'100);

struct Fixture {
  minyi::EcPrivateKey key = *minyi::PrivateKeyFromPem(kFixtureKey);
  minyi::TokenVerifier tokens{{key.public_key}, "minyi"};
  minyi::ServiceVerifier services{{{"voting", key.public_key}}, "deputies"};
  minyi::RevocationList revocations;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Fixture* f = new Fixture();
  const std::string input(reinterpret_cast<const char*>(data), size);

  absl::StatusOr<minyi::VerifiedToken> token = f->tokens.Verify(input, kNow);
  if (token.ok()) {
    // Only a token the fixture key signed gets here; what it says must be a user's identity.
    const minyi::Caller& c = token->caller;
    FUZZ_CHECK(!c.account_id().empty() && !c.token_id().empty());
    FUZZ_CHECK(c.role() != minyi::common::v1::ROLE_UNSPECIFIED && c.role() != minyi::common::v1::ROLE_SERVICE);
    FUZZ_CHECK(minyi::common::v1::Role_IsValid(c.role()));
    FUZZ_CHECK(token->not_before <= kNow + absl::Seconds(30) && kNow <= token->expires + absl::Seconds(30));
  } else {
    FUZZ_CHECK(token.status().code() == absl::StatusCode::kUnauthenticated);
  }
  // The remembered answer is the answer.
  absl::StatusOr<minyi::VerifiedToken> again = f->tokens.Verify(input, kNow);
  FUZZ_CHECK(again.ok() == token.ok());
  // The bearer form agrees, and revocation never makes a bad token good.
  absl::StatusOr<minyi::VerifiedToken> bearer = minyi::VerifyBearer("Bearer " + input, f->tokens, f->revocations, kNow);
  FUZZ_CHECK(!bearer.ok() || token.ok());

  // A user token is never a service credential, nor the reverse: the fixture key is both identity's and
  // voting's here, so only the claims keep them apart.
  absl::StatusOr<std::string> service = f->services.Verify(input, kNow);
  FUZZ_CHECK(!(service.ok() && token.ok()));
  if (service.ok()) {
    FUZZ_CHECK(*service == "voting");
  }

  // The input as the Redis hash's field/value pairs (one per line, "field value").
  std::vector<std::pair<std::string, std::string>> entries;
  for (absl::string_view line : absl::StrSplit(input, '\n')) {
    std::pair<std::string, std::string> kv = absl::StrSplit(line, absl::MaxSplits(' ', 1));
    entries.push_back(std::move(kv));
  }
  minyi::RevocationList list;
  list.Merge(entries);
  if (token.ok()) {
    (void)list.IsRevoked(*token, kNow);
  }
  list.Expire(kNow);
  return 0;
}
