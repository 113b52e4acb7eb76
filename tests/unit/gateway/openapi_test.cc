#include "openapi.h"

#include <functional>
#include <set>

#include "gmock/gmock.h"
#include "google/api/annotations.pb.h"
#include "gtest/gtest.h"
#include "test_protos.h"

namespace minyi::gateway {
namespace {

using nlohmann::json;
using ::testing::Contains;

Router RouterFor(const std::vector<ServiceBinding>& services) {
  absl::StatusOr<Router> router = Router::Build(services);
  EXPECT_TRUE(router.ok()) << router.status();
  return *std::move(router);
}

std::vector<ServiceBinding> LinkedServices() {
  std::vector<ServiceBinding> services;
  for (const std::string& backend : LinkedBackends()) {
    auto found = ServicesOfBackend(*google::protobuf::DescriptorPool::generated_pool(), backend);
    EXPECT_TRUE(found.ok());
    services.insert(services.end(), found->begin(), found->end());
  }
  return services;
}

// Every "$ref" in the document, wherever it is.
void CollectRefs(const json& node, std::vector<std::string>* refs) {
  if (node.is_object()) {
    for (const auto& [key, value] : node.items()) {
      if (key == "$ref" && value.is_string()) {
        refs->push_back(value.get<std::string>());
      } else {
        CollectRefs(value, refs);
      }
    }
  } else if (node.is_array()) {
    for (const json& item : node) {
      CollectRefs(item, refs);
    }
  }
}

std::set<std::string> OperationIds(const json& doc) {
  std::set<std::string> ids;
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      ids.insert(op["operationId"].get<std::string>());
    }
  }
  return ids;
}

TEST(OpenApiTest, EveryAnnotatedRpcOfEveryLinkedServiceIsAnOperation) {
  std::vector<ServiceBinding> services = LinkedServices();
  ASSERT_FALSE(services.empty());
  json doc = BuildOpenApi(RouterFor(services).routes());
  EXPECT_EQ(doc["openapi"], "3.0.3");
  std::set<std::string> ids = OperationIds(doc);
  int annotated = 0;
  for (const ServiceBinding& s : services) {
    for (int i = 0; i < s.service->method_count(); ++i) {
      if (s.service->method(i)->options().HasExtension(google::api::http)) {
        ++annotated;
        EXPECT_THAT(ids, Contains(s.service->method(i)->full_name()));
      }
    }
  }
  EXPECT_GT(annotated, 0);
  EXPECT_EQ(static_cast<int>(ids.size()), annotated);
}

TEST(OpenApiTest, EveryRefResolvesInsideTheDocument) {
  json doc = BuildOpenApi(RouterFor(LinkedServices()).routes());
  std::vector<std::string> refs;
  CollectRefs(doc, &refs);
  ASSERT_FALSE(refs.empty());
  for (const std::string& ref : refs) {
    ASSERT_TRUE(ref.rfind("#/", 0) == 0) << ref;
    EXPECT_TRUE(doc.contains(json::json_pointer(ref.substr(1)))) << ref;
  }
}

TEST(OpenApiTest, DeputyPathsParametersAndSchemas) {
  json doc = BuildOpenApi(RouterFor(LinkedServices()).routes());
  ASSERT_TRUE(doc["paths"].contains("/v1/deputies/{deputy}")) << doc["paths"].dump();
  const json& item = doc["paths"]["/v1/deputies/{deputy}"];
  EXPECT_EQ(item["get"]["operationId"], "minyi.deputies.v1.Deputies.GetDeputy");
  EXPECT_EQ(item["patch"]["operationId"], "minyi.deputies.v1.Deputies.UpdateDeputy");
  EXPECT_EQ(item["get"]["parameters"][0]["in"], "path");
  EXPECT_EQ(item["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/minyi.deputies.v1.Deputy");
  EXPECT_EQ(item["get"]["responses"]["default"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/google.rpc.Status");
  // What clients send has its own schema: no field is required there.
  EXPECT_EQ(item["patch"]["requestBody"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/minyi.deputies.v1.Deputy.Input");
  EXPECT_FALSE(doc["components"]["schemas"]["minyi.deputies.v1.Deputy.Input"].contains("required"));

  std::set<std::string> list_params;
  for (const json& p : doc["paths"]["/v1/deputies"]["get"]["parameters"]) {
    EXPECT_EQ(p["in"], "query");
    list_params.insert(p["name"].get<std::string>());
  }
  EXPECT_EQ(list_params, (std::set<std::string>{"pageSize", "pageToken", "station", "status", "query"}));

  const json& deputy = doc["components"]["schemas"]["minyi.deputies.v1.Deputy"]["properties"];
  EXPECT_EQ(deputy["displayName"]["type"], "string");
  EXPECT_EQ(deputy["createTime"]["format"], "date-time");
  EXPECT_EQ(deputy["stations"]["type"], "array");
  EXPECT_THAT(deputy["status"]["enum"], Contains("DEPUTY_STATUS_SERVING"));
  // Answers print every field without presence, so the answer's schema requires them; messages may be absent.
  const json& required = doc["components"]["schemas"]["minyi.deputies.v1.Deputy"]["required"];
  EXPECT_THAT(required, Contains("displayName"));
  EXPECT_THAT(required, Contains("stations"));
  EXPECT_THAT(required, Contains("term"));
  EXPECT_THAT(required, ::testing::Not(Contains("createTime")));
  EXPECT_THAT(doc["components"]["schemas"]["google.rpc.Status"]["required"], Contains("details"));
  EXPECT_EQ(doc["components"]["securitySchemes"]["bearerAuth"]["scheme"], "bearer");
}

TEST(OpenApiTest, SyntheticServiceShapes) {
  fixtures::ThingsPool things;
  json doc = BuildOpenApi(RouterFor({{"things", things.service()}}).routes());
  const json& paths = doc["paths"];
  ASSERT_TRUE(paths.contains("/v1/groups/{group}/things/{thing}")) << paths.dump();
  EXPECT_EQ(paths["/v1/groups/{group}/things/{thing}"]["get"]["operationId"], "gwtest.v1.Things.GetThing_1");
  EXPECT_TRUE(paths.contains("/v1/things/{thing}:setColor"));
  EXPECT_EQ(
      paths["/v1/things/{thing}:setColor"]["post"]["requestBody"]["content"]["application/json"]["schema"]["type"],
      "string");
  // A custom HTTP method has no OpenAPI counterpart.
  EXPECT_FALSE(paths["/v1/things/{thing}"].contains("move"));
  // response_body: the 200 schema is the field's.
  const json& list = paths["/v1/things"]["get"]["responses"]["200"]["content"]["application/json"]["schema"];
  EXPECT_EQ(list["type"], "array");
  EXPECT_EQ(list["items"]["$ref"], "#/components/schemas/gwtest.v1.Thing");

  // Required in answers: the fields without presence, never a message, a oneof member or an `optional`.
  EXPECT_EQ(doc["components"]["schemas"]["gwtest.v1.Thing"]["required"],
            json({"name", "color", "size", "labels", "active"}));
  EXPECT_EQ(paths["/v1/things/{thing}"]["put"]["requestBody"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/gwtest.v1.Thing.Input");
  const json& input = doc["components"]["schemas"]["gwtest.v1.Thing.Input"];
  EXPECT_FALSE(input.contains("required"));
  EXPECT_EQ(input["properties"]["parent"]["$ref"], "#/components/schemas/gwtest.v1.Thing.Input");

  const json& thing = doc["components"]["schemas"]["gwtest.v1.Thing"]["properties"];
  EXPECT_EQ(thing["size"], json({{"type", "string"}, {"format", "int64"}}));
  EXPECT_EQ(thing["parent"]["$ref"], "#/components/schemas/gwtest.v1.Thing");
  EXPECT_EQ(thing["labels"]["type"], "object");
  EXPECT_EQ(thing["labels"]["additionalProperties"]["type"], "integer");

  std::set<std::string> search;
  for (const json& p : paths["/v1/things:search"]["get"]["parameters"]) {
    search.insert(p["name"].get<std::string>());
  }
  EXPECT_THAT(search, Contains("filter.inner.big"));
  EXPECT_THAT(search, Contains("mask"));
  EXPECT_THAT(search, Contains("ids"));
}

}  // namespace
}  // namespace minyi::gateway
