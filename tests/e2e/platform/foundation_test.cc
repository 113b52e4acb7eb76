// End to end: every process started for real, HTTP/JSON through the gateway as a client would speak it.

#include <sys/stat.h>

#include <fstream>

#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/auth.h"
#include "common/redis.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "minyi/common/v1/common.pb.h"
#include "minyi/deputies/v1/deputies.pb.h"
#include "support/platform.h"

namespace minyi::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

// The process's shared platform, under a short name for the many calls below.
Platform& P() { return Platform::Shared(); }

json NewStation(const std::string& token, const std::string& name) {
  HttpResponse r = P().Call("POST", "/v1/stations",
                            {{"displayName", name},
                             {"kind", "STATION_KIND_VILLAGE"},
                             {"regionPath", {"示范县", "城关镇", name}},
                             {"address", "城关镇人民路1号"}},
                            token);
  EXPECT_EQ(r.status, 200) << r.body;
  return Json(r);
}

json DeputyBody(const std::string& station, absl::string_view name, absl::string_view phone) {
  return {{"displayName", name},
          {"gender", "GENDER_FEMALE"},
          {"level", "LEVEL_COUNTY"},
          {"term", 2},
          {"delegation", "城关镇代表团"},
          {"electoralDistrict", "第三选区"},
          {"sector", "教育"},
          {"phone", phone},
          {"idNumber", "11010519491231002X"},
          {"status", "DEPUTY_STATUS_SERVING"},
          {"stations", {station}},
          {"termStartDate", "2021-12-28"}};
}

json NewDeputy(const std::string& token, const std::string& station, absl::string_view name,
               absl::string_view phone = "13812345678") {
  HttpResponse r = P().Call("POST", "/v1/deputies", DeputyBody(station, name, phone), token);
  EXPECT_EQ(r.status, 200) << r.body;
  return Json(r);
}

// The error body is google.rpc.Status: code, message, details.
void ExpectError(const HttpResponse& r, int http, int grpc_code, absl::string_view message_part) {
  EXPECT_EQ(r.status, http) << r.body;
  json j = Json(r);
  ASSERT_TRUE(j.is_object()) << r.body;
  EXPECT_EQ(j.value("code", -1), grpc_code) << r.body;
  EXPECT_THAT(j.value("message", ""), HasSubstr(std::string(message_part))) << r.body;
}

int CountDeputies(const std::string& token) {
  int n = 0;
  std::string page;
  do {
    HttpResponse r = P().Call("GET", absl::StrCat("/v1/deputies?pageSize=200&pageToken=", page), nullptr, token);
    EXPECT_EQ(r.status, 200) << r.body;
    json j = Json(r);
    n += j.contains("deputies") ? static_cast<int>(j["deputies"].size()) : 0;
    page = j.value("nextPageToken", "");
  } while (!page.empty());
  return n;
}

TEST(Operations, HealthReadinessMetricsAndOpenApi) {
  EXPECT_EQ(P().Call("GET", "/healthz").status, 200);
  EXPECT_EQ(P().Call("GET", "/readyz").status, 200);
  HttpResponse m = P().Call("GET", "/metrics");
  EXPECT_EQ(m.status, 200);
  EXPECT_THAT(m.body, HasSubstr("http_requests_total"));
  // Each service exposes its own RPC metrics: a sign-in counts in identity's.
  P().AdminToken();
  HttpResponse service_metrics = HttpRequest(P().metrics_port("identity"), "GET", "/metrics");
  EXPECT_EQ(service_metrics.status, 200);
  EXPECT_THAT(
      service_metrics.body,
      HasSubstr("grpc_server_handled_total{grpc_code=\"0\",grpc_method=\"/minyi.identity.v1.Identity/IssueToken\"}"));
  HttpResponse o = P().Call("GET", "/openapi.json");
  ASSERT_EQ(o.status, 200);
  json doc = Json(o);
  EXPECT_EQ(doc.value("openapi", "").substr(0, 2), "3.");
  EXPECT_TRUE(doc["paths"].contains("/v1/deputies"));
  EXPECT_TRUE(doc["paths"].contains("/v1/auth/token"));
}

TEST(Deputies, CreateGetListUpdateThroughTheGateway) {
  const std::string admin = P().AdminToken();
  json station = NewStation(admin, Unique("东街社区联络站"));
  const std::string station_name = station.value("name", "");
  ASSERT_THAT(station_name, HasSubstr("stations/"));

  json created = NewDeputy(admin, station_name, "欧阳娜娜");
  const std::string name = created.value("name", "");
  ASSERT_THAT(name, HasSubstr("deputies/"));
  EXPECT_EQ(created.value("displayName", ""), "欧阳娜娜");

  // Staff see personal data in full on Get, masked in lists.
  json got = Json(P().Call("GET", absl::StrCat("/v1/", name), nullptr, admin));
  EXPECT_EQ(got.value("phone", ""), "13812345678");
  EXPECT_EQ(got["stations"], json::array({station_name}));
  HttpResponse list = P().Call("GET", absl::StrCat("/v1/deputies?station=", station_name), nullptr, admin);
  ASSERT_EQ(list.status, 200) << list.body;
  json listed = Json(list);
  ASSERT_EQ(listed["deputies"].size(), 1u) << list.body;
  EXPECT_EQ(listed["deputies"][0].value("phone", ""), "138****5678");
  EXPECT_THAT(list.body, ::testing::Not(HasSubstr("13812345678")));
  EXPECT_THAT(list.body, ::testing::Not(HasSubstr("11010519491231002X")));

  HttpResponse patched = P().Call("PATCH", absl::StrCat("/v1/", name, "?updateMask=sector"),
                                  {{"sector", "卫生健康"}, {"displayName", "不应改变"}}, admin);
  ASSERT_EQ(patched.status, 200) << patched.body;
  json after = Json(P().Call("GET", absl::StrCat("/v1/", name), nullptr, admin));
  EXPECT_EQ(after.value("sector", ""), "卫生健康");
  EXPECT_EQ(after.value("displayName", ""), "欧阳娜娜");
}

TEST(Deputies, CreationPublishesAnEventOnTheStream) {
  const std::string admin = P().AdminToken();
  json station = NewStation(admin, Unique("事件联络站"));
  const std::string name = NewDeputy(admin, station.value("name", ""), "事件代表").value("name", "");
  RedisClient redis(P().redis_addr());
  minyi::common::v1::Event created;
  ASSERT_TRUE(Eventually(
      [&] {
        auto reply = redis.Command({"XRANGE", "minyi.events", "-", "+"});
        for (const RedisReply& entry : reply.ok() ? reply->elements : std::vector<RedisReply>{}) {
          const RedisReply* event = ReplyField(entry.elements.at(1), "event");
          if (event != nullptr && created.ParseFromString(event->str) && created.subject() == name) {
            return true;
          }
        }
        return false;
      },
      absl::Seconds(10)))
      << "no DeputyCreated event for " << name;
  minyi::deputies::v1::DeputyCreated data;
  ASSERT_TRUE(created.data().UnpackTo(&data));
  EXPECT_EQ(data.display_name(), "事件代表");
  EXPECT_EQ(created.source(), "deputies");
}

TEST(Auth, TokensAreCheckedAndRolesEnforced) {
  ExpectError(P().Call("GET", "/v1/deputies"), 401, 16, "token");
  ExpectError(P().Call("POST", "/v1/auth/token", {{"username", "admin"}, {"password", "wrong-password"}}), 401, 16, "");
  ExpectError(P().Call("GET", "/v1/deputies", nullptr, "not.a.jwt"), 401, 16, "");

  const std::string admin = P().AdminToken();
  std::string tampered = admin;
  tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'a' ? 'b' : 'a';
  ExpectError(P().Call("GET", "/v1/deputies", nullptr, tampered), 401, 16, "");

  const EcPrivateKey signing = *LoadPrivateKey("key", TestKeys::Shared().dir() + "/token-signing.pem");
  TokenIssuer issuer(signing, "minyi", absl::Minutes(5));
  Caller caller;
  caller.set_account_id("1");
  caller.set_role(minyi::common::v1::ROLE_ADMIN);
  auto expired = issuer.Issue(caller, absl::Now() - absl::Hours(1));
  ASSERT_TRUE(expired.ok());
  ExpectError(P().Call("GET", "/v1/deputies", nullptr, *expired), 401, 16, "expired");
  TokenIssuer other_audience(signing, "another-system", absl::Minutes(5));
  ExpectError(P().Call("GET", "/v1/deputies", nullptr, *other_audience.Issue(caller, absl::Now())), 401, 16, "");
  // A key that is not identity's, however well formed the token, mints nothing.
  const EcKeyPairPem forged_pair = GenerateEcKeyPair();
  const std::string forged_file = TempDir("forged") + "/key.pem";
  std::ofstream(forged_file) << forged_pair.private_pem;
  chmod(forged_file.c_str(), 0600);
  TokenIssuer forger(*LoadPrivateKey("key", forged_file), "minyi", absl::Minutes(5));
  ExpectError(P().Call("GET", "/v1/deputies", nullptr, *forger.Issue(caller, absl::Now())), 401, 16, "");
  // alg "none" with the signature stripped must not pass.
  const std::string payload = admin.substr(admin.find('.') + 1, admin.rfind('.') - admin.find('.') - 1);
  ExpectError(
      P().Call("GET", "/v1/deputies", nullptr, absl::StrCat("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.", payload, ".")), 401,
      16, "");

  const std::string citizen =
      P().CreateAccountAndToken({{"username", Unique("citizen")}, {"displayName", "市民"}, {"role", "ROLE_CITIZEN"}});
  const int before = CountDeputies(admin);
  ExpectError(
      P().Call("POST", "/v1/stations", {{"displayName", "不该建成"}, {"kind", "STATION_KIND_VILLAGE"}}, citizen), 403,
      7, "");
  EXPECT_EQ(CountDeputies(admin), before);
  // Citizens may read the public registry.
  EXPECT_EQ(P().Call("GET", "/v1/deputies", nullptr, citizen).status, 200);
}

TEST(Deputies, PersonalDataOnlyForOfficeAndTheDeputyThemself) {
  const std::string admin = P().AdminToken();
  const std::string station = NewStation(admin, Unique("隐私联络站")).value("name", "");
  const std::string me = NewDeputy(admin, station, "本人代表", "13900001111").value("name", "");
  const std::string other = NewDeputy(admin, station, "他人代表", "13900002222").value("name", "");
  const std::string token = P().CreateAccountAndToken(
      {{"username", Unique("deputy")}, {"displayName", "本人代表"}, {"role", "ROLE_DEPUTY"}, {"deputy", me}});
  EXPECT_EQ(Json(P().Call("GET", absl::StrCat("/v1/", me), nullptr, token)).value("phone", ""), "13900001111");
  EXPECT_EQ(Json(P().Call("GET", absl::StrCat("/v1/", other), nullptr, token)).value("phone", ""), "139****2222");
  ExpectError(P().Call("POST", "/v1/deputies", DeputyBody(station, "越权代表", "13900003333"), token), 403, 7, "");
}

TEST(BadInput, ClearErrorsAndNothingWritten) {
  const std::string admin = P().AdminToken();
  const std::string station = NewStation(admin, Unique("输入联络站")).value("name", "");
  const int before = CountDeputies(admin);
  auto raw = [&](std::string_view method, std::string_view target, std::string body) {
    return HttpRequest(P().http_port(), method, target, body,
                       {{"Authorization", absl::StrCat("Bearer ", admin)}, {"Content-Type", "application/json"}});
  };
  EXPECT_EQ(raw("POST", "/v1/deputies", "{\"displayName\": \"半截").status, 400);
  json unknown = DeputyBody(station, "未知字段", "13812345678");
  unknown["favouriteColour"] = "red";
  ExpectError(P().Call("POST", "/v1/deputies", unknown, admin), 400, 3, "favouriteColour");
  json wrong_type = DeputyBody(station, "类型错误", "13812345678");
  wrong_type["term"] = "第二届";
  EXPECT_EQ(P().Call("POST", "/v1/deputies", wrong_type, admin).status, 400);
  ExpectError(P().Call("POST", "/v1/deputies", DeputyBody(station, std::string(33 * 3, 'x'), "13812345678"), admin),
              400, 3, "display_name");
  ExpectError(P().Call("POST", "/v1/deputies", DeputyBody(station, "电话错误", "12345"), admin), 400, 3, "phone");
  ExpectError(P().Call("POST", "/v1/deputies", DeputyBody("stations/999999999", "无此站", "13812345678"), admin), 400,
              3, "stations");
  EXPECT_EQ(raw("POST", "/v1/deputies", std::string(2 * 1024 * 1024, ' ')).status, 413);
  HttpResponse big_header =
      HttpRequest(P().http_port(), "GET", "/v1/deputies", "",
                  {{"Authorization", absl::StrCat("Bearer ", admin)}, {"X-Padding", std::string(20 * 1024, 'a')}});
  EXPECT_EQ(big_header.status, 431);
  ExpectError(P().Call("GET", "/v1/no-such-thing", nullptr, admin), 404, 5, "");
  EXPECT_EQ(P().Call("DELETE", "/v1/deputies", nullptr, admin).status, 405);
  ExpectError(P().Call("GET", "/v1/deputies?pageSize=-1", nullptr, admin), 400, 3, "page_size");
  ExpectError(P().Call("GET", "/v1/deputies?pageSize=abc", nullptr, admin), 400, 3, "page_size");
  EXPECT_EQ(CountDeputies(admin), before);

  // SQL-ish text is data: stored and returned verbatim, harming nothing.
  const std::string sqlish = "'); DROP TABLE deputies;--";
  json tricky = DeputyBody(station, "罗伯特", "13812345678");
  tricky["sector"] = sqlish;
  tricky["delegation"] = "\" OR 1=1 --";
  json made = Json(P().Call("POST", "/v1/deputies", tricky, admin));
  EXPECT_EQ(made.value("sector", ""), sqlish);
  EXPECT_EQ(CountDeputies(admin), before + 1);
  HttpResponse search = P().Call("GET", "/v1/deputies?query=%25", nullptr, admin);
  EXPECT_EQ(search.status, 200);
  EXPECT_EQ(Json(search).value("deputies", json::array()).size(), 0u) << "'%' must not act as a wildcard";
}

TEST(Idempotency, RetriedCreateDoesTheWorkOnce) {
  const std::string admin = P().AdminToken();
  const std::string station = NewStation(admin, Unique("幂等联络站")).value("name", "");
  const int before = CountDeputies(admin);
  const std::map<std::string, std::string> key = {{"Idempotency-Key", Unique("create-deputy")}};
  json body = DeputyBody(station, "重试代表", "13812340000");
  HttpResponse first = P().Call("POST", "/v1/deputies", body, admin, key);
  HttpResponse second = P().Call("POST", "/v1/deputies", body, admin, key);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(Json(first)["name"], Json(second)["name"]);
  EXPECT_EQ(CountDeputies(admin), before + 1);
  body["displayName"] = "另一个人";
  EXPECT_EQ(P().Call("POST", "/v1/deputies", body, admin, key).status, 409);

  // Concurrent duplicates: one deputy, the same answer for all.
  const std::map<std::string, std::string> key2 = {{"Idempotency-Key", Unique("concurrent")}};
  std::vector<std::string> names(6);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < names.size(); ++i) {
    threads.emplace_back([&, i] {
      names[i] = Json(P().Call("POST", "/v1/deputies", DeputyBody(station, "并发代表", "13812341111"), admin, key2))
                     .value("name", "");
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  for (const std::string& n : names) {
    EXPECT_EQ(n, names[0]);
  }
  EXPECT_FALSE(names[0].empty());
  EXPECT_EQ(CountDeputies(admin), before + 2);
}

}  // namespace
}  // namespace minyi::testing
