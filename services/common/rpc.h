#pragma once

#include <utility>

#include "absl/status/status.h"
#include "common/call.h"
#include "common/status.h"
#include "common/workers.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"

namespace minyi {

// The Call a handler sees: the credentials, request id, Idempotency-Key and client address in the call's
// metadata.
Call CallOf(const grpc::ServerContextBase& ctx);

// The one adapter between gRPC and a handler: runs `handler(call)` (an absl::Status function) on the
// call workers and finishes the call with its status. Every RPC method of every service is one line of
// this. A call whose client gave up while it waited for a worker (deadline passed, connection gone) is not
// started: after a burst the backlog drains instead of doing work nobody waits for.
template <typename Handler>
grpc::ServerUnaryReactor* Serve(grpc::CallbackServerContext* ctx, Handler handler) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  CallWorkers().Submit([ctx, reactor, handler = std::move(handler)]() mutable {
    reactor->Finish(ctx->IsCancelled() ? grpc::Status::CANCELLED : ToGrpc(handler(CallOf(*ctx))));
  });
  return reactor;
}

// The usual shape: a handler object's method taking the call, the request and the response.
template <typename Object, typename Request, typename Response>
grpc::ServerUnaryReactor* Serve(grpc::CallbackServerContext* ctx, Object& object,
                                absl::Status (Object::*method)(const Call&, const Request&, Response*),
                                const Request* request, Response* response) {
  return Serve(ctx, [&object, method, request, response](const Call& call) {
    return (object.*method)(call, *request, response);
  });
}

}  // namespace minyi
