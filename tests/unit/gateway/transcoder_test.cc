#include "transcoder.h"

#include "errors.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "google/rpc/error_details.pb.h"
#include "gtest/gtest.h"
#include "minyi/deputies/v1/deputies.pb.h"
#include "nlohmann/json.hpp"
#include "test_protos.h"

namespace minyi::gateway {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class TranscoderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<Router> router = Router::Build({{"things", things_.service()}});
    ASSERT_TRUE(router.ok()) << router.status();
    router_ = std::make_unique<Router>(*std::move(router));
  }

  // Routes METHOD path?query with body into a fresh request message.
  absl::StatusOr<std::unique_ptr<google::protobuf::Message>> Build(absl::string_view method, absl::string_view target,
                                                                   absl::string_view body = "") {
    size_t q = target.find('?');
    absl::string_view path = target.substr(0, q);
    absl::string_view query = q == absl::string_view::npos ? "" : target.substr(q + 1);
    RouteMatch m = router_->Find(method, path);
    if (m.route == nullptr) {
      return absl::NotFoundError(std::string(target));
    }
    std::unique_ptr<google::protobuf::Message> request = things_.New(m.route->method->input_type());
    if (absl::Status s = BuildRequest(*m.route, m.bindings, query, body, request.get()); !s.ok()) {
      return s;
    }
    return request;
  }

  std::string Text(absl::string_view method, absl::string_view target, absl::string_view body = "") {
    auto r = Build(method, target, body);
    EXPECT_TRUE(r.ok()) << target << ": " << r.status();
    return r.ok() ? (*r)->ShortDebugString() : "";
  }

  std::string Error(absl::string_view method, absl::string_view target, absl::string_view body = "") {
    auto r = Build(method, target, body);
    EXPECT_FALSE(r.ok()) << target << " should fail";
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << r.status();
    }
    return r.ok() ? "" : std::string(r.status().message());
  }

  fixtures::ThingsPool things_;
  std::unique_ptr<Router> router_;
};

TEST_F(TranscoderTest, AdditionalBindingRoutesToTheSameRpc) {
  EXPECT_EQ(Text("GET", "/v1/things/5"), R"(name: "things/5")");
  EXPECT_EQ(Text("GET", "/v1/groups/2/things/5"), R"(name: "groups/2/things/5")");
  RouteMatch m = router_->Find("GET", "/v1/groups/2/things/5");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->operation_id, "gwtest.v1.Things.GetThing_1");
}

TEST_F(TranscoderTest, LiteralRouteWinsOverVariable) {
  RouteMatch me = router_->Find("GET", "/v1/things/me");
  ASSERT_NE(me.route, nullptr);
  EXPECT_EQ(me.route->method->name(), "GetMyThing");
  RouteMatch other = router_->Find("GET", "/v1/things/mine");
  ASSERT_NE(other.route, nullptr);
  EXPECT_EQ(other.route->method->name(), "GetThing");
  RouteMatch search = router_->Find("GET", "/v1/things:search");
  ASSERT_NE(search.route, nullptr);
  EXPECT_EQ(search.route->method->name(), "Search");
}

TEST_F(TranscoderTest, CustomMethodKindAndVerbs) {
  RouteMatch move = router_->Find("MOVE", "/v1/things/5");
  ASSERT_NE(move.route, nullptr);
  EXPECT_EQ(move.route->method->name(), "Move");
  RouteMatch patch = router_->Find("PATCH", "/v1/things/5");
  EXPECT_EQ(patch.route, nullptr);
  EXPECT_THAT(patch.allowed_methods, ::testing::UnorderedElementsAre("GET", "DELETE", "PUT", "MOVE"));
}

TEST_F(TranscoderTest, ScalarBodyField) {
  EXPECT_EQ(Text("POST", "/v1/things/5:setColor", R"("红")"), R"(name: "things/5" color: "\347\272\242")");
  EXPECT_THAT(Error("POST", "/v1/things/5:setColor", R"("a", "name": "things/6")"), HasSubstr("malformed JSON"));
  EXPECT_THAT(Error("POST", "/v1/things/5:setColor", "5"), HasSubstr("color"));
}

TEST_F(TranscoderTest, QueryEnumValuesMayOmitTheirPrefixInAnyCase) {
  auto r = Build("GET", "/v1/things:search?kind=small&kinds=Big&kinds=KIND_SMALL");
  ASSERT_TRUE(r.ok()) << r.status();
  const google::protobuf::Message& m = **r;
  const auto* refl = m.GetReflection();
  EXPECT_EQ(refl->GetEnumValue(m, m.GetDescriptor()->FindFieldByName("kind")), 2);
  EXPECT_EQ(refl->GetRepeatedEnumValue(m, m.GetDescriptor()->FindFieldByName("kinds"), 0), 1);
  EXPECT_EQ(refl->GetRepeatedEnumValue(m, m.GetDescriptor()->FindFieldByName("kinds"), 1), 2);
  EXPECT_FALSE(Build("GET", "/v1/things:search?kind=medium").ok());
}

TEST_F(TranscoderTest, QueryParametersNestedRepeatedAndTyped) {
  auto r = Build("GET",
                 "/v1/things:search?filter.color=red&filter.inner.big=9007199254740993&filter.inner.flags=true"
                 "&filter.inner.flags=0&ids=1&ids=2&archived=true&kind=KIND_BIG&kinds=2&kinds=KIND_BIG"
                 "&blob=aGk%3D&after=2026-01-02T03:04:05Z&tags=a+b&tags=%E5%BC%A0&score=1.5&pageSize=20"
                 "&mask=a,b.c&count=18446744073709551615&query=%E5%BC%A0");
  ASSERT_TRUE(r.ok()) << r.status();
  const google::protobuf::Message& m = **r;
  auto field = [&](const char* name) { return m.GetDescriptor()->FindFieldByName(name); };
  const auto* refl = m.GetReflection();
  const auto& filter = refl->GetMessage(m, field("filter"));
  EXPECT_EQ(filter.GetReflection()->GetString(filter, filter.GetDescriptor()->FindFieldByName("color")), "red");
  const auto& inner = filter.GetReflection()->GetMessage(filter, filter.GetDescriptor()->FindFieldByName("inner"));
  EXPECT_EQ(inner.GetReflection()->GetInt64(inner, inner.GetDescriptor()->FindFieldByName("big")), 9007199254740993LL);
  EXPECT_EQ(inner.GetReflection()->FieldSize(inner, inner.GetDescriptor()->FindFieldByName("flags")), 2);
  EXPECT_EQ(refl->FieldSize(m, field("ids")), 2);
  EXPECT_EQ(refl->GetRepeatedInt32(m, field("ids"), 1), 2);
  EXPECT_TRUE(refl->GetBool(m, field("archived")));
  EXPECT_EQ(refl->GetEnumValue(m, field("kind")), 1);
  EXPECT_EQ(refl->GetRepeatedEnumValue(m, field("kinds"), 0), 2);
  EXPECT_EQ(refl->GetRepeatedEnumValue(m, field("kinds"), 1), 1);
  EXPECT_EQ(refl->GetString(m, field("blob")), "hi");
  EXPECT_EQ(refl->GetRepeatedString(m, field("tags"), 0), "a b");
  EXPECT_EQ(refl->GetRepeatedString(m, field("tags"), 1), "张");
  EXPECT_EQ(refl->GetString(m, field("query")), "张");
  EXPECT_DOUBLE_EQ(refl->GetDouble(m, field("score")), 1.5);
  EXPECT_EQ(refl->GetInt32(m, field("page_size")), 20);
  EXPECT_EQ(refl->GetUInt64(m, field("count")), 18446744073709551615ULL);
  EXPECT_THAT(m.ShortDebugString(), HasSubstr("after { seconds: 1767323045 }"));
  EXPECT_THAT(m.ShortDebugString(), HasSubstr(R"(mask { paths: "a" paths: "b.c" })"));
}

TEST_F(TranscoderTest, QueryParameterProtoAndJsonNamesBothWork) {
  EXPECT_EQ(Text("GET", "/v1/things:search?page_size=3"), "page_size: 3");
  EXPECT_EQ(Text("GET", "/v1/things:search?pageSize=3"), "page_size: 3");
}

TEST_F(TranscoderTest, BadQueryValuesNameTheField) {
  EXPECT_THAT(Error("GET", "/v1/things:search?pageSize=abc"), HasSubstr("page_size"));
  EXPECT_THAT(Error("GET", "/v1/things:search?pageSize=99999999999"), HasSubstr("page_size"));
  EXPECT_THAT(Error("GET", "/v1/things:search?archived=yes"), HasSubstr("archived"));
  EXPECT_THAT(Error("GET", "/v1/things:search?kind=KIND_HUGE"), HasSubstr("kind"));
  EXPECT_THAT(Error("GET", "/v1/things:search?after=yesterday"), HasSubstr("after"));
  EXPECT_THAT(Error("GET", "/v1/things:search?nope=1"), HasSubstr("nope"));
  EXPECT_THAT(Error("GET", "/v1/things:search?filter.nope=1"), HasSubstr("filter.nope"));
  EXPECT_THAT(Error("GET", "/v1/things:search?filter=1"), HasSubstr("filter"));
  EXPECT_THAT(Error("GET", "/v1/things:search?query=%FF%FE"), HasSubstr("UTF-8"));
}

TEST_F(TranscoderTest, WellKnownTypeQueryValuesThatAreNotUtf8AreRefused) {
  // Found by fuzz_transcoder: these values used to be quoted with the JSON library, which throws on
  // invalid UTF-8, and the exception took the whole gateway down.
  EXPECT_THAT(Error("GET", "/v1/things:search?mask=dis%E6%9D%3F%8E"), HasSubstr("mask"));
  EXPECT_THAT(Error("GET", "/v1/things:search?after=%FF"), HasSubstr("UTF-8"));
}

TEST_F(TranscoderTest, QueryErrorsCarryABadRequestDetail) {
  auto r = Build("GET", "/v1/things:search?pageSize=abc");
  ASSERT_FALSE(r.ok());
  google::rpc::Status status = ToRpcStatus(r.status());
  ASSERT_EQ(status.details_size(), 1);
  google::rpc::BadRequest bad_request;
  ASSERT_TRUE(status.details(0).UnpackTo(&bad_request));
  ASSERT_EQ(bad_request.field_violations_size(), 1);
  EXPECT_EQ(bad_request.field_violations(0).field(), "page_size");
}

TEST_F(TranscoderTest, PathBoundFieldsBelongToThePath) {
  EXPECT_THAT(Error("GET", "/v1/things/5?name=things/6"), HasSubstr("URL path"));
  // The body may repeat the path's value, not contradict it.
  EXPECT_EQ(Text("PUT", "/v1/things/5", R"({"name":"things/5","color":"red"})"), R"(name: "things/5" color: "red")");
  EXPECT_THAT(Error("PUT", "/v1/things/5", R"({"name":"things/6"})"), HasSubstr("name"));
}

TEST_F(TranscoderTest, WholeBodyRejectsQueryParameters) {
  EXPECT_THAT(Error("PUT", "/v1/things/5?color=red", "{}"), HasSubstr("color"));
}

TEST_F(TranscoderTest, BodyErrorsNameTheProblem) {
  EXPECT_THAT(Error("PUT", "/v1/things/5", R"({"color":)"), HasSubstr("request body"));
  EXPECT_THAT(Error("PUT", "/v1/things/5", R"({"colour":"red"})"), HasSubstr("colour"));
  EXPECT_THAT(Error("PUT", "/v1/things/5", R"({"parent":{"colour":"red"}})"), HasSubstr("colour"));
  EXPECT_THAT(Error("PUT", "/v1/things/5", R"({"size":"big"})"), HasSubstr("size"));
  EXPECT_THAT(Error("PUT", "/v1/things/5", R"({"color":5})"), HasSubstr("color"));
  EXPECT_THAT(Error("PUT", "/v1/things/5", R"([1,2])"), HasSubstr("request body"));
}

TEST_F(TranscoderTest, EmptyBodyIsAnEmptyObject) { EXPECT_EQ(Text("PUT", "/v1/things/5", ""), R"(name: "things/5")"); }

TEST_F(TranscoderTest, ResponseBodyRendersOnlyThatField) {
  RouteMatch m = router_->Find("GET", "/v1/things");
  ASSERT_NE(m.route, nullptr);
  std::unique_ptr<google::protobuf::Message> response = things_.New("gwtest.v1.ListThingsResponse");
  absl::StatusOr<std::string> empty = RenderResponse(*m.route, *response);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, "[]");
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(
                  R"({"things":[{"name":"things/1","size":"5"}],"nextPageToken":"x"})", response.get())
                  .ok());
  absl::StatusOr<std::string> json = RenderResponse(*m.route, *response);
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(nlohmann::json::parse(*json),
            nlohmann::json::parse(R"([{"name":"things/1","color":"","size":"5","labels":{},"active":false}])"));
}

// Clients need not know proto3's defaults: every field without presence is printed (false, 0, "", {}),
// while an unset message, oneof member or `optional` field stays out, and one set to its default is in.
TEST_F(TranscoderTest, ResponsesPrintDefaultsAndOnlySetFieldsWithPresence) {
  RouteMatch m = router_->Find("GET", "/v1/things/1");
  ASSERT_NE(m.route, nullptr);
  std::unique_ptr<google::protobuf::Message> thing = things_.New("gwtest.v1.Thing");
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(R"({"name":"things/1"})", thing.get()).ok());
  absl::StatusOr<std::string> json = RenderResponse(*m.route, *thing);
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_EQ(*json, R"({"name":"things/1","color":"","size":"0","labels":{},"active":false})");

  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(R"({"name":"things/1","nickname":"","sides":0})", thing.get()).ok());
  json = RenderResponse(*m.route, *thing);
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_EQ(*json, R"({"name":"things/1","color":"","size":"0","labels":{},"active":false,"nickname":"","sides":0})");

  m = router_->Find("GET", "/v1/things");
  ASSERT_NE(m.route, nullptr);
  std::unique_ptr<google::protobuf::Message> list = things_.New("gwtest.v1.ListThingsResponse");
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(R"({"things":[{}]})", list.get()).ok());
  json = RenderResponse(*m.route, *list);
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_EQ(nlohmann::json::parse(*json),
            nlohmann::json::parse(R"([{"name":"","color":"","size":"0","labels":{},"active":false}])"));
}

// The real protos, end to end through the transcoder.
class RealProtoTranscoderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<ServiceBinding> services;
    for (const char* backend : {"identity", "deputies"}) {
      auto found = ServicesOfBackend(*google::protobuf::DescriptorPool::generated_pool(), backend);
      ASSERT_TRUE(found.ok());
      services.insert(services.end(), found->begin(), found->end());
    }
    auto router = Router::Build(services);
    ASSERT_TRUE(router.ok()) << router.status();
    router_ = std::make_unique<Router>(*std::move(router));
  }
  std::unique_ptr<Router> router_;
};

TEST_F(RealProtoTranscoderTest, ListDeputiesQuery) {
  RouteMatch m = router_->Find("GET", "/v1/deputies");
  ASSERT_NE(m.route, nullptr);
  minyi::deputies::v1::ListDeputiesRequest request;
  absl::Status s =
      BuildRequest(*m.route, m.bindings,
                   "page_size=10&status=DEPUTY_STATUS_SERVING&query=%E5%BC%A0&station=stations%2F3", "", &request);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(request.page_size(), 10);
  EXPECT_EQ(request.status(), minyi::deputies::v1::DEPUTY_STATUS_SERVING);
  EXPECT_EQ(request.query(), "张");
  EXPECT_EQ(request.station(), "stations/3");

  minyi::deputies::v1::ListDeputiesRequest by_number;
  ASSERT_TRUE(BuildRequest(*m.route, m.bindings, "status=2", "", &by_number).ok());
  EXPECT_EQ(by_number.status(), minyi::deputies::v1::DEPUTY_STATUS_RESIGNED);

  minyi::deputies::v1::ListDeputiesRequest bad;
  absl::Status e = BuildRequest(*m.route, m.bindings, "pageSize=ten", "", &bad);
  EXPECT_EQ(e.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(e.message()), HasSubstr("page_size"));
}

TEST_F(RealProtoTranscoderTest, CreateDeputyBodyGoesIntoTheDeputyField) {
  RouteMatch m = router_->Find("POST", "/v1/deputies");
  ASSERT_NE(m.route, nullptr);
  minyi::deputies::v1::CreateDeputyRequest request;
  ASSERT_TRUE(BuildRequest(*m.route, m.bindings, "",
                           R"({"displayName":"李四","gender":"GENDER_FEMALE","term":2,"stations":["stations/1"]})",
                           &request)
                  .ok());
  EXPECT_EQ(request.deputy().display_name(), "李四");
  EXPECT_EQ(request.deputy().gender(), minyi::deputies::v1::GENDER_FEMALE);
  EXPECT_EQ(request.deputy().term(), 2);
  EXPECT_THAT(request.deputy().stations(), ElementsAre("stations/1"));

  minyi::deputies::v1::CreateDeputyRequest unknown;
  absl::Status s = BuildRequest(*m.route, m.bindings, "", R"({"displayName":"x","favouriteColour":"red"})", &unknown);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("favouriteColour"));
}

TEST_F(RealProtoTranscoderTest, PatchCannotMoveTheDeputyToAnotherName) {
  RouteMatch m = router_->Find("PATCH", "/v1/deputies/3");
  ASSERT_NE(m.route, nullptr);
  minyi::deputies::v1::UpdateDeputyRequest request;
  absl::Status s = BuildRequest(*m.route, m.bindings, "", R"({"name":"deputies/4"})", &request);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("deputy.name"));
}

TEST_F(RealProtoTranscoderTest, ResponsesAreCanonicalJson) {
  RouteMatch m = router_->Find("GET", "/v1/deputies/1");
  ASSERT_NE(m.route, nullptr);
  minyi::deputies::v1::Deputy deputy;
  deputy.set_name("deputies/1");
  deputy.set_display_name("王五");
  deputy.set_level(minyi::deputies::v1::LEVEL_CITY);
  deputy.mutable_create_time()->set_seconds(1767323045);
  absl::StatusOr<std::string> json = RenderResponse(*m.route, deputy);
  ASSERT_TRUE(json.ok());
  const nlohmann::json parsed = nlohmann::json::parse(*json);
  EXPECT_EQ(parsed["name"], "deputies/1");
  EXPECT_EQ(parsed["displayName"], "王五");
  EXPECT_EQ(parsed["level"], "LEVEL_CITY");
  EXPECT_EQ(parsed["createTime"], "2026-01-02T03:04:05Z");
  // Defaults are printed: the empty list, the zero term, the unspecified enum.
  EXPECT_EQ(parsed["stations"], nlohmann::json::array());
  EXPECT_EQ(parsed["term"], 0);
  EXPECT_EQ(parsed["status"], "DEPUTY_STATUS_UNSPECIFIED");
  EXPECT_FALSE(parsed.contains("updateTime"));  // a message that is not set
}

TEST(ParseQueryTest, DecodesPairs) {
  EXPECT_THAT(ParseQuery("a=1&b=%E5%BC%A0&c&d=x+y&&e=a=b"),
              ElementsAre(std::pair<std::string, std::string>{"a", "1"}, std::pair<std::string, std::string>{"b", "张"},
                          std::pair<std::string, std::string>{"c", ""}, std::pair<std::string, std::string>{"d", "x y"},
                          std::pair<std::string, std::string>{"e", "a=b"}));
}

}  // namespace
}  // namespace minyi::gateway
