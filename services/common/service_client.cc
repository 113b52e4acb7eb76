#include "common/service_client.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/auth.h"

namespace minyi {
namespace {

constexpr absl::Duration kCredentialTtl = absl::Minutes(5);

}  // namespace

ServiceCredentials::ServiceCredentials(EcPrivateKey key, std::string service_name)
    : key_(std::move(key)), service_(std::move(service_name)) {}

std::unique_ptr<grpc::ClientContext> ServiceCredentials::Context(absl::string_view callee, absl::Duration timeout) {
  std::string credential;
  {
    absl::MutexLock lock(&mu_);
    const absl::Time now = absl::Now();
    Issued& issued = issued_[std::string(callee)];
    if (now >= issued.renew) {
      // A failure keeps the previous credential; the callee then answers UNAUTHENTICATED, which is reported.
      if (absl::StatusOr<std::string> signed_credential =
              SignServiceCredential(key_, service_, callee, now, kCredentialTtl);
          signed_credential.ok()) {
        issued.credential = *std::move(signed_credential);
        issued.renew = now + kCredentialTtl / 2;
      }
    }
    credential = issued.credential;
  }
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->AddMetadata(kServiceCredentialMetadata, credential);
  ctx->set_deadline(std::chrono::system_clock::now() + absl::ToChronoMilliseconds(timeout));
  return ctx;
}

absl::Status FromGrpc(const grpc::Status& status, absl::string_view what) {
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      absl::StrCat(what, ": ", status.error_message()));
}

}  // namespace minyi
