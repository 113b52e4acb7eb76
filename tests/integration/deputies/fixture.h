#pragma once

// The fixture every deputies integration suite shares: the minyi-deputies binary as it ships, started
// once per suite on a fresh database, a stub to it, and tokens for any role (see ServiceFixture).

#include "minyi/deputies/v1/deputies.grpc.pb.h"
#include "support/service_fixture.h"

namespace minyi::testing {

class DeputiesServiceTest : public ServiceFixture<minyi::deputies::v1::Deputies> {
 protected:
  static void SetUpTestSuite() { StartSuite("deputies"); }
};

}  // namespace minyi::testing
