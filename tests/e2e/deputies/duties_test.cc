// End to end: duty records, points, rankings, the nine-haves checklist, star ratings, the duty rota, the
// excellent-deputy shortlist and supervision groups through the gateway as a client would speak HTTP/JSON,
// with real accounts and tokens from the identity service.

#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "minyi/common/v1/common.pb.h"
#include "minyi/deputies/v1/deputies.pb.h"
#include "pqxx/pqxx"
#include "support/platform.h"

namespace minyi::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

// The process's shared platform, under a short name for the many calls below.
Platform& P() { return Platform::Shared(); }

json Duty(absl::string_view date, absl::string_view category) {
  return {{"date", date}, {"category", category}, {"description", "进站接待选民，听取意见建议"}};
}

TEST(Duties, DeputiesKeepTheirOwnFileAndCitizensCannotReadIt) {
  const std::string station = P().NewStation("示范县");
  const std::string me = P().NewDeputy(station, "李梅");
  const std::string other = P().NewDeputy(station, "张伟");
  const std::string my_token = P().NewAccount("ROLE_DEPUTY", me);

  json duty = Duty(LastYear("03-02"), "DUTY_CATEGORY_STATION_DUTY");
  duty["station"] = station;
  duty["evidence"] = {"files/12"};
  HttpResponse r = P().Call("POST", absl::StrCat("/v1/", me, "/duties"), duty, my_token);
  ASSERT_EQ(r.status, 200) << r.body;
  const json created = Json(r);
  EXPECT_THAT(created.value("name", ""), HasSubstr(me + "/duties/"));
  EXPECT_EQ(created.value("category", ""), "DUTY_CATEGORY_STATION_DUTY");
  EXPECT_EQ(created.value("source", ""), "DUTY_SOURCE_MANUAL");

  r = P().Call("POST", absl::StrCat("/v1/", other, "/duties"), duty, my_token);
  EXPECT_EQ(r.status, 403) << r.body;

  const std::string citizen = P().NewAccount("ROLE_CITIZEN");
  EXPECT_EQ(P().Call("GET", absl::StrCat("/v1/", me, "/duties"), nullptr, citizen).status, 403);
  EXPECT_EQ(P().Call("GET", absl::StrCat("/v1/", me, "/points?period=", LastYear("Q1")), nullptr, citizen).status, 403);

  r = P().Call("GET",
               absl::StrCat("/v1/", me, "/duties?category=DUTY_CATEGORY_STATION_DUTY&startDate=", LastYear("03-01")),
               nullptr, my_token);
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(Json(r)["duties"].size(), 1u);

  // Staff record on another's behalf; the record names them.
  r = P().Call("POST", absl::StrCat("/v1/", other, "/duties"), Duty(LastYear("03-05"), "DUTY_CATEGORY_TRAINING"),
               P().Admin());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(Json(r).value("recordedBy", ""), ::testing::MatchesRegex("accounts/[0-9]+"));

  r = P().Call("POST", absl::StrCat("/v1/", me, "/duties"), Duty("2026-02-30", "DUTY_CATEGORY_TRAINING"), my_token);
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(Json(r).value("message", ""), HasSubstr("duty.date"));
}

TEST(Duties, StaffCorrectAndTheOriginalStaysReadable) {
  const std::string station = P().NewStation("示范县");
  const std::string me = P().NewDeputy(station, "赵敏");
  const std::string my_token = P().NewAccount("ROLE_DEPUTY", me);
  HttpResponse r = P().Call("POST", absl::StrCat("/v1/", me, "/duties"),
                            Duty(LastYear("01-09"), "DUTY_CATEGORY_TRAINING"), my_token);
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string name = Json(r).value("name", "");
  const json correction = {{"duty", Duty(LastYear("01-10"), "DUTY_CATEGORY_SPECIAL_INQUIRY")}, {"reason", "日期有误"}};
  EXPECT_EQ(P().Call("POST", absl::StrCat("/v1/", name, ":correct"), correction, my_token).status, 403);
  r = P().Call("POST", absl::StrCat("/v1/", name, ":correct"), correction, P().Admin());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r).value("revision", 0), 2);
  r = P().Call("GET", absl::StrCat("/v1/", name, "?revision=1"), nullptr, my_token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r).value("category", ""), "DUTY_CATEGORY_TRAINING");
  EXPECT_EQ(Json(r).value("date", ""), LastYear("01-09"));
}

TEST(Duties, RulesPointsRankingAndStars) {
  const std::string region = Unique("星级区");
  const std::string station = P().NewStation(region);
  P().NewStation(region);
  const std::string first = P().NewDeputy(station, "一号代表");
  const std::string second = P().NewDeputy(station, "二号代表");

  const std::string read = Json(P().Call("GET", "/v1/pointRules", nullptr, P().Admin())).value("etag", "");
  const json rules = {{"category", "DUTY_CATEGORY_TRAINING"}, {"points", 2}, {"monthlyCap", 4}};
  HttpResponse r = P().Call(
      "PATCH", "/v1/pointRules",
      {{"rules", {rules, {{"category", "DUTY_CATEGORY_STATION_DUTY"}, {"points", 3}}}}, {"etag", read}}, P().Admin());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r)["rules"].size(), 2u);
  EXPECT_NE(Json(r).value("etag", ""), read);
  // A second member of staff who read the table before that replacement cannot overwrite it unseen.
  r = P().Call("PATCH", "/v1/pointRules", {{"rules", {rules}}, {"etag", read}}, P().NewAccount("ROLE_STAFF"));
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(ErrorReason(r), "ETAG_MISMATCH") << r.body;
  r = P().Call("PATCH", "/v1/pointRules", {{"rules", {rules}}}, P().Admin());
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_THAT(r.body, HasSubstr("point_rules.etag"));
  EXPECT_EQ(Json(P().Call("GET", "/v1/pointRules", nullptr, P().Admin()))["rules"].size(), 2u);
  const std::string deputy_token = P().NewAccount("ROLE_DEPUTY", first);
  EXPECT_EQ(P().Call("PATCH", "/v1/pointRules", {{"rules", json::array()}}, deputy_token).status, 403);
  EXPECT_EQ(P().Call("GET", "/v1/pointRules", nullptr, deputy_token).status, 200);

  for (const std::string& date : {LastYear("01-02"), LastYear("01-03"), LastYear("01-04")}) {
    ASSERT_EQ(
        P().Call("POST", absl::StrCat("/v1/", first, "/duties"), Duty(date, "DUTY_CATEGORY_TRAINING"), P().Admin())
            .status,
        200);
  }
  ASSERT_EQ(P().Call("POST", absl::StrCat("/v1/", second, "/duties"),
                     Duty(LastYear("02-02"), "DUTY_CATEGORY_STATION_DUTY"), P().Admin())
                .status,
            200);

  r = P().Call("GET", absl::StrCat("/v1/", first, "/points?period=", LastYear("Q1")), nullptr, deputy_token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r).value("total", ""), "4");  // int64 is a string in proto JSON; 6 capped at 4
  r = P().Call("GET", absl::StrCat("/v1/", first, "/points?period=2026-13"), nullptr, deputy_token);
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(Json(r).value("message", ""), HasSubstr("period"));

  r = P().Call("GET", absl::StrCat("/v1/", station, "/ranking?period=", LastYear("Q1")), nullptr, deputy_token);
  ASSERT_EQ(r.status, 200) << r.body;
  json entries = Json(r)["entries"];
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].value("deputy", ""), first);
  EXPECT_EQ(entries[0].value("rank", 0), 1);
  EXPECT_EQ(entries[1].value("deputy", ""), second);
  EXPECT_EQ(entries[1].value("rank", 0), 2);
  EXPECT_EQ(
      P().Call("POST", absl::StrCat("/v1/", station, "/ranking:publish"), {{"period", LastYear("Q1")}}, deputy_token)
          .status,
      403);
  r = P().Call("POST", absl::StrCat("/v1/", station, "/ranking:publish"), {{"period", LastYear("Q1")}}, P().Admin());
  ASSERT_EQ(r.status, 200) << r.body;

  r = P().Call("POST", "/v1/stations:rate", {{"region", region}, {"period", LastYear("Q1")}}, P().Admin());
  ASSERT_EQ(r.status, 200) << r.body;
  json ratings = Json(r)["ratings"];
  ASSERT_EQ(ratings.size(), 2u);
  EXPECT_EQ(ratings[0].value("station", ""), station);
  EXPECT_EQ(ratings[0].value("dutyRecords", ""), "4");
  EXPECT_EQ(ratings[0].value("stars", 0), 4);  // two stations: floor(0.4) = 0 five-star, floor(1.0) = 1 four-star
  EXPECT_EQ(ratings[1].value("stars", 0), 3);
  r = P().Call(
      "POST", "/v1/stations:rate",
      {{"region", region}, {"period", LastYear("Q1")}, {"quotas", {{"fiveStarPercent", 50}, {"fourStarPercent", 50}}}},
      P().Admin());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r)["ratings"][0].value("stars", 0), 5);
  EXPECT_EQ(Json(r)["ratings"][1].value("stars", 0), 4);
  EXPECT_EQ(
      P().Call("POST", "/v1/stations:rate", {{"region", region}, {"period", LastYear("Q1")}}, deputy_token).status,
      403);
}

TEST(Duties, StaffAssessTheChecklistAndEveryoneMayReadIt) {
  const std::string station = P().NewStation(Unique("九有区"));
  const std::string deputy_token = P().NewAccount("ROLE_DEPUTY", P().NewDeputy(station, "钱进"));
  const json assessment = {{"items", {{{"item", "有场所"}, {"met", true}, {"evidence", {"files/3"}}}}}};
  const std::string path = absl::StrCat("/v1/", station, "/checklist");
  EXPECT_EQ(P().Call("PATCH", path, assessment, deputy_token).status, 403);
  EXPECT_EQ(P().Call("PATCH", "/v1/checklistDefinition", {{"items", {"有场所"}}}, deputy_token).status, 403);
  HttpResponse r = P().Call("PATCH", path, assessment, P().Admin());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r).value("itemsMet", 0), 1);

  r = P().Call("GET", path, nullptr, P().NewAccount("ROLE_CITIZEN"));
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(Json(r)["items"].size(), 9u);
  EXPECT_EQ(Json(r)["items"][0].value("item", ""), "有场所");
  EXPECT_TRUE(Json(r)["items"][0].value("met", false));
  r = P().Call("PATCH", path, {{"items", {{{"item", "有食堂"}, {"met", true}}}}}, P().Admin());
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(Json(r).value("message", ""), HasSubstr("checklist.items[0].item"));
}

TEST(Duties, OnlyStaffPutDeputiesOnTheRota) {
  const std::string station = P().NewStation(Unique("轮值区"));
  const std::string deputy = P().NewDeputy(station, "孙值班");
  const std::string path = absl::StrCat("/v1/", station, "/rotaEntries");
  const json entry = {{"deputy", deputy}, {"date", "2026-05-04"}, {"note", "14:00-17:00"}};
  EXPECT_EQ(P().Call("POST", path, entry, P().NewAccount("ROLE_DEPUTY", deputy)).status, 403);
  HttpResponse r = P().Call("POST", path, entry, P().Admin());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r).value("displayName", ""), "孙值班");
  EXPECT_EQ(P().Call("POST", path, entry, P().Admin()).status, 409);
  r = P().Call("GET", absl::StrCat(path, "?startDate=2026-05-01&endDate=2026-05-31"), nullptr,
               P().NewAccount("ROLE_CITIZEN"));
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(Json(r)["rotaEntries"].size(), 1u);
  EXPECT_EQ(Json(r)["rotaEntries"][0].value("deputy", ""), deputy);
}

TEST(Duties, ShortlistIsForStaffAndLeaders) {
  const std::string deputy = P().NewDeputy(P().NewStation(Unique("评优区")), "周优秀");
  HttpResponse r =
      P().Call("PATCH", absl::StrCat("/v1/", deputy, "/evaluationResults/2026"), {{"score", 90}}, P().Admin());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r).value("score", 0), 90);
  const std::string shortlist = "/v1/deputies:shortlist?year=2026&size=5";
  EXPECT_EQ(P().Call("GET", shortlist, nullptr, P().NewAccount("ROLE_DEPUTY", deputy)).status, 403);
  EXPECT_EQ(P().Call("GET", shortlist, nullptr, P().NewAccount("ROLE_CITIZEN")).status, 403);
  r = P().Call("GET", shortlist, nullptr, P().NewAccount("ROLE_LEADER"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r).value("evaluationWeight", 0), 2);
  EXPECT_FALSE(Json(r)["entries"].empty());
}

TEST(Duties, SupervisionGroupsAreProposedAndKeptByStaffAndReadByDeputies) {
  const std::string station = P().NewStation(Unique("监督区"));
  // A sector no other test uses, so the proposal holds only these deputies.
  const std::string sector = Unique("轨交");
  const std::string first = P().NewDeputy(station, "郑轨道");
  const std::string second = P().NewDeputy(station, "冯轨道");
  for (const std::string& deputy : {first, second}) {
    ASSERT_EQ(
        P().Call("PATCH", absl::StrCat("/v1/", deputy, "?updateMask=sector"), {{"sector", sector}}, P().Admin()).status,
        200);
  }
  const json target = {
      {"kind", "SUPERVISION_TARGET_KIND_LIVELIHOOD_PROJECT"}, {"name", "地铁三号线"}, {"keywords", {sector}}};

  HttpResponse r =
      P().Call("POST", "/v1/supervisionGroups:propose", {{"target", target}}, P().NewAccount("ROLE_LEADER"));
  ASSERT_EQ(r.status, 200) << r.body;
  json candidates = Json(r)["candidates"];
  ASSERT_EQ(candidates.size(), 2u);
  EXPECT_EQ(candidates[0].value("deputy", ""), first);  // a tie: the lower id first
  EXPECT_EQ(candidates[0]["matches"][0].value("field", ""), "SUPERVISION_MATCH_FIELD_SECTOR");
  r = P().Call("POST", "/v1/supervisionGroups:propose",
               {{"target", {{"kind", "SUPERVISION_TARGET_KIND_DEPARTMENT"}, {"name", "交通运输局"}}}}, P().Admin());
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(Json(r).value("message", ""), HasSubstr("target.keywords"));

  const std::string citizen = P().NewAccount("ROLE_CITIZEN");
  EXPECT_EQ(P().Call("POST", "/v1/supervisionGroups:propose", {{"target", target}}, citizen).status, 403);
  EXPECT_EQ(P().Call("POST", "/v1/supervisionGroups", {{"target", target}, {"members", {first}}}, citizen).status, 403);
  r = P().Call("POST", "/v1/supervisionGroups", {{"target", target}, {"members", {first, "deputies/999999"}}},
               P().Admin());
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(Json(r).value("message", ""), HasSubstr("supervision_group.members[1]"));
  r = P().Call("POST", "/v1/supervisionGroups", {{"target", target}, {"members", {first}}}, P().Admin());
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string group = Json(r).value("name", "");
  EXPECT_EQ(Json(r).value("displayName", ""), "地铁三号线");

  r = P().Call("PATCH", absl::StrCat("/v1/", group, "?updateMask=members"), {{"members", {first, second}}},
               P().Admin());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r)["members"].size(), 2u);

  const std::string deputy_token = P().NewAccount("ROLE_DEPUTY", second);
  r = P().Call("GET", absl::StrCat("/v1/supervisionGroups?member=", second), nullptr, deputy_token);
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(Json(r)["supervisionGroups"].size(), 1u);
  EXPECT_EQ(Json(r)["supervisionGroups"][0].value("name", ""), group);
  EXPECT_EQ(P().Call("GET", absl::StrCat("/v1/", group), nullptr, deputy_token).status, 200);
  EXPECT_EQ(P().Call("PATCH", absl::StrCat("/v1/", group, "?updateMask=members"), {{"members", {second}}}, deputy_token)
                .status,
            403);
  EXPECT_EQ(P().Call("GET", absl::StrCat("/v1/", group), nullptr, citizen).status, 403);
  EXPECT_EQ(
      P().Call("GET", "/v1/supervisionGroups?targetKind=SUPERVISION_TARGET_KIND_DEPARTMENT", nullptr, citizen).status,
      403);
}

TEST(DeadEvents, StaffListAndReplayAServicesDeadEventsThroughTheGateway) {
  const std::string station = P().NewStation("示范县");
  const std::string deputy = P().NewDeputy(station, "钱红");
  // A ballot's duty evidence that the deputies consumer gave up on, as it leaves one in its table.
  minyi::deputies::v1::DutyEvidence evidence;
  evidence.add_deputies(deputy);
  evidence.set_reference("votes/77");
  evidence.set_occurred_on(LastYear("05-06"));
  minyi::common::v1::Event event;
  event.set_id("6f1c2a3b-0000-4000-8000-0000000e2e01");
  event.set_type("minyi.voting.v1.BallotCast");
  event.set_source("voting");
  event.set_subject("votes/77");
  event.mutable_data()->set_type_url("type.googleapis.com/minyi.voting.v1.BallotCast");
  event.mutable_data()->set_value(evidence.SerializeAsString());
  {
    pqxx::connection conn(P().dsn());
    pqxx::work tx(conn);
    tx.exec_params(
        "INSERT INTO deputies.dead_events (consumer, event_id, event_type, payload, error, attempts, first_failed_at) "
        "VALUES ('deputies', $1::uuid, $2, $3, 'UNAVAILABLE: database restarting', 10, now())",
        event.id(), event.type(), pqxx::binarystring(event.SerializeAsString()));
    tx.commit();
  }

  const std::string deputy_token = P().NewAccount("ROLE_DEPUTY", deputy);
  EXPECT_EQ(P().Call("GET", "/v1/deputies/deadEvents", nullptr, deputy_token).status, 403);
  HttpResponse r = P().Call("GET", "/v1/deputies/deadEvents?pageSize=10", nullptr, P().Admin());
  ASSERT_EQ(r.status, 200) << r.body;
  std::string name;
  const json listed = Json(r);
  for (const json& d : listed["deadEvents"]) {
    if (d.value("eventId", "") == event.id()) {
      name = d.value("name", "");
      EXPECT_EQ(d.value("consumer", ""), "deputies");
      EXPECT_EQ(d.value("eventType", ""), "minyi.voting.v1.BallotCast");
      EXPECT_EQ(d.value("error", ""), "UNAVAILABLE: database restarting");
      EXPECT_EQ(d.value("attempts", 0), 10);
    }
  }
  ASSERT_THAT(name, ::testing::StartsWith("deadEvents/")) << r.body;

  // The service host samples its consumer group's backlog and dead events every 2 s.
  EXPECT_TRUE(Eventually([&] {
    const std::string metrics = HttpRequest(P().metrics_port("deputies"), "GET", "/metrics").body;
    return metrics.find("minyi_events_dead{group=\"deputies\"} 1") != std::string::npos &&
           metrics.find("minyi_events_consumer_lag{group=\"deputies\"} 0") != std::string::npos &&
           metrics.find("minyi_events_consumer_pending{group=\"deputies\"} 0") != std::string::npos;
  }));

  EXPECT_EQ(P().Call("POST", absl::StrCat("/v1/deputies/", name, ":replay"), json::object(), deputy_token).status, 403);
  r = P().Call("POST", absl::StrCat("/v1/deputies/", name, ":replay"), json::object(), P().Admin());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r).value("eventId", ""), event.id());
  r = P().Call("GET", absl::StrCat("/v1/", deputy, "/duties"), nullptr, P().Admin());
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(Json(r)["duties"].size(), 1u);
  EXPECT_EQ(Json(r)["duties"][0].value("sourceEvent", ""), event.id());
  EXPECT_EQ(P().Call("POST", absl::StrCat("/v1/deputies/", name, ":replay"), json::object(), P().Admin()).status, 404);

  // Every consuming service serves the same two methods under its own prefix.
  r = P().Call("GET", "/v1/notifications/deadEvents", nullptr, P().Admin());
  EXPECT_EQ(r.status, 200) << r.body;
}

}  // namespace
}  // namespace minyi::testing
