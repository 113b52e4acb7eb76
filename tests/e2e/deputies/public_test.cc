// End to end: the public reads of the deputies service (the station directory, 代表风采) through the
// gateway signed out: what a visitor sees, what they never see (contact and identity data, deputies who
// have left), the caching headers and the rate limit. Each test reads from a loopback address of its own,
// as its own client, so the limit of one does not touch another.

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/platform.h"

namespace minyi::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;

Platform& P() { return Platform::Shared(); }

// A signed-out GET from `client`, a loopback address.
HttpResponse Read(const std::string& client, absl::string_view target, std::map<std::string, std::string> headers = {},
                  absl::string_view token = "") {
  return JsonCall(P().http_port(), "GET", target, nullptr, token, std::move(headers), client);
}

std::string NewDeputyWithContact(const std::string& station, absl::string_view name) {
  HttpResponse r = P().Call("POST", "/v1/deputies",
                            {{"displayName", name},
                             {"gender", "GENDER_MALE"},
                             {"level", "LEVEL_CITY"},
                             {"term", 2},
                             {"delegation", "城关镇代表团"},
                             {"electoralDistrict", "第三选区"},
                             {"sector", "教育"},
                             {"phone", "13912345678"},
                             {"idNumber", "11010519491231002X"},
                             {"status", "DEPUTY_STATUS_SERVING"},
                             {"stations", {station}},
                             {"termStartDate", "2021-12-28"}},
                            P().Admin());
  EXPECT_EQ(r.status, 200) << r.body;
  return Json(r).value("name", "");
}

void ExpectNoContact(const std::string& body) {
  for (absl::string_view leak : {"phone", "idNumber", "electoralDistrict", "termStartDate", "13912345678", "1391",
                                 "11010519491231002X", "第三选区"}) {
    EXPECT_THAT(body, Not(HasSubstr(std::string(leak)))) << body;
  }
}

// An error body with `id` replaced and its details sorted.
json Comparable(const std::string& body, const std::string& id) {
  json j = json::parse(absl::StrReplaceAll(body, {{id, "ID"}}));
  std::sort(j["details"].begin(), j["details"].end(),
            [](const json& a, const json& b) { return a.value("@type", "") < b.value("@type", ""); });
  return j;
}

TEST(PublicDeputies, SignedOutOneReadsTheDirectoryAndADeputysPageWithoutContactData) {
  const std::string client = "127.0.0.31";
  const std::string town = Unique("公开镇");
  const std::string station = P().NewStation(town);
  const std::string deputy = NewDeputyWithContact(station, "王公开");
  const std::string tomorrow = absl::FormatCivilTime(TestToday() + 1);
  HttpResponse r = P().Call("POST", absl::StrCat("/v1/", station, "/rotaEntries"),
                            {{"deputy", deputy}, {"date", tomorrow}, {"note", "9:00-12:00"}}, P().Admin());
  ASSERT_EQ(r.status, 200) << r.body;

  // The directory filtered by town, without a token.
  r = Read(client, absl::StrCat("/v1/public/stations?region=", town));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.headers["cache-control"], "public, max-age=60");
  EXPECT_THAT(r.headers["etag"], MatchesRegex("\"[0-9a-f]{32}\""));
  json page = Json(r);
  ASSERT_EQ(page["stations"].size(), 1u) << r.body;
  EXPECT_EQ(page["stations"][0].value("name", ""), station);
  ASSERT_EQ(page["stations"][0]["deputies"].size(), 1u) << r.body;
  EXPECT_EQ(page["stations"][0]["deputies"][0].value("displayName", ""), "王公开");

  // The station's page with its rota.
  r = Read(client, absl::StrCat("/v1/public/", station));
  ASSERT_EQ(r.status, 200) << r.body;
  json got = Json(r);
  EXPECT_EQ(got["regionPath"], json::array({town}));
  EXPECT_EQ(got.value("kind", ""), "STATION_KIND_VILLAGE");
  ASSERT_EQ(got["rota"].size(), 1u) << r.body;
  EXPECT_EQ(got["rota"][0].value("date", ""), tomorrow);
  EXPECT_EQ(got["rota"][0].value("note", ""), "9:00-12:00");
  EXPECT_EQ(got["rota"][0]["deputy"].value("displayName", ""), "王公开");
  ExpectNoContact(r.body);

  // The deputy's page: name, level, delegation, sector, stations by name; never contact data.
  r = Read(client, absl::StrCat("/v1/public/", deputy));
  ASSERT_EQ(r.status, 200) << r.body;
  got = Json(r);
  EXPECT_EQ(got.value("name", ""), deputy);
  EXPECT_EQ(got.value("displayName", ""), "王公开");
  EXPECT_EQ(got.value("level", ""), "LEVEL_CITY");
  EXPECT_EQ(got.value("delegation", ""), "城关镇代表团");
  EXPECT_EQ(got.value("sector", ""), "教育");
  ASSERT_EQ(got["stations"].size(), 1u) << r.body;
  EXPECT_EQ(got["stations"][0].value("name", ""), station);
  EXPECT_FALSE(got["stations"][0].value("displayName", "").empty());
  ExpectNoContact(r.body);

  r = Read(client, absl::StrCat("/v1/public/deputies?station=", station));
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(Json(r)["deputies"].size(), 1u) << r.body;
  EXPECT_EQ(Json(r)["deputies"][0].value("name", ""), deputy);
  ExpectNoContact(r.body);

  // A token, even a bad one, is ignored on a public route: the answer is everyone's.
  r = Read(client, absl::StrCat("/v1/public/", deputy), {}, "not-a-token");
  EXPECT_EQ(r.status, 200) << r.body;

  // Bad input names the field.
  r = Read(client, "/v1/public/deputies?pageSize=-1");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_THAT(Json(r).value("message", ""), HasSubstr("page_size"));
  r = Read(client, "/v1/public/stations?kind=STATION_KIND_NONSENSE");
  EXPECT_EQ(r.status, 400) << r.body;
}

TEST(PublicDeputies, ADeputyWhoLeftAnswersExactlyAsAnUnknownOne) {
  const std::string client = "127.0.0.32";
  const std::string station = P().NewStation(Unique("辞职镇"));
  const std::string deputy = NewDeputyWithContact(station, "李离任");
  ASSERT_EQ(Read(client, absl::StrCat("/v1/public/", deputy)).status, 200);
  HttpResponse r = P().Call("PATCH", absl::StrCat("/v1/", deputy, "?updateMask=status,termEndDate"),
                            {{"status", "DEPUTY_STATUS_RESIGNED"}, {"termEndDate", absl::FormatCivilTime(TestToday())}},
                            P().Admin());
  ASSERT_EQ(r.status, 200) << r.body;

  const std::string unknown = "deputies/987654321";
  HttpResponse left = Read(client, absl::StrCat("/v1/public/", deputy));
  HttpResponse missing = Read(client, absl::StrCat("/v1/public/", unknown));
  EXPECT_EQ(left.status, 404) << left.body;
  EXPECT_EQ(missing.status, 404) << missing.body;
  // The same body but for the id asked about (the details come in no set order).
  EXPECT_EQ(Comparable(left.body, deputy), Comparable(missing.body, unknown));
  EXPECT_EQ(left.headers.count("etag"), 0u);

  r = Read(client, absl::StrCat("/v1/public/deputies?station=", station));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(r.body, Not(HasSubstr(deputy)));
  r = Read(client, absl::StrCat("/v1/public/", station));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(r.body, Not(HasSubstr(deputy)));
}

TEST(PublicDeputies, TheEtagRevalidatesToNotModifiedUntilTheStationChanges) {
  const std::string client = "127.0.0.33";
  const std::string station = P().NewStation(Unique("缓存镇"));
  const std::string path = absl::StrCat("/v1/public/", station);
  HttpResponse first = Read(client, path);
  ASSERT_EQ(first.status, 200) << first.body;
  const std::string etag = first.headers["etag"];
  ASSERT_FALSE(etag.empty());

  HttpResponse again = Read(client, path, {{"If-None-Match", etag}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty()) << again.body;
  EXPECT_EQ(again.headers["etag"], etag);
  EXPECT_EQ(again.headers["cache-control"], "public, max-age=60");
  EXPECT_EQ(Read(client, path, {{"If-None-Match", "\"stale\""}}).status, 200);

  HttpResponse r = P().Call("PATCH", absl::StrCat("/v1/", station, "?updateMask=address"),
                            {{"address", "遵义市红花岗区子尹路1号"}}, P().Admin());
  ASSERT_EQ(r.status, 200) << r.body;
  HttpResponse changed = Read(client, path, {{"If-None-Match", etag}});
  EXPECT_EQ(changed.status, 200);
  EXPECT_NE(changed.headers["etag"], etag);
  EXPECT_EQ(Json(changed).value("address", ""), "遵义市红花岗区子尹路1号");
}

TEST(PublicDeputies, AFloodFromOneAddressGets429WithRetryAfterAndOthersStillRead) {
  const std::string flooder = "127.0.0.34";
  HttpResponse refused;
  for (int i = 0; i < 200 && refused.status != 429; ++i) {
    HttpResponse r = Read(flooder, "/v1/public/stations?pageSize=1");
    if (r.status != 200) {
      refused = r;
    }
  }
  ASSERT_EQ(refused.status, 429) << refused.body;
  EXPECT_GE(std::stoi(refused.headers["retry-after"]), 1);
  EXPECT_EQ(Json(refused).value("code", 0), 8) << refused.body;  // RESOURCE_EXHAUSTED
  EXPECT_EQ(Read("127.0.0.35", "/v1/public/stations?pageSize=1").status, 200);
  // The limit is the public family's: the same address still reaches a signed-in route.
  EXPECT_EQ(JsonCall(P().http_port(), "GET", "/v1/stations?pageSize=1", nullptr, P().Admin(), {}, flooder).status, 200);
}

TEST(PublicDeputies, TheOpenApiDocumentMarksThePublicFamily) {
  HttpResponse r = P().Call("GET", "/openapi.json");
  ASSERT_EQ(r.status, 200);
  const json doc = Json(r);
  const json& op = doc["paths"]["/v1/public/stations"]["get"];
  EXPECT_EQ(op["security"], json::array());
  EXPECT_EQ(op["tags"], json::array({"public"}));
  EXPECT_TRUE(op["responses"].contains("304"));
  EXPECT_TRUE(op["responses"].contains("429"));
  // A signed-in route keeps the document's default security.
  EXPECT_FALSE(doc["paths"]["/v1/stations"]["get"].contains("security"));
}

}  // namespace
}  // namespace minyi::testing
