#include "common/service_client.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace minyi {

ServiceCredentials::ServiceCredentials(const TokenSigner& signer, absl::string_view service_name)
    : signer_(signer), account_(absl::StrCat("service-", service_name)) {}

std::unique_ptr<grpc::ClientContext> ServiceCredentials::Context(absl::Duration timeout) {
  std::string token;
  {
    absl::MutexLock lock(&mu_);
    const absl::Time now = absl::Now();
    if (now >= renew_) {
      Caller service;
      service.set_account_id(account_);
      service.set_role(minyi::common::v1::ROLE_STAFF);
      // A failure keeps the previous token; the callee then answers UNAUTHENTICATED, which is reported.
      if (absl::StatusOr<std::string> issued = signer_.Issue(service, now); issued.ok()) {
        token_ = *std::move(issued);
        renew_ = now + signer_.ttl() / 2;
      }
    }
    token = token_;
  }
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->AddMetadata("authorization", absl::StrCat("Bearer ", token));
  ctx->set_deadline(std::chrono::system_clock::now() + absl::ToChronoMilliseconds(timeout));
  return ctx;
}

absl::Status FromGrpc(const grpc::Status& status, absl::string_view what) {
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), absl::StrCat(what, ": ", status.error_message()));
}

}  // namespace minyi
