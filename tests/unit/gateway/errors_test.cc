#include "errors.h"

#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace minyi::gateway {
namespace {

using ::testing::HasSubstr;

TEST(HttpStatusFromCodeTest, FollowsGrpcGateway) {
  const std::pair<grpc::StatusCode, int> kTable[] = {
      {grpc::OK, 200},
      {grpc::CANCELLED, 499},
      {grpc::UNKNOWN, 500},
      {grpc::INVALID_ARGUMENT, 400},
      {grpc::DEADLINE_EXCEEDED, 504},
      {grpc::NOT_FOUND, 404},
      {grpc::ALREADY_EXISTS, 409},
      {grpc::PERMISSION_DENIED, 403},
      {grpc::UNAUTHENTICATED, 401},
      {grpc::RESOURCE_EXHAUSTED, 429},
      {grpc::FAILED_PRECONDITION, 400},
      {grpc::ABORTED, 409},
      {grpc::OUT_OF_RANGE, 400},
      {grpc::UNIMPLEMENTED, 501},
      {grpc::INTERNAL, 500},
      {grpc::UNAVAILABLE, 503},
      {grpc::DATA_LOSS, 500},
  };
  for (const auto& [code, http] : kTable) {
    EXPECT_EQ(HttpStatusFromCode(code), http) << "code " << code;
  }
  EXPECT_EQ(HttpStatusFromCode(99), 500);
}

TEST(ErrorBodyTest, RendersBackendDetailsWithTypes) {
  google::rpc::Status details;
  google::rpc::ErrorInfo info;
  info.set_reason("DEPUTY_NOT_FOUND");
  info.set_domain("minyi.deputies");
  details.add_details()->PackFrom(info);
  google::rpc::BadRequest bad;
  auto* v = bad.add_field_violations();
  v->set_field("deputy.phone");
  v->set_description("11 digits");
  details.add_details()->PackFrom(bad);

  grpc::Status status(grpc::NOT_FOUND, "deputies/12 不存在", details.SerializeAsString());
  nlohmann::json body = nlohmann::json::parse(ErrorBody(ToRpcStatus(status)));
  EXPECT_EQ(body["code"], 5);
  EXPECT_EQ(body["message"], "deputies/12 不存在");
  ASSERT_EQ(body["details"].size(), 2u);
  EXPECT_EQ(body["details"][0]["@type"], "type.googleapis.com/google.rpc.ErrorInfo");
  EXPECT_EQ(body["details"][0]["reason"], "DEPUTY_NOT_FOUND");
  EXPECT_EQ(body["details"][1]["@type"], "type.googleapis.com/google.rpc.BadRequest");
  EXPECT_EQ(body["details"][1]["fieldViolations"][0]["field"], "deputy.phone");
}

TEST(ErrorBodyTest, WithoutDetailsOrWithGarbageDetails) {
  nlohmann::json plain = nlohmann::json::parse(ErrorBody(ToRpcStatus(grpc::Status(grpc::UNAVAILABLE, "down"))));
  // As every answer, an error prints its fields at their defaults: no details is an empty list.
  EXPECT_EQ(plain, nlohmann::json({{"code", 14}, {"message", "down"}, {"details", nlohmann::json::array()}}));

  nlohmann::json garbage =
      nlohmann::json::parse(ErrorBody(ToRpcStatus(grpc::Status(grpc::INTERNAL, "x", "\xff\xff not a proto"))));
  EXPECT_EQ(garbage["code"], 13);
  EXPECT_EQ(garbage["message"], "x");
}

TEST(ErrorBodyTest, DropsDetailsOfUnknownTypesButKeepsTheRest) {
  google::rpc::Status status;
  status.set_code(3);
  status.set_message("bad");
  google::protobuf::Any* unknown = status.add_details();
  unknown->set_type_url("type.googleapis.com/nobody.Knows");
  unknown->set_value("\x08\x01");
  google::rpc::ErrorInfo info;
  info.set_reason("X");
  status.add_details()->PackFrom(info);
  nlohmann::json body = nlohmann::json::parse(ErrorBody(status));
  ASSERT_EQ(body["details"].size(), 1u);
  EXPECT_EQ(body["details"][0]["reason"], "X");
}

TEST(ToRpcStatusTest, AbslPayloadsBecomeDetails) {
  absl::Status s = InvalidFieldError("page_size", "must not be negative");
  google::rpc::Status rpc = ToRpcStatus(s);
  EXPECT_EQ(rpc.code(), 3);
  EXPECT_THAT(rpc.message(), HasSubstr("page_size"));
  nlohmann::json body = nlohmann::json::parse(ErrorBody(rpc));
  EXPECT_EQ(body["details"][0]["fieldViolations"][0]["field"], "page_size");
  EXPECT_EQ(body["details"][0]["fieldViolations"][0]["description"], "must not be negative");
}

TEST(ToRpcStatusTest, ClientBytesThatAreNotUtf8AreReplacedNotDropped) {
  // Found by fuzz_transcoder: such bytes made protobuf log an error line per request and were silently
  // dropped from the JSON.
  ::testing::internal::CaptureStderr();
  google::rpc::Status rpc =
      ToRpcStatus(InvalidFieldError("\xFF"
                                    "ab",
                                    "invalid value \"\xFE\""));
  const std::string body = ErrorBody(rpc);
  EXPECT_THAT(::testing::internal::GetCapturedStderr(), ::testing::Not(HasSubstr("libprotobuf ERROR")));
  EXPECT_EQ(rpc.message(),
            "\uFFFD"
            "ab: invalid value \"\uFFFD\"");
  nlohmann::json parsed = nlohmann::json::parse(body);
  EXPECT_EQ(parsed["message"], rpc.message());
  EXPECT_EQ(parsed["details"][0]["fieldViolations"][0]["field"],
            "\uFFFD"
            "ab");
}

}  // namespace
}  // namespace minyi::gateway
