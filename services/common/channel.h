#pragma once

#include <memory>
#include <string>

#include "grpcpp/channel.h"

namespace minyi {

// A channel to another process of the platform (the gateway's backends, a service calling another).
// gRPC's default reconnect backoff (1 s growing by 1.6 up to 120 s) leaves a peer that is back unused for
// up to 9 s after a restart of a few seconds, failing calls meanwhile. These retry from 100 ms, capped at
// 1 s: a refused connect on loopback or a cluster network costs next to nothing, and one attempt a second
// per peer is no load. Each attempt may still take 1 s to connect, ample on those networks.
std::shared_ptr<grpc::Channel> PeerChannel(const std::string& target);

}  // namespace minyi
