#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/call.h"
#include "common/status.h"
#include "common/workers.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/impl/codegen/server_callback_handlers.h"
#include "grpcpp/impl/rpc_service_method.h"
#include "grpcpp/impl/service_type.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"

namespace minyi {

// The Call a handler sees: the credentials, request id, Idempotency-Key and client address in the call's
// metadata.
Call CallOf(const grpc::ServerContextBase& ctx);
// The call's deadline, absl::InfiniteFuture() when the client set none.
absl::Time DeadlineOf(const grpc::ServerContextBase& ctx);

// The one adapter between gRPC and a handler: runs `handler(call)` (an absl::Status function) on the
// call workers and finishes the call with its status. A call whose client gave up while it waited for a
// worker (deadline passed, connection gone) is not started: after a burst the backlog drains instead of
// doing work nobody waits for. The handler runs under the call's deadline (CallDeadline).
template <typename Handler>
grpc::ServerUnaryReactor* Serve(grpc::CallbackServerContext* ctx, Handler handler) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  CallWorkers().Submit([ctx, reactor, handler = std::move(handler)]() mutable {
    if (ctx->IsCancelled()) {
      reactor->Finish(grpc::Status::CANCELLED);
      return;
    }
    const CallDeadline deadline(DeadlineOf(*ctx));
    reactor->Finish(ToGrpc(handler(CallOf(*ctx))));
  });
  return reactor;
}

// A gRPC service made from its proto descriptor: each RPC is one line binding it to the handler method that
// owns it, and no generated service class is written against. Binding checks the request and response types
// against the descriptor; Complete() says what is unbound or wrong, and ServiceHost refuses to start until
// it is ok, so a method added to a proto cannot go unserved.
class RpcService final : public grpc::Service {
 public:
  // `full_name` as the generated code gives it: v1::Deputies::service_full_name().
  explicit RpcService(absl::string_view full_name);

  // The usual shape: a handler object's method taking the call, the request and the response.
  template <typename Object, typename Request, typename Response>
  RpcService& Bind(absl::string_view method, Object& object,
                   absl::Status (Object::*handler)(const Call&, const Request&, Response*)) {
    return BindReactor<Request, Response>(
        method, [&object, handler](grpc::CallbackServerContext* ctx, const Request* request, Response* response) {
          return Serve(ctx, [&object, handler, request, response](const Call& call) {
            return (object.*handler)(call, *request, response);
          });
        });
  }

  // A method that finishes its call itself (voting's CastBallot joins a batch that finishes it).
  template <typename Request, typename Response>
  RpcService& BindReactor(
      absl::string_view method,
      std::function<grpc::ServerUnaryReactor*(grpc::CallbackServerContext*, const Request*, Response*)> reactor) {
    if (const std::string* name = Claim(method, *Request::descriptor(), *Response::descriptor())) {
      AddMethod(new grpc::internal::RpcServiceMethod(name->c_str(), grpc::internal::RpcMethod::NORMAL_RPC, nullptr));
      MarkMethodCallback(added_++, new grpc::internal::CallbackUnaryHandler<Request, Response>(std::move(reactor)));
    }
    return *this;
  }

  // OK when every method of the service is bound once with its own types; otherwise names each problem.
  absl::Status Complete() const;

 private:
  // The method's "/package.Service/Method" name, kept for the server's lifetime, or null (the problem is
  // recorded for Complete()).
  const std::string* Claim(absl::string_view method, const google::protobuf::Descriptor& request,
                           const google::protobuf::Descriptor& response);

  std::string full_name_;
  const google::protobuf::ServiceDescriptor* descriptor_;
  std::vector<std::string> paths_;  // by method index; gRPC keeps pointers to them
  std::vector<bool> bound_;
  std::vector<std::string> problems_;
  int added_ = 0;
};

}  // namespace minyi
