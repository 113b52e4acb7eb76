#include "router.h"

#include "gmock/gmock.h"
#include "google/api/annotations.pb.h"
#include "gtest/gtest.h"
#include "minyi/deputies/v1/deputies.pb.h"
#include "transcoder.h"

namespace minyi::gateway {
namespace {

using ::testing::ElementsAre;
using ::testing::FieldsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

Router RealRouter() {
  std::vector<ServiceBinding> services;
  for (const char* backend : {"identity", "deputies"}) {
    absl::StatusOr<std::vector<ServiceBinding>> found =
        ServicesOfBackend(*google::protobuf::DescriptorPool::generated_pool(), backend);
    EXPECT_TRUE(found.ok()) << found.status();
    services.insert(services.end(), found->begin(), found->end());
  }
  absl::StatusOr<Router> router = Router::Build(services);
  EXPECT_TRUE(router.ok()) << router.status();
  return *std::move(router);
}

TEST(RouterTest, EveryAnnotatedRpcOfTheRealProtosHasARoute) {
  Router router = RealRouter();
  std::vector<std::string> ids;
  for (const Route& r : router.routes()) {
    ids.push_back(r.operation_id);
  }
  const auto* deputies =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName("minyi.deputies.v1.Deputies");
  ASSERT_NE(deputies, nullptr);
  for (int i = 0; i < deputies->method_count(); ++i) {
    if (deputies->method(i)->options().HasExtension(google::api::http)) {
      EXPECT_THAT(ids, ::testing::Contains(deputies->method(i)->full_name()));
    }
  }
  EXPECT_THAT(ids, ::testing::Contains("minyi.identity.v1.Identity.IssueToken"));
  // Internal RPCs have no annotation and no route.
  EXPECT_THAT(ids, ::testing::Not(::testing::Contains("minyi.deputies.v1.Deputies.BatchGetDeputyStatuses")));
  EXPECT_THAT(ids, ::testing::Not(::testing::Contains("minyi.identity.v1.Identity.ListAccounts")));
}

TEST(RouterTest, GetDeputyBindsTheResourceName) {
  Router router = RealRouter();
  RouteMatch m = router.Find("GET", "/v1/deputies/12");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->method->full_name(), "minyi.deputies.v1.Deputies.GetDeputy");
  EXPECT_EQ(m.route->grpc_method, "/minyi.deputies.v1.Deputies/GetDeputy");
  EXPECT_EQ(m.route->backend, "deputies");
  EXPECT_THAT(m.bindings, ElementsAre(FieldsAre("name", "deputies/12")));

  minyi::deputies::v1::GetDeputyRequest request;
  ASSERT_TRUE(BuildRequest(*m.route, m.bindings, "", "", &request).ok());
  EXPECT_EQ(request.name(), "deputies/12");
}

TEST(RouterTest, PatchDeputyFillsNestedNameAndBody) {
  Router router = RealRouter();
  RouteMatch m = router.Find("PATCH", "/v1/deputies/3");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->method->full_name(), "minyi.deputies.v1.Deputies.UpdateDeputy");

  minyi::deputies::v1::UpdateDeputyRequest request;
  absl::Status s = BuildRequest(*m.route, m.bindings, "updateMask=displayName,sector",
                                R"({"displayName":"张三","sector":"教育"})", &request);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(request.deputy().name(), "deputies/3");
  EXPECT_EQ(request.deputy().display_name(), "张三");
  EXPECT_EQ(request.deputy().sector(), "教育");
  EXPECT_THAT(request.update_mask().paths(), ElementsAre("display_name", "sector"));
}

TEST(RouterTest, IssueTokenTakesTheWholeBody) {
  Router router = RealRouter();
  RouteMatch m = router.Find("POST", "/v1/auth/token");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->method->full_name(), "minyi.identity.v1.Identity.IssueToken");
  EXPECT_EQ(m.route->body, "*");
  EXPECT_EQ(m.route->backend, "identity");
}

TEST(RouterTest, CollectionAndResourceRoutesAreDistinct) {
  Router router = RealRouter();
  RouteMatch list = router.Find("GET", "/v1/deputies");
  ASSERT_NE(list.route, nullptr);
  EXPECT_EQ(list.route->method->name(), "ListDeputies");
  RouteMatch create = router.Find("POST", "/v1/deputies");
  ASSERT_NE(create.route, nullptr);
  EXPECT_EQ(create.route->method->name(), "CreateDeputy");
  RouteMatch station = router.Find("GET", "/v1/stations/4");
  ASSERT_NE(station.route, nullptr);
  EXPECT_EQ(station.route->method->name(), "GetStation");
}

TEST(RouterTest, ThePublicFamilyIsMarkedAndApartFromTheStaffRoutes) {
  Router router = RealRouter();
  RouteMatch list = router.Find("GET", "/v1/public/stations");
  ASSERT_NE(list.route, nullptr);
  EXPECT_EQ(list.route->method->full_name(), "minyi.deputies.v1.PublicDeputies.ListPublicStations");
  EXPECT_TRUE(list.route->is_public);
  RouteMatch deputy = router.Find("GET", "/v1/public/deputies/4");
  ASSERT_NE(deputy.route, nullptr);
  EXPECT_EQ(deputy.route->method->name(), "GetPublicDeputy");
  EXPECT_TRUE(deputy.route->is_public);
  RouteMatch staff = router.Find("GET", "/v1/deputies/4");
  ASSERT_NE(staff.route, nullptr);
  EXPECT_FALSE(staff.route->is_public);
  // Nothing but reads under /v1/public/.
  for (const Route& route : router.routes()) {
    if (route.is_public) {
      EXPECT_EQ(route.http_method, "GET") << route.path.text();
    }
  }
}

TEST(RouterTest, WrongMethodListsTheAllowedOnes) {
  Router router = RealRouter();
  RouteMatch m = router.Find("DELETE", "/v1/deputies/12");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_THAT(m.allowed_methods, UnorderedElementsAre("GET", "PATCH"));
}

TEST(RouterTest, UnknownPathMatchesNothing) {
  Router router = RealRouter();
  for (const char* path : {"/v1/nothing", "/v1/deputies/12/extra", "/", "/v2/deputies/1", "/v1/deputies:unknown"}) {
    RouteMatch m = router.Find("GET", path);
    EXPECT_EQ(m.route, nullptr) << path;
    EXPECT_TRUE(m.allowed_methods.empty()) << path;
  }
}

TEST(RouterTest, MissingConventionFileIsAnErrorNamingIt) {
  absl::StatusOr<std::vector<ServiceBinding>> found =
      ServicesOfBackend(*google::protobuf::DescriptorPool::generated_pool(), "nosuch");
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(found.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(found.status().message()), HasSubstr("minyi/nosuch/v1/nosuch.proto"));
}

TEST(RouterTest, LinkedBackendsFindsTheConventionFiles) {
  std::vector<std::string> backends = LinkedBackends();
  EXPECT_THAT(backends, ::testing::IsSupersetOf({"deputies", "identity"}));
  EXPECT_THAT(backends, ::testing::Not(::testing::Contains("common")));
}

TEST(ResolveFieldPathTest, WalksNestedMessages) {
  const auto* d = minyi::deputies::v1::UpdateDeputyRequest::descriptor();
  auto chain = ResolveFieldPath(d, "deputy.name");
  ASSERT_TRUE(chain.ok());
  ASSERT_EQ(chain->size(), 2u);
  EXPECT_EQ((*chain)[1]->full_name(), "minyi.deputies.v1.Deputy.name");
  EXPECT_FALSE(ResolveFieldPath(d, "deputy.nope").ok());
  EXPECT_FALSE(ResolveFieldPath(d, "deputy.name.more").ok());
}

}  // namespace
}  // namespace minyi::gateway
