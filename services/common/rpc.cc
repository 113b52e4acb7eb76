#include "common/rpc.h"

#include <chrono>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/auth.h"

namespace minyi {
namespace {

std::optional<std::string> Metadata(const grpc::ServerContextBase& ctx, const char* key) {
  const auto& md = ctx.client_metadata();
  auto it = md.find(key);
  if (it == md.end()) {
    return std::nullopt;
  }
  return std::string(it->second.data(), it->second.size());
}

// The client's address as the gateway saw it (its socket peer), or this call's peer without the port.
std::string ClientAddress(const grpc::ServerContextBase& ctx) {
  if (std::optional<std::string> forwarded = Metadata(ctx, "x-forwarded-for"); forwarded && !forwarded->empty()) {
    return *forwarded;
  }
  std::string peer = ctx.peer();
  if (const size_t colon = peer.rfind(':'); colon != std::string::npos) {
    peer.resize(colon);
  }
  return peer;
}

}  // namespace

Call CallOf(const grpc::ServerContextBase& ctx) {
  return {.authorization = Metadata(ctx, "authorization").value_or(""),
          .service_credential = Metadata(ctx, kServiceCredentialMetadata).value_or(""),
          .request_id = Metadata(ctx, "x-request-id").value_or(""),
          .idempotency_key = Metadata(ctx, "idempotency-key"),
          .client_address = ClientAddress(ctx)};
}

absl::Time DeadlineOf(const grpc::ServerContextBase& ctx) {
  const std::chrono::system_clock::time_point deadline = ctx.deadline();
  // gRPC gives time_point::max() for "no deadline", which absl::FromChrono would not survive.
  if (deadline == std::chrono::system_clock::time_point::max()) {
    return absl::InfiniteFuture();
  }
  return absl::FromChrono(deadline);
}

RpcService::RpcService(absl::string_view full_name)
    : full_name_(full_name),
      descriptor_(google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(full_name_)) {
  if (descriptor_ == nullptr) {
    problems_.push_back(absl::StrCat("no service ", full_name_, " is linked in"));
    return;
  }
  for (int i = 0; i < descriptor_->method_count(); ++i) {
    paths_.push_back(absl::StrCat("/", full_name_, "/", descriptor_->method(i)->name()));
  }
  bound_.assign(paths_.size(), false);
}

const std::string* RpcService::Claim(absl::string_view method, const google::protobuf::Descriptor& request,
                                     const google::protobuf::Descriptor& response) {
  const google::protobuf::MethodDescriptor* m =
      descriptor_ == nullptr ? nullptr : descriptor_->FindMethodByName(std::string(method));
  if (m == nullptr) {
    problems_.push_back(absl::StrCat(full_name_, " has no method ", method));
    return nullptr;
  }
  if (m->input_type() != &request || m->output_type() != &response || m->client_streaming() || m->server_streaming()) {
    problems_.push_back(
        absl::StrCat(m->full_name(), " is bound to a handler of ", request.full_name(), " -> ", response.full_name()));
    return nullptr;
  }
  if (bound_[m->index()]) {
    problems_.push_back(absl::StrCat(m->full_name(), " is bound twice"));
    return nullptr;
  }
  bound_[m->index()] = true;
  return &paths_[m->index()];
}

absl::Status RpcService::Complete() const {
  std::vector<std::string> problems = problems_;
  for (size_t i = 0; i < bound_.size(); ++i) {
    if (!bound_[i]) {
      problems.push_back(absl::StrCat(descriptor_->method(static_cast<int>(i))->full_name(), " is not bound"));
    }
  }
  if (problems.empty()) {
    return absl::OkStatus();
  }
  return absl::InternalError(absl::StrJoin(problems, "; "));
}

}  // namespace minyi
