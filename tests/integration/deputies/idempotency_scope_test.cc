// Idempotency keys belong to a caller and a method: the same key from another account, or on another
// method, is new work — never a replay of someone else's response, never a conflict with it.

#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "integration/deputies/fixture.h"
#include "support/platform.h"

namespace minyi::testing {
namespace {

namespace v1 = ::minyi::deputies::v1;

std::string StaffAccount(const std::string& account) { return AccountToken(account, minyi::common::v1::ROLE_STAFF); }

v1::CreateStationRequest StationRequest(const std::string& display_name) {
  v1::CreateStationRequest req;
  req.mutable_station()->set_display_name(display_name);
  req.mutable_station()->set_kind(v1::STATION_KIND_VILLAGE);
  return req;
}

using IdempotencyScopeTest = DeputiesServiceTest;

TEST_F(IdempotencyScopeTest, TheSameKeyFromTwoAccountsIsTwoPiecesOfWork) {
  const std::string key = "create-station-shared-key";
  const v1::CreateStationRequest req = StationRequest("两账户同键联络站");
  v1::Station first;
  v1::Station second;
  v1::Station replay;
  ASSERT_TRUE(stub_->CreateStation(CallContext(StaffAccount("scope-staff-1"), key).get(), req, &first).ok());
  grpc::Status st = stub_->CreateStation(CallContext(StaffAccount("scope-staff-2"), key).get(), req, &second);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_NE(second.name(), first.name()) << "another account's key must not replay the first one's response";

  // Each account's own retry still replays its own response.
  ASSERT_TRUE(stub_->CreateStation(CallContext(StaffAccount("scope-staff-2"), key).get(), req, &replay).ok());
  EXPECT_EQ(replay.name(), second.name());

  // A different request under the other account's key is that account's business, not a reuse conflict.
  v1::Station third;
  st = stub_->CreateStation(CallContext(StaffAccount("scope-staff-3"), key).get(), StationRequest("第三账户联络站"),
                            &third);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_NE(third.name(), first.name());
  EXPECT_NE(third.name(), second.name());
}

TEST_F(IdempotencyScopeTest, TheSameKeyOnTwoMethodsIsTwoPiecesOfWork) {
  const std::string token = StaffAccount("scope-staff-methods");
  const std::string key = "one-key-two-methods";
  v1::Station station;
  ASSERT_TRUE(stub_->CreateStation(CallContext(token, key).get(), StationRequest("两方法同键联络站"), &station).ok());

  v1::CreateDeputyRequest req;
  req.mutable_deputy()->set_display_name("郑同键");
  req.mutable_deputy()->set_level(v1::LEVEL_COUNTY);
  req.mutable_deputy()->set_term(2);
  req.mutable_deputy()->add_stations(station.name());
  v1::Deputy deputy;
  grpc::Status st = stub_->CreateDeputy(CallContext(token, key).get(), req, &deputy);
  ASSERT_TRUE(st.ok()) << "the key used on CreateStation must not block CreateDeputy: " << st.error_message();
  EXPECT_THAT(deputy.name(), ::testing::StartsWith("deputies/"));
  EXPECT_EQ(deputy.display_name(), "郑同键");

  // And the deputy is really there, not a response made up from the station's.
  v1::GetDeputyRequest get;
  get.set_name(deputy.name());
  v1::Deputy got;
  st = stub_->GetDeputy(CallContext(token).get(), get, &got);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(got.display_name(), "郑同键");
}

}  // namespace
}  // namespace minyi::testing
