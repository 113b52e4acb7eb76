// tokens: the cost of access tokens and service credentials (Google Benchmark): issuing, verifying a token
// a process has not seen (one ECDSA P-256 verification), verifying one it remembers, and the revocation
// check. Each process pays the uncached verification once per token it meets: after a restart, for every
// client's next call.
#include <benchmark/benchmark.h>

#include "common/auth.h"
#include "common/revocation.h"

namespace {

struct Keys {
  minyi::EcPrivateKey key = *minyi::PrivateKeyFromPem(minyi::GenerateEcKeyPair().private_pem);
  minyi::TokenIssuer issuer{key, "minyi"};
  minyi::Caller caller = [] {
    minyi::Caller c;
    c.set_account_id("42");
    c.set_role(minyi::common::v1::ROLE_DEPUTY);
    c.set_deputy("deputies/7");
    return c;
  }();
};

Keys& K() {
  static Keys* keys = new Keys();
  return *keys;
}

void BM_Issue(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(K().issuer.Issue(K().caller, absl::Now()));
  }
}
BENCHMARK(BM_Issue);

void BM_VerifyUnseen(benchmark::State& state) {
  std::vector<std::string> tokens;
  for (int i = 0; i < 4000; ++i) {
    tokens.push_back(*K().issuer.Issue(K().caller, absl::Now()));
  }
  size_t i = 0;
  for (auto _ : state) {
    // A fresh verifier per batch of tokens: every verification is a first one.
    if (i % tokens.size() == 0) {
      state.PauseTiming();
      i = 0;
      state.ResumeTiming();
    }
    minyi::TokenVerifier verifier({K().key.public_key}, "minyi");
    benchmark::DoNotOptimize(verifier.Verify(tokens[i++], absl::Now()));
  }
}
BENCHMARK(BM_VerifyUnseen);

void BM_VerifyRemembered(benchmark::State& state) {
  minyi::TokenVerifier verifier({K().key.public_key}, "minyi");
  const std::string token = *K().issuer.Issue(K().caller, absl::Now());
  verifier.Verify(token, absl::Now()).IgnoreError();
  for (auto _ : state) {
    benchmark::DoNotOptimize(verifier.Verify(token, absl::Now()));
  }
}
BENCHMARK(BM_VerifyRemembered);

void BM_RevocationCheck(benchmark::State& state) {
  minyi::TokenVerifier verifier({K().key.public_key}, "minyi");
  minyi::RevocationList revocations;
  for (int i = 0; i < 1000; ++i) {
    revocations.Add({.account_id = std::to_string(i), .min_version = 1, .until = absl::Now() + absl::Hours(1)});
  }
  const minyi::VerifiedToken token = *verifier.Verify(*K().issuer.Issue(K().caller, absl::Now()), absl::Now());
  for (auto _ : state) {
    benchmark::DoNotOptimize(revocations.IsRevoked(token, absl::Now()));
  }
}
BENCHMARK(BM_RevocationCheck);

void BM_ServiceCredentialVerify(benchmark::State& state) {
  const minyi::ServiceVerifier verifier({{"voting", K().key.public_key}}, "deputies");
  const std::string credential =
      *minyi::SignServiceCredential(K().key, "voting", "deputies", absl::Now(), absl::Minutes(5));
  for (auto _ : state) {
    benchmark::DoNotOptimize(verifier.Verify(credential, absl::Now()));
  }
}
BENCHMARK(BM_ServiceCredentialVerify);

}  // namespace

BENCHMARK_MAIN();
