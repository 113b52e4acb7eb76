// minyi-identity: wiring only. Settings in config.cc; accounts and sign-in in accounts.cc and signin.cc
// behind rpc.cc; background work in jobs.cc; the SQL in store.cc.
#include <malloc.h>

#include "common/server.h"
#include "identity/codes.h"
#include "identity/config.h"
#include "identity/jobs.h"
#include "identity/rpc.h"
#include "identity/store.h"

namespace identity = minyi::identity;

int main() {
  // Each Argon2id hash takes 19 MiB. A fixed mmap threshold makes such blocks go back to the kernel when
  // freed; glibc's default raises the threshold after the first one and keeps later ones in the heap.
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
  return minyi::ServiceMain<identity::IdentityConfig>(
      {.name = "identity",
       .default_grpc_port = 7100,
       .migrations = &identity::Migrations(),
       .statements = identity::Statements()},
      &identity::LoadIdentityConfig, [](minyi::ServiceHost& host, identity::IdentityConfig& config) {
        const minyi::ServiceConfig& sc = host.config();
        // Tokens this process signs must verify everywhere: its key has to be in the bundle every verifier
        // reads.
        bool published = false;
        for (const minyi::EcPublicKey& key : sc.token_keys) {
          published = published || key.kid == config.signing_key.public_key.kid;
        }
        if (!published) {
          return host.Fail(absl::FailedPreconditionError(
              "configuration: the public key of MINYI_TOKEN_SIGNING_KEY is not in MINYI_TOKEN_VERIFY_KEYS; add it "
              "there first (README, Rotating keys)"));
        }
        minyi::TokenIssuer issuer(config.signing_key, sc.jwt_audience);
        identity::RevocationMirror revocations(host.pool(), sc.redis_addr, host.revocations());
        identity::SignInThrottle throttle(sc.redis_addr);
        identity::HashingSlots hashing(config.hashing_slots);
        // The signing key's PEM keys the codes' hashes: it is a mounted secret, never in the database.
        identity::PhoneCodes codes(host.pool(), config.signing_key.pem, sc.redis_addr, std::move(config.sms),
                                   config.code_ttl);
        const identity::Sessions sessions{.issuer = issuer,
                                          .verifier = host.token_verifier(),
                                          .revocations = revocations,
                                          .throttle = throttle,
                                          .hashing = hashing,
                                          .codes = codes};
        identity::Accounts accounts(host.pool(), host.authorizer(), sessions);
        identity::SignIn sign_in(host.pool(), host.authorizer(), sessions);
        if (!config.bootstrap_password.empty()) {
          if (absl::Status st = accounts.BootstrapAdmin(config.bootstrap_password); !st.ok()) {
            return host.Fail(st);
          }
        }
        host.AddService(identity::IdentityRpc(accounts, sign_in, codes));
        identity::AddJobs(host, revocations, codes);
        return host.Run();
      });
}
