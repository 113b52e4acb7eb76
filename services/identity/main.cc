// minyi-identity: wiring only. Accounts and sign-in live in accounts.cc and signin.cc, their SQL in store.cc.
#include <malloc.h>

#include <iostream>

#include "absl/strings/str_cat.h"
#include "common/server.h"
#include "identity/config.h"
#include "identity/rpc.h"
#include "identity/store.h"

int main() {
  // Each Argon2id hash takes 19 MiB. A fixed mmap threshold makes such blocks go back to the kernel when
  // freed; glibc's default raises the threshold after the first one and keeps later ones in the heap.
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
  absl::StatusOr<minyi::identity::IdentityConfig> config = minyi::identity::LoadIdentityConfig();
  if (!config.ok()) {
    std::cerr << "minyi-identity: " << config.status() << "\n";
    return 1;
  }
  auto host = minyi::ServiceHost::Create({.name = "identity",
                                          .default_grpc_port = 7100,
                                          .migrations = &minyi::identity::Migrations(),
                                          .statements = minyi::identity::Statements()});
  if (!host.ok()) {
    std::cerr << "minyi-identity: " << host.status() << "\n";
    return 1;
  }
  const minyi::ServiceConfig& sc = (*host)->config();
  // Tokens this process signs must verify everywhere: its key has to be in the bundle every verifier reads.
  bool published = false;
  for (const minyi::EcPublicKey& key : sc.token_keys) {
    published = published || key.kid == config->signing_key.public_key.kid;
  }
  if (!published) {
    std::cerr << "minyi-identity: configuration: the public key of MINYI_TOKEN_SIGNING_KEY is not in "
                 "MINYI_TOKEN_VERIFY_KEYS; add it there first (README, Rotating keys)\n";
    return 1;
  }
  minyi::TokenIssuer issuer(config->signing_key, sc.jwt_audience);
  minyi::identity::RevocationMirror revocations((*host)->pool(), sc.redis_addr, (*host)->revocations());
  minyi::identity::SignInThrottle throttle(sc.redis_addr);
  minyi::identity::HashingSlots hashing(config->hashing_slots);
  const minyi::identity::Sessions sessions{.issuer = issuer,
                                           .verifier = (*host)->token_verifier(),
                                           .revocations = revocations,
                                           .throttle = throttle,
                                           .hashing = hashing};
  minyi::identity::Accounts accounts((*host)->pool(), (*host)->authorizer(), sessions);
  minyi::identity::SignIn sign_in((*host)->pool(), (*host)->authorizer(), sessions);
  minyi::identity::IdentityRpc service(accounts, sign_in);
  if (!config->bootstrap_password.empty()) {
    if (absl::Status st = accounts.BootstrapAdmin(config->bootstrap_password); !st.ok()) {
      std::cerr << "minyi-identity: " << st << "\n";
      return 1;
    }
  }
  (*host)->AddService(&service);
  // PostgreSQL holds the revocations; this keeps Redis (and so every process) in step with it.
  (*host)->AddPeriodicTask("revocation mirror", absl::Seconds(2), [&revocations] { return revocations.Sync(); });
  return (*host)->Run();
}
