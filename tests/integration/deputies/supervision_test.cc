// The deputies binary as it ships, on a real PostgreSQL and Redis, over gRPC: supervision groups
// (代表联系监督组) — proposals by sector relevance, groups created and changed by staff with their events
// and audit rows, and who may read them.

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/auth.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "integration/deputies/fixture.h"
#include "minyi/common/v1/common.pb.h"
#include "minyi/deputies/v1/deputies.grpc.pb.h"
#include "pqxx/pqxx"
#include "support/harness.h"
#include "support/platform.h"

namespace minyi::testing {
namespace {

namespace v1 = ::minyi::deputies::v1;
using ::minyi::common::v1::Role;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kPhone[] = "13912345678";

class SupervisionGroupsTest : public DeputiesServiceTest {
 protected:
  static void SetUpTestSuite() {
    DeputiesServiceTest::SetUpTestSuite();
    v1::CreateStationRequest req;
    req.mutable_station()->set_display_name("监督组测试站");
    req.mutable_station()->set_kind(v1::STATION_KIND_VILLAGE);
    v1::Station station;
    grpc::Status st = stub_->CreateStation(CallContext(Staff()).get(), req, &station);
    ASSERT_TRUE(st.ok()) << st.error_message();
    station_ = std::make_unique<std::string>(station.name());
  }

  static void TearDownTestSuite() {
    station_.reset();
    DeputiesServiceTest::TearDownTestSuite();
  }

  // A serving deputy with personal data, so tests can see it never leaks.
  static std::string NewDeputy(const std::string& display_name, const std::string& sector,
                               const std::string& delegation = "") {
    v1::CreateDeputyRequest req;
    req.mutable_deputy()->set_display_name(display_name);
    req.mutable_deputy()->set_gender(v1::GENDER_FEMALE);
    req.mutable_deputy()->set_level(v1::LEVEL_COUNTY);
    req.mutable_deputy()->set_term(2);
    req.mutable_deputy()->set_sector(sector);
    req.mutable_deputy()->set_delegation(delegation);
    req.mutable_deputy()->set_phone(kPhone);
    req.mutable_deputy()->add_stations(*station_);
    v1::Deputy out;
    grpc::Status st = stub_->CreateDeputy(CallContext(Staff()).get(), req, &out);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return out.name();
  }

  static std::string NewResignedDeputy(const std::string& sector) {
    const std::string name = NewDeputy("吴离任", sector);
    v1::UpdateDeputyRequest update;
    update.mutable_deputy()->set_name(name);
    update.mutable_deputy()->set_status(v1::DEPUTY_STATUS_RESIGNED);
    update.mutable_deputy()->set_term_end_date("2026-03-01");
    v1::Deputy out;
    grpc::Status st = stub_->UpdateDeputy(CallContext(Staff()).get(), update, &out);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return name;
  }

  static v1::SupervisionTarget Target(v1::SupervisionTargetKind kind, const std::string& name,
                                      const std::vector<std::string>& keywords) {
    v1::SupervisionTarget t;
    t.set_kind(kind);
    t.set_name(name);
    for (const std::string& k : keywords) {
      t.add_keywords(k);
    }
    return t;
  }

  static grpc::Status Propose(const std::string& token, const v1::SupervisionTarget& target,
                              v1::ProposeSupervisionGroupResponse* out, int size = 0) {
    v1::ProposeSupervisionGroupRequest req;
    *req.mutable_target() = target;
    req.set_size(size);
    return stub_->ProposeSupervisionGroup(CallContext(token).get(), req, out);
  }

  static grpc::Status Create(const std::string& token, const v1::SupervisionTarget& target,
                             const std::vector<std::string>& members, v1::SupervisionGroup* out,
                             const std::string& idempotency_key = "") {
    v1::CreateSupervisionGroupRequest req;
    *req.mutable_supervision_group()->mutable_target() = target;
    for (const std::string& m : members) {
      req.mutable_supervision_group()->add_members(m);
    }
    return stub_->CreateSupervisionGroup(CallContext(token, idempotency_key).get(), req, out);
  }

  static int64_t Count(const std::string& sql, const std::string& param) {
    pqxx::connection conn(*dsn_);
    pqxx::nontransaction tx(conn);
    return tx.exec_params(sql, param)[0][0].as<int64_t>();
  }

  // The payloads of the outbox events of `type` about `subject`, in order.
  static std::vector<std::string> Payloads(const std::string& type, const std::string& subject) {
    pqxx::connection conn(*dsn_);
    pqxx::nontransaction tx(conn);
    std::vector<std::string> out;
    for (const pqxx::row& row : tx.exec_params(
             "SELECT payload FROM deputies.outbox WHERE event_type = $1 AND subject = $2 ORDER BY id", type, subject)) {
      const pqxx::binarystring bytes(row[0]);
      out.push_back(bytes.str());
    }
    return out;
  }

  static inline std::unique_ptr<std::string> station_;
};

TEST_F(SupervisionGroupsTest, ProposalsRankServingDeputiesBySectorRelevanceAndStoreNothing) {
  const std::string road = NewDeputy("甲", "城市道路建设", "城区代表团");
  const std::string transport = NewDeputy("乙", "交通运输");
  const std::string delegation_only = NewDeputy("丙", "教育", "交通系统代表团");
  const std::string both = NewDeputy("丁", "公路交通", "交通代表团");
  NewResignedDeputy("交通运输");
  NewDeputy("戊", "文化旅游");

  const v1::SupervisionTarget target =
      Target(v1::SUPERVISION_TARGET_KIND_LIVELIHOOD_PROJECT, "城区道路改造", {"交通", "道路"});
  v1::ProposeSupervisionGroupResponse out;
  grpc::Status st = Propose(Token(minyi::common::v1::ROLE_LEADER), target, &out);
  ASSERT_TRUE(st.ok()) << st.error_message();
  std::vector<std::string> deputies;
  for (const v1::SupervisionCandidate& c : out.candidates()) {
    deputies.push_back(c.deputy());
  }
  // 丁: sector 交通 (3) + delegation 交通 (1); 甲 and 乙 tie on 3 and go by id; 丙 only by delegation.
  EXPECT_THAT(deputies, ElementsAre(both, road, transport, delegation_only));
  EXPECT_EQ(out.candidates(0).score(), 4);
  EXPECT_EQ(out.candidates(0).display_name(), "丁");
  ASSERT_EQ(out.candidates(1).matches_size(), 1);
  EXPECT_EQ(out.candidates(1).matches(0).keyword(), "道路");
  EXPECT_EQ(out.candidates(1).matches(0).field(), v1::SUPERVISION_MATCH_FIELD_SECTOR);
  EXPECT_EQ(out.candidates(3).matches(0).field(), v1::SUPERVISION_MATCH_FIELD_DELEGATION);
  EXPECT_EQ(out.target().name(), "城区道路改造");
  EXPECT_THAT(out.DebugString(), ::testing::Not(HasSubstr(kPhone)));

  out.Clear();
  ASSERT_TRUE(Propose(Staff(), target, &out, 2).ok());
  EXPECT_EQ(out.candidates_size(), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM deputies.supervision_groups WHERE target_name = $1", "城区道路改造"), 0);

  st = Propose(Staff(), Target(v1::SUPERVISION_TARGET_KIND_DEPARTMENT, "交通运输局", {}), &out);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), HasSubstr("target.keywords"));
  st = Propose(Staff(), target, &out, 51);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), HasSubstr("size"));
  for (Role role :
       {minyi::common::v1::ROLE_DEPUTY, minyi::common::v1::ROLE_CITIZEN, minyi::common::v1::ROLE_DEPARTMENT}) {
    EXPECT_EQ(Propose(Token(role, role == minyi::common::v1::ROLE_DEPUTY ? road : ""), target, &out).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
}

TEST_F(SupervisionGroupsTest, StaffCreateAndChangeGroupsOfServingDeputiesWithEventsAndAudit) {
  const std::string a = NewDeputy("水利甲", "水利工程");
  const std::string b = NewDeputy("水利乙", "农田水利");
  const std::string c = NewDeputy("水利丙", "水资源");
  const std::string gone = NewResignedDeputy("水利");
  const v1::SupervisionTarget target = Target(v1::SUPERVISION_TARGET_KIND_DEPARTMENT, "水利局", {"水利", "水"});
  const std::string staff = Staff();

  v1::SupervisionGroup group;
  grpc::Status st = Create(staff, target, {a, gone}, &group);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), HasSubstr("supervision_group.members[1]"));
  st = Create(staff, target, {"deputies/999999", a}, &group);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), HasSubstr("supervision_group.members[0]"));
  st = Create(staff, Target(v1::SUPERVISION_TARGET_KIND_DEPARTMENT, "水利局", {}), {a}, &group);
  EXPECT_THAT(st.error_message(), HasSubstr("supervision_group.target.keywords"));
  EXPECT_EQ(Create(Token(minyi::common::v1::ROLE_LEADER), target, {a}, &group).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  // Members keep the order staff give; a retry with the same key is a replay, not a second group.
  st = Create(staff, target, {b, a}, &group, "create-water");
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_THAT(group.name(), HasSubstr("supervisionGroups/"));
  EXPECT_EQ(group.display_name(), "水利局");
  EXPECT_THAT(group.members(), ElementsAre(b, a));
  EXPECT_EQ(group.target().kind(), v1::SUPERVISION_TARGET_KIND_DEPARTMENT);
  EXPECT_THAT(group.target().keywords(), ElementsAre("水利", "水"));
  EXPECT_FALSE(group.created_by().empty());
  v1::SupervisionGroup replay;
  ASSERT_TRUE(Create(staff, target, {b, a}, &replay, "create-water").ok());
  EXPECT_EQ(replay.name(), group.name());

  const std::vector<std::string> created = Payloads("minyi.deputies.v1.SupervisionGroupCreated", group.name());
  ASSERT_EQ(created.size(), 1u);
  minyi::common::v1::Event event;
  ASSERT_TRUE(event.ParseFromString(created[0]));
  v1::SupervisionGroupCreated payload;
  ASSERT_TRUE(event.data().UnpackTo(&payload));
  EXPECT_EQ(payload.supervision_group(), group.name());
  EXPECT_EQ(payload.target().name(), "水利局");
  EXPECT_THAT(payload.members(), ElementsAre(b, a));
  EXPECT_THAT(created[0], ::testing::Not(HasSubstr(kPhone)));
  EXPECT_EQ(Count("SELECT count(*) FROM deputies.audit_log WHERE action = 'CreateSupervisionGroup' AND resource = $1",
                  group.name()),
            1);

  v1::UpdateSupervisionGroupRequest update;
  update.mutable_supervision_group()->set_name(group.name());
  update.mutable_supervision_group()->set_display_name("水利监督组");
  update.mutable_supervision_group()->add_members(a);
  update.mutable_supervision_group()->add_members(c);
  update.mutable_update_mask()->add_paths("members");
  update.mutable_update_mask()->add_paths("display_name");
  v1::SupervisionGroup updated;
  st = stub_->UpdateSupervisionGroup(CallContext(Token(minyi::common::v1::ROLE_DEPUTY, a)).get(), update, &updated);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  st = stub_->UpdateSupervisionGroup(CallContext(staff).get(), update, &updated);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(updated.display_name(), "水利监督组");
  EXPECT_THAT(updated.members(), ElementsAre(a, c));
  EXPECT_EQ(updated.target().name(), "水利局");
  const std::vector<std::string> changed = Payloads("minyi.deputies.v1.SupervisionGroupUpdated", group.name());
  ASSERT_EQ(changed.size(), 1u);
  ASSERT_TRUE(event.ParseFromString(changed[0]));
  v1::SupervisionGroupUpdated updated_payload;
  ASSERT_TRUE(event.data().UnpackTo(&updated_payload));
  EXPECT_THAT(updated_payload.changed_fields(), ElementsAre("members", "display_name"));
  EXPECT_THAT(updated_payload.members(), ElementsAre(a, c));
  EXPECT_EQ(Count("SELECT count(*) FROM deputies.audit_log WHERE action = 'UpdateSupervisionGroup' AND resource = $1",
                  group.name()),
            1);

  // The target is fixed; members stay serving deputies; the mask names what may change.
  update.mutable_update_mask()->Clear();
  update.mutable_update_mask()->add_paths("target");
  st = stub_->UpdateSupervisionGroup(CallContext(staff).get(), update, &updated);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), HasSubstr("update_mask"));
  update.mutable_update_mask()->Clear();
  update.mutable_update_mask()->add_paths("members");
  update.mutable_supervision_group()->add_members(gone);
  st = stub_->UpdateSupervisionGroup(CallContext(staff).get(), update, &updated);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), HasSubstr("supervision_group.members[2]"));
  update.mutable_supervision_group()->set_name("supervisionGroups/999999");
  EXPECT_EQ(stub_->UpdateSupervisionGroup(CallContext(staff).get(), update, &updated).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(SupervisionGroupsTest, StaffLeadersAndDeputiesReadWithFiltersAndPaging) {
  const std::string a = NewDeputy("卫健甲", "医疗卫生");
  const std::string b = NewDeputy("卫健乙", "基层医疗");
  const std::string staff = Staff();
  v1::SupervisionGroup project;
  v1::SupervisionGroup department;
  v1::SupervisionGroup both;
  ASSERT_TRUE(
      Create(staff, Target(v1::SUPERVISION_TARGET_KIND_LIVELIHOOD_PROJECT, "社区医院建设", {"医疗"}), {a}, &project)
          .ok());
  ASSERT_TRUE(Create(staff, Target(v1::SUPERVISION_TARGET_KIND_DEPARTMENT, "卫健局", {"卫生"}), {b}, &department).ok());
  ASSERT_TRUE(Create(staff, Target(v1::SUPERVISION_TARGET_KIND_DEPARTMENT, "医保局", {"医疗"}), {a, b}, &both).ok());

  // A deputy finds the groups they are in.
  const std::string a_token = Token(minyi::common::v1::ROLE_DEPUTY, a);
  v1::ListSupervisionGroupsRequest mine;
  mine.set_member(a);
  v1::ListSupervisionGroupsResponse out;
  grpc::Status st = stub_->ListSupervisionGroups(CallContext(a_token).get(), mine, &out);
  ASSERT_TRUE(st.ok()) << st.error_message();
  ASSERT_EQ(out.supervision_groups_size(), 2);
  EXPECT_EQ(out.supervision_groups(0).name(), project.name());
  EXPECT_EQ(out.supervision_groups(1).name(), both.name());

  v1::SupervisionGroup got;
  v1::GetSupervisionGroupRequest get;
  get.set_name(department.name());
  ASSERT_TRUE(stub_->GetSupervisionGroup(CallContext(a_token).get(), get, &got).ok());
  EXPECT_THAT(got.members(), ElementsAre(b));
  ASSERT_TRUE(stub_->GetSupervisionGroup(CallContext(Token(minyi::common::v1::ROLE_LEADER)).get(), get, &got).ok());
  for (Role role : {minyi::common::v1::ROLE_CITIZEN, minyi::common::v1::ROLE_DEPARTMENT}) {
    EXPECT_EQ(stub_->GetSupervisionGroup(CallContext(Token(role)).get(), get, &got).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_EQ(stub_->ListSupervisionGroups(CallContext(Token(role)).get(), {}, &out).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  get.set_name("supervisionGroups/999999");
  EXPECT_EQ(stub_->GetSupervisionGroup(CallContext(staff).get(), get, &got).error_code(), grpc::StatusCode::NOT_FOUND);
  get.set_name("deputies/1");
  EXPECT_EQ(stub_->GetSupervisionGroup(CallContext(staff).get(), get, &got).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  // Departments' groups among b's, one per page.
  v1::ListSupervisionGroupsRequest req;
  req.set_member(b);
  req.set_target_kind(v1::SUPERVISION_TARGET_KIND_DEPARTMENT);
  req.set_page_size(1);
  std::vector<std::string> names;
  do {
    v1::ListSupervisionGroupsResponse page;
    st = stub_->ListSupervisionGroups(CallContext(staff).get(), req, &page);
    ASSERT_TRUE(st.ok()) << st.error_message();
    for (const v1::SupervisionGroup& g : page.supervision_groups()) {
      names.push_back(g.name());
    }
    req.set_page_token(page.next_page_token());
  } while (!req.page_token().empty());
  EXPECT_THAT(names, ElementsAre(department.name(), both.name()));

  // A token issued for one filter does not page another.
  req.set_page_size(1);
  v1::ListSupervisionGroupsResponse first;
  ASSERT_TRUE(stub_->ListSupervisionGroups(CallContext(staff).get(), req, &first).ok());
  req.set_page_token(first.next_page_token());
  req.set_target_kind(v1::SUPERVISION_TARGET_KIND_LIVELIHOOD_PROJECT);
  st = stub_->ListSupervisionGroups(CallContext(staff).get(), req, &out);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), HasSubstr("page_token"));

  v1::ListSupervisionGroupsRequest nobody;
  nobody.set_member("deputies/999999");
  out.Clear();
  ASSERT_TRUE(stub_->ListSupervisionGroups(CallContext(staff).get(), nobody, &out).ok());
  EXPECT_THAT(out.supervision_groups(), IsEmpty());
}

}  // namespace
}  // namespace minyi::testing
