#include "support/proto_json.h"

#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"

namespace minyi::testing {

std::string JsonOf(const google::protobuf::Message& message) {
  std::string out;
  EXPECT_TRUE(google::protobuf::util::MessageToJsonString(message, &out).ok());
  return out;
}

}  // namespace minyi::testing
