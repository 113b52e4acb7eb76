#pragma once

#include <string>

#include "google/protobuf/message.h"

namespace minyi::testing {

// A message as the gateway prints it (proto3 JSON); a failure to print fails the test.
std::string JsonOf(const google::protobuf::Message& message);

}  // namespace minyi::testing
