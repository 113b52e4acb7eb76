// The identity and deputies binaries as they ship, on a real PostgreSQL and Redis, spoken to over gRPC.

#include <atomic>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "minyi/deputies/v1/deputies.grpc.pb.h"
#include "minyi/identity/v1/identity.grpc.pb.h"
#include "pqxx/pqxx"
#include "support/harness.h"
#include "support/platform.h"

namespace minyi::testing {
namespace {

using ::minyi::deputies::v1::CreateDeputyRequest;
using ::minyi::deputies::v1::CreateStationRequest;
using ::minyi::deputies::v1::Deputies;
using ::minyi::deputies::v1::Deputy;
using ::minyi::deputies::v1::GetDeputyRequest;
using ::minyi::deputies::v1::ListDeputiesRequest;
using ::minyi::deputies::v1::ListDeputiesResponse;
using ::minyi::deputies::v1::ListStationsRequest;
using ::minyi::deputies::v1::ListStationsResponse;
using ::minyi::deputies::v1::Station;
using ::minyi::deputies::v1::UpdateDeputyRequest;
using ::minyi::identity::v1::Account;
using ::minyi::identity::v1::ChangePasswordRequest;
using ::minyi::identity::v1::CreateAccountRequest;
using ::minyi::identity::v1::GetAccountRequest;
using ::minyi::identity::v1::Identity;
using ::minyi::identity::v1::IssueTokenRequest;
using ::minyi::identity::v1::Token;
using ::testing::HasSubstr;

constexpr char kBootstrapPassword[] = "Bq9-integration-admin-X4tz";
constexpr char kAdminPassword[] = "Nf2-integration-admin-K7wd";

// A resident ID number with a valid GB 11643 check character; `seq` makes it unique.
std::string IdNumber(int seq) {
  static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  std::string id = absl::StrFormat("52010219900101%03d", seq % 1000);
  int sum = 0;
  for (int i = 0; i < 17; ++i) {
    sum += (id[i] - '0') * kWeights[i];
  }
  return id + "10X98765432"[sum % 11];
}

std::string Phone(int seq) { return absl::StrFormat("139%08d", seq); }

class ServicesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dsn_ = new std::string(PostgresServer::Shared().CreateDatabase());
    const std::map<std::string, std::string> env = {{"MINYI_BOOTSTRAP_ADMIN_PASSWORD", kBootstrapPassword}};
    int identity_port = 0;
    int deputies_port = 0;
    identity_process_ = StartService("identity", *dsn_, &identity_port, env).release();
    deputies_process_ = StartService("deputies", *dsn_, &deputies_port, env).release();
    identity_ = Identity::NewStub(
                    grpc::CreateChannel(absl::StrCat("127.0.0.1:", identity_port), grpc::InsecureChannelCredentials()))
                    .release();
    deputies_ = Deputies::NewStub(
                    grpc::CreateChannel(absl::StrCat("127.0.0.1:", deputies_port), grpc::InsecureChannelCredentials()))
                    .release();
    // The bootstrap password is good once: the first sign-in must change it.
    ChangePasswordRequest change;
    change.set_name("accounts/me");
    change.set_current_password(kBootstrapPassword);
    change.set_new_password(kAdminPassword);
    Token changed;
    ASSERT_TRUE(
        identity_->ChangePassword(CallContext(SignIn("admin", kBootstrapPassword)).get(), change, &changed).ok())
        << identity_process_->Log();
    admin_token_ = new std::string(SignIn("admin", kAdminPassword));
    ASSERT_FALSE(admin_token_->empty()) << identity_process_->Log();
  }

  static void TearDownTestSuite() {
    delete identity_;
    delete deputies_;
    delete identity_process_;
    delete deputies_process_;
    delete admin_token_;
    delete dsn_;
  }

  static std::string SignIn(const std::string& username, const std::string& password) {
    IssueTokenRequest req;
    req.set_username(username);
    req.set_password(password);
    Token token;
    grpc::Status st = identity_->IssueToken(CallContext("").get(), req, &token);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return token.access_token();
  }

  // Creates an account with `role` (linked to `link` for deputies and departments) and signs it in.
  static std::string AccountToken(minyi::common::v1::Role role, const std::string& link = "") {
    static std::atomic<int> next{0};
    CreateAccountRequest req;
    req.mutable_account()->set_username(absl::StrCat("user", ++next));
    req.mutable_account()->set_display_name("测试用户");
    req.mutable_account()->set_role(role);
    if (role == minyi::common::v1::ROLE_DEPUTY) {
      req.mutable_account()->set_deputy(link);
    }
    req.set_password("password-0123");
    Account account;
    grpc::Status st = identity_->CreateAccount(CallContext(*admin_token_).get(), req, &account);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return SignIn(req.account().username(), req.password());
  }

  static Station MakeStation(const std::string& display_name, std::vector<std::string> region = {"红花岗区"}) {
    CreateStationRequest req;
    req.mutable_station()->set_display_name(display_name);
    req.mutable_station()->set_kind(minyi::deputies::v1::STATION_KIND_VILLAGE);
    for (const std::string& r : region) {
      req.mutable_station()->add_region_path(r);
    }
    Station station;
    grpc::Status st = deputies_->CreateStation(CallContext(*admin_token_).get(), req, &station);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return station;
  }

  static Deputy NewDeputy(const std::string& display_name, const std::vector<std::string>& stations) {
    static std::atomic<int> seq{0};
    const int n = ++seq;
    Deputy d;
    d.set_display_name(display_name);
    d.set_gender(minyi::deputies::v1::GENDER_FEMALE);
    d.set_level(minyi::deputies::v1::LEVEL_COUNTY);
    d.set_term(2);
    d.set_delegation("老城街道代表团");
    d.set_sector("教育");
    d.set_phone(Phone(n));
    d.set_id_number(IdNumber(n));
    for (const std::string& s : stations) {
      d.add_stations(s);
    }
    return d;
  }

  static grpc::Status Create(const Deputy& deputy, Deputy* out, const std::string& token = "",
                             const std::string& key = "") {
    CreateDeputyRequest req;
    *req.mutable_deputy() = deputy;
    return deputies_->CreateDeputy(CallContext(token.empty() ? *admin_token_ : token, key).get(), req, out);
  }

  static Deputy MustCreate(const Deputy& deputy) {
    Deputy out;
    grpc::Status st = Create(deputy, &out);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return out;
  }

  static Deputy Get(const std::string& name, const std::string& token) {
    GetDeputyRequest req;
    req.set_name(name);
    Deputy out;
    grpc::Status st = deputies_->GetDeputy(CallContext(token).get(), req, &out);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return out;
  }

  // Every page of the list, in order; fails the test on an error.
  static std::vector<Deputy> ListAll(ListDeputiesRequest req, const std::string& token, int* pages = nullptr) {
    std::vector<Deputy> all;
    int n = 0;
    do {
      ListDeputiesResponse resp;
      grpc::Status st = deputies_->ListDeputies(CallContext(token).get(), req, &resp);
      EXPECT_TRUE(st.ok()) << st.error_message();
      if (!st.ok()) {
        break;
      }
      ++n;
      all.insert(all.end(), resp.deputies().begin(), resp.deputies().end());
      req.set_page_token(resp.next_page_token());
    } while (!req.page_token().empty());
    if (pages != nullptr) {
      *pages = n;
    }
    return all;
  }

  static int64_t Count(const std::string& sql, const std::string& param) {
    pqxx::connection conn(*dsn_);
    pqxx::work tx(conn);
    return tx.exec_params(sql, param)[0][0].as<int64_t>();
  }

  static void Exec(const std::string& sql, const std::string& param) {
    pqxx::connection conn(*dsn_);
    pqxx::work tx(conn);
    tx.exec_params(sql, param);
    tx.commit();
  }

  static std::string* dsn_;
  static ChildProcess* identity_process_;
  static ChildProcess* deputies_process_;
  static Identity::Stub* identity_;
  static Deputies::Stub* deputies_;
  static std::string* admin_token_;
};

std::string* ServicesTest::dsn_ = nullptr;
ChildProcess* ServicesTest::identity_process_ = nullptr;
ChildProcess* ServicesTest::deputies_process_ = nullptr;
Identity::Stub* ServicesTest::identity_ = nullptr;
Deputies::Stub* ServicesTest::deputies_ = nullptr;
std::string* ServicesTest::admin_token_ = nullptr;

TEST_F(ServicesTest, WrongUserAndWrongPasswordLookTheSame) {
  IssueTokenRequest req;
  req.set_username("admin");
  req.set_password("not-the-password");
  Token token;
  grpc::Status wrong_password = identity_->IssueToken(CallContext("").get(), req, &token);
  req.set_username("nobody-here");
  grpc::Status wrong_user = identity_->IssueToken(CallContext("").get(), req, &token);
  EXPECT_EQ(wrong_password.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(wrong_user.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(wrong_password.error_message(), wrong_user.error_message());
  EXPECT_EQ(identity_process_->Log().find(kAdminPassword), std::string::npos);
}

TEST_F(ServicesTest, AccountsAreAdminsToCreateAndOwnersToRead) {
  CreateAccountRequest req;
  req.mutable_account()->set_username("staff.li");
  req.mutable_account()->set_display_name("李工作人员");
  req.mutable_account()->set_role(minyi::common::v1::ROLE_STAFF);
  req.set_password("staff-password-1");
  Account staff;
  ASSERT_TRUE(identity_->CreateAccount(CallContext(*admin_token_).get(), req, &staff).ok());
  EXPECT_EQ(staff.display_name(), "李工作人员");

  Account again;
  EXPECT_EQ(identity_->CreateAccount(CallContext(*admin_token_).get(), req, &again).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);

  const std::string staff_token = SignIn("staff.li", "staff-password-1");
  req.mutable_account()->set_username("staff.wang");
  EXPECT_EQ(identity_->CreateAccount(CallContext(staff_token).get(), req, &again).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  GetAccountRequest get;
  get.set_name("accounts/me");
  Account me;
  ASSERT_TRUE(identity_->GetAccount(CallContext(staff_token).get(), get, &me).ok());
  EXPECT_EQ(me.name(), staff.name());
  get.set_name(staff.name());
  EXPECT_TRUE(identity_->GetAccount(CallContext(staff_token).get(), get, &me).ok());
  get.set_name("accounts/1");  // the bootstrap admin
  EXPECT_EQ(identity_->GetAccount(CallContext(staff_token).get(), get, &me).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  get.set_name(staff.name());
  EXPECT_TRUE(identity_->GetAccount(CallContext(*admin_token_).get(), get, &me).ok());
}

TEST_F(ServicesTest, NoTokenIsUnauthenticated) {
  ListDeputiesResponse resp;
  EXPECT_EQ(deputies_->ListDeputies(CallContext("").get(), ListDeputiesRequest(), &resp).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(deputies_->ListDeputies(CallContext("not.a.jwt").get(), ListDeputiesRequest(), &resp).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  Deputy out;
  EXPECT_EQ(Create(NewDeputy("张三", {}), &out, "forged").error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(ServicesTest, CitizenCannotCreateButCanReadMasked) {
  const Station station = MakeStation("市民测试站");
  const Deputy created = MustCreate(NewDeputy("赵六", {station.name()}));
  const std::string citizen = AccountToken(minyi::common::v1::ROLE_CITIZEN);
  Deputy out;
  EXPECT_EQ(Create(NewDeputy("钱七", {station.name()}), &out, citizen).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  CreateStationRequest station_req;
  station_req.mutable_station()->set_display_name("市民站");
  station_req.mutable_station()->set_kind(minyi::deputies::v1::STATION_KIND_VILLAGE);
  Station station_out;
  EXPECT_EQ(deputies_->CreateStation(CallContext(citizen).get(), station_req, &station_out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  const Deputy seen = Get(created.name(), citizen);
  EXPECT_EQ(seen.display_name(), "赵六");
  EXPECT_EQ(seen.phone(), absl::StrCat(created.phone().substr(0, 3), "****", created.phone().substr(7)));
  EXPECT_THAT(seen.id_number(), HasSubstr("********"));
}

TEST_F(ServicesTest, PersonalDataIsFullOnlyForOfficeAndTheDeputyThemself) {
  const Station station = MakeStation("隐私测试站");
  const Deputy a = MustCreate(NewDeputy("王芳", {station.name()}));
  const Deputy b = MustCreate(NewDeputy("李娜", {station.name()}));
  ASSERT_EQ(a.phone().size(), 11u);

  const std::string deputy_a = AccountToken(minyi::common::v1::ROLE_DEPUTY, a.name());
  EXPECT_EQ(Get(a.name(), deputy_a).phone(), a.phone());
  EXPECT_EQ(Get(a.name(), deputy_a).id_number(), a.id_number());
  EXPECT_NE(Get(b.name(), deputy_a).phone(), b.phone());
  EXPECT_THAT(Get(b.name(), deputy_a).phone(), HasSubstr("****"));

  const std::string staff = AccountToken(minyi::common::v1::ROLE_STAFF);
  EXPECT_EQ(Get(b.name(), staff).phone(), b.phone());
  ListDeputiesRequest list;
  list.set_station(station.name());
  for (const std::string& token : {staff, deputy_a, *admin_token_}) {
    std::vector<Deputy> all = ListAll(list, token);
    ASSERT_EQ(all.size(), 2u);
    for (const Deputy& d : all) {
      EXPECT_THAT(d.phone(), HasSubstr("****"));
      EXPECT_THAT(d.id_number(), HasSubstr("********"));
    }
  }
}

TEST_F(ServicesTest, PaginationWalksEveryPageOnce) {
  const Station station = MakeStation("分页测试站");
  std::set<std::string> created;
  for (int i = 0; i < 7; ++i) {
    created.insert(MustCreate(NewDeputy(absl::StrCat("分页代表", i), {station.name()})).name());
  }
  ListDeputiesRequest req;
  req.set_station(station.name());
  req.set_page_size(3);
  int pages = 0;
  std::vector<Deputy> all = ListAll(req, *admin_token_, &pages);
  EXPECT_EQ(pages, 3);
  std::set<std::string> seen;
  for (const Deputy& d : all) {
    EXPECT_TRUE(seen.insert(d.name()).second) << "duplicate " << d.name();
  }
  EXPECT_EQ(seen, created);

  ListDeputiesResponse first;
  ASSERT_TRUE(deputies_->ListDeputies(CallContext(*admin_token_).get(), req, &first).ok());
  ASSERT_FALSE(first.next_page_token().empty());
  ListDeputiesRequest other_filter = req;
  other_filter.set_page_token(first.next_page_token());
  other_filter.set_query("王");
  ListDeputiesResponse resp;
  EXPECT_EQ(deputies_->ListDeputies(CallContext(*admin_token_).get(), other_filter, &resp).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  ListDeputiesRequest tampered = req;
  tampered.set_page_token(first.next_page_token() + "x!");
  EXPECT_EQ(deputies_->ListDeputies(CallContext(*admin_token_).get(), tampered, &resp).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  ListDeputiesRequest negative;
  negative.set_page_size(-1);
  EXPECT_EQ(deputies_->ListDeputies(CallContext(*admin_token_).get(), negative, &resp).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  ListDeputiesRequest huge = req;
  huge.set_page_size(100000);
  ASSERT_TRUE(deputies_->ListDeputies(CallContext(*admin_token_).get(), huge, &resp).ok());
  EXPECT_EQ(resp.deputies_size(), 7);
}

TEST_F(ServicesTest, FiltersByStationStatusAndCjkQuery) {
  const Station station = MakeStation("筛选测试站");
  const Deputy serving = MustCreate(NewDeputy("孙悟空", {station.name()}));
  Deputy to_resign = NewDeputy("猪八戒", {station.name()});
  to_resign.set_sector("农业农村筛选");
  const Deputy resigned = MustCreate(to_resign);

  UpdateDeputyRequest update;
  update.mutable_deputy()->set_name(resigned.name());
  update.mutable_deputy()->set_status(minyi::deputies::v1::DEPUTY_STATUS_RESIGNED);
  update.mutable_update_mask()->add_paths("status");
  Deputy updated;
  ASSERT_TRUE(deputies_->UpdateDeputy(CallContext(*admin_token_).get(), update, &updated).ok());
  EXPECT_EQ(updated.status(), minyi::deputies::v1::DEPUTY_STATUS_RESIGNED);

  // Leaving closes the deputy's memberships (kept as history): the station lists only who still serves.
  EXPECT_EQ(updated.stations_size(), 0);

  ListDeputiesRequest req;
  req.set_status(minyi::deputies::v1::DEPUTY_STATUS_RESIGNED);
  req.set_query("农村筛");  // CJK substring of the sector
  std::vector<Deputy> found = ListAll(req, *admin_token_);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].name(), resigned.name());

  req.clear_status();
  req.clear_query();
  req.set_station(station.name());
  found = ListAll(req, *admin_token_);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].name(), serving.name());
  req.set_query("悟");
  found = ListAll(req, *admin_token_);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].name(), serving.name());
  req.set_query("%");  // a LIKE wildcard would match everyone
  EXPECT_TRUE(ListAll(req, *admin_token_).empty());

  ListStationsRequest stations;
  stations.set_region("红花岗区");
  stations.set_kind(minyi::deputies::v1::STATION_KIND_VILLAGE);
  ListStationsResponse station_list;
  ASSERT_TRUE(deputies_->ListStations(CallContext(*admin_token_).get(), stations, &station_list).ok());
  EXPECT_GE(station_list.stations_size(), 1);
  stations.set_region("不存在的区");
  ASSERT_TRUE(deputies_->ListStations(CallContext(*admin_token_).get(), stations, &station_list).ok());
  EXPECT_EQ(station_list.stations_size(), 0);
}

TEST_F(ServicesTest, ChangingStationsKeepsMembershipHistory) {
  const Station first = MakeStation("历史站一");
  const Station second = MakeStation("历史站二");
  const Deputy d = MustCreate(NewDeputy("周八", {first.name()}));

  UpdateDeputyRequest update;
  update.mutable_deputy()->set_name(d.name());
  update.mutable_deputy()->add_stations(second.name());
  update.mutable_update_mask()->add_paths("stations");
  Deputy updated;
  grpc::Status st = deputies_->UpdateDeputy(CallContext(*admin_token_).get(), update, &updated);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_THAT(updated.stations(), ::testing::ElementsAre(second.name()));
  EXPECT_EQ(updated.display_name(), "周八");
  EXPECT_EQ(updated.phone(), d.phone());

  ListDeputiesRequest in_first;
  in_first.set_station(first.name());
  EXPECT_TRUE(ListAll(in_first, *admin_token_).empty());
  const std::string id = d.name().substr(d.name().find('/') + 1);
  EXPECT_EQ(Count("SELECT count(*) FROM deputies.memberships WHERE deputy_id = $1::bigint", id), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM deputies.memberships WHERE deputy_id = $1::bigint AND end_date IS NULL", id),
            1);
  EXPECT_EQ(
      Count("SELECT count(*) FROM deputies.outbox WHERE subject = $1 AND event_type LIKE '%DeputyUpdated'", d.name()),
      1);

  UpdateDeputyRequest bad = update;
  bad.mutable_update_mask()->set_paths(0, "nickname");
  grpc::Status unknown = deputies_->UpdateDeputy(CallContext(*admin_token_).get(), bad, &updated);
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(unknown.error_message(), HasSubstr("nickname"));

  bad = update;
  bad.mutable_deputy()->set_stations(0, "stations/987654");
  grpc::Status missing = deputies_->UpdateDeputy(CallContext(*admin_token_).get(), bad, &updated);
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(missing.error_message(), HasSubstr("deputy.stations[0]"));

  bad = update;
  bad.mutable_deputy()->clear_stations();
  grpc::Status none = deputies_->UpdateDeputy(CallContext(*admin_token_).get(), bad, &updated);
  EXPECT_EQ(none.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(none.error_message(), HasSubstr("deputy.stations"));

  bad = update;
  bad.mutable_deputy()->set_name("deputies/987654");
  EXPECT_EQ(deputies_->UpdateDeputy(CallContext(*admin_token_).get(), bad, &updated).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(ServicesTest, ValidationErrorsNameTheField) {
  const Station station = MakeStation("校验测试站");
  Deputy d = NewDeputy("吴九", {station.name()});
  d.set_phone("12345");
  Deputy out;
  grpc::Status st = Create(d, &out);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), HasSubstr("deputy.phone"));

  d = NewDeputy("吴九", {"stations/987654"});
  st = Create(d, &out);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), HasSubstr("deputy.stations[0]"));

  GetDeputyRequest get;
  get.set_name("deputies/987654");
  EXPECT_EQ(deputies_->GetDeputy(CallContext(*admin_token_).get(), get, &out).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(ServicesTest, SqlLookingTextIsStoredVerbatim) {
  const std::string sqlish = "'; DROP TABLE deputies; --";
  const Station station = MakeStation(sqlish);
  Deputy d = NewDeputy(sqlish, {station.name()});
  d.set_delegation("\"); DELETE FROM stations; --");
  const Deputy created = MustCreate(d);
  const Deputy read = Get(created.name(), *admin_token_);
  EXPECT_EQ(read.display_name(), sqlish);
  EXPECT_EQ(read.delegation(), "\"); DELETE FROM stations; --");

  ListDeputiesRequest req;
  req.set_query("DROP TABLE");
  std::vector<Deputy> found = ListAll(req, *admin_token_);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].name(), created.name());
  EXPECT_EQ(Count("SELECT count(*) FROM deputies.deputies WHERE display_name = $1", sqlish), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM deputies.stations WHERE display_name = $1", sqlish), 1);
}

TEST_F(ServicesTest, EveryCreateWritesOneOutboxEventAndAnAuditRow) {
  const Station station = MakeStation("事件测试站");
  const Deputy d = MustCreate(NewDeputy("郑十", {station.name()}));
  EXPECT_EQ(Count("SELECT count(*) FROM deputies.outbox WHERE subject = $1", d.name()), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM deputies.outbox WHERE subject = $1", station.name()), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM deputies.audit_log WHERE resource = $1 AND action = 'CreateDeputy' "
                  "AND actor <> ''",
                  d.name()),
            1);
  // Personal data stays out of the audit trail and the logs.
  EXPECT_EQ(Count("SELECT count(*) FROM deputies.audit_log WHERE strpos(detail::text, $1) > 0", d.phone()), 0);
  EXPECT_EQ(deputies_process_->Log().find(d.phone()), std::string::npos);
  EXPECT_EQ(deputies_process_->Log().find(d.id_number()), std::string::npos);
}

TEST_F(ServicesTest, SameIdempotencyKeyCreatesOnce) {
  const Station station = MakeStation("幂等测试站");
  const Deputy d = NewDeputy("冯十一", {station.name()});
  Deputy first;
  Deputy second;
  ASSERT_TRUE(Create(d, &first, "", "create-feng-1").ok());
  ASSERT_TRUE(Create(d, &second, "", "create-feng-1").ok());
  EXPECT_EQ(first.name(), second.name());
  EXPECT_EQ(Count("SELECT count(*) FROM deputies.deputies WHERE display_name = $1", "冯十一"), 1);

  Deputy changed = d;
  changed.set_sector("卫生");
  Deputy third;
  grpc::Status reused = Create(changed, &third, "", "create-feng-1");
  EXPECT_EQ(reused.error_code(), grpc::StatusCode::ALREADY_EXISTS);

  grpc::Status bad_key = Create(d, &third, "", std::string(256, 'k'));
  EXPECT_EQ(bad_key.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(bad_key.error_message(), HasSubstr("Idempotency-Key"));

  // After 24 hours a key is forgotten: the changed request is new work, not a conflict.
  Exec("UPDATE deputies.idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = $1", "create-feng-1");
  ASSERT_TRUE(Create(changed, &third, "", "create-feng-1").ok());
  EXPECT_NE(third.name(), first.name());
  EXPECT_EQ(third.sector(), "卫生");
}

TEST_F(ServicesTest, FailedAttemptDoesNotBurnTheKey) {
  const Station station = MakeStation("重试测试站");
  Deputy out;
  grpc::Status failed = Create(NewDeputy("褚十三", {"stations/987654"}), &out, "", "retry-chu");
  EXPECT_EQ(failed.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  grpc::Status retried = Create(NewDeputy("褚十三", {station.name()}), &out, "", "retry-chu");
  ASSERT_TRUE(retried.ok()) << retried.error_message();
  EXPECT_EQ(out.display_name(), "褚十三");
}

TEST_F(ServicesTest, ConcurrentDuplicatesCreateExactlyOnce) {
  const Station station = MakeStation("并发测试站");
  const Deputy d = NewDeputy("陈十二", {station.name()});
  constexpr int kThreads = 8;
  std::vector<Deputy> results(kThreads);
  std::vector<grpc::Status> statuses(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] { statuses[i] = Create(d, &results[i], "", "concurrent-chen"); });
  }
  for (std::thread& t : threads) {
    t.join();
  }
  for (int i = 0; i < kThreads; ++i) {
    ASSERT_TRUE(statuses[i].ok()) << i << ": " << statuses[i].error_message();
    EXPECT_EQ(results[i].SerializeAsString(), results[0].SerializeAsString()) << i;
  }
  EXPECT_EQ(Count("SELECT count(*) FROM deputies.deputies WHERE display_name = $1", "陈十二"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM deputies.outbox WHERE subject = $1", results[0].name()), 1);
}

// A metrics port already taken (say, by a process killed a moment ago that the kernel still holds) is a
// clear start-up failure with a non-zero exit, not an abort on an uncaught exception.
TEST(ServiceStartTest, TakenMetricsPortExitsNamingIt) {
  const std::string dsn = PostgresServer::Shared().CreateDatabase();
  int identity_port = 0;
  int taken_port = 0;
  std::unique_ptr<ChildProcess> identity = StartService("identity", dsn, &identity_port, {}, &taken_port);
  ASSERT_TRUE(WaitForPort(taken_port, absl::Seconds(30))) << identity->Log();
  std::map<std::string, std::string> env = TestKeys::Shared().ServiceEnv("deputies");
  env.insert({{"MINYI_PG_DSN", dsn},
              {"MINYI_REDIS_ADDR", RedisServer::Shared().addr()},
              {"MINYI_GRPC_ADDR", absl::StrCat("127.0.0.1:", FreePort())},
              {"MINYI_METRICS_ADDR", absl::StrCat("127.0.0.1:", taken_port)}});
  ChildProcess deputies(BuildPath("services/deputies/minyi-deputies"), {}, env,
                        absl::StrCat(TempDir("minyi-deputies"), "/deputies.log"));
  EXPECT_EQ(deputies.Wait(absl::Seconds(60)), 1);
  EXPECT_THAT(deputies.Log(), HasSubstr("cannot serve metrics"));
}

// A service started with the test keys and `c.env` over the usual settings, expected to exit 1 within
// `within` with its log naming `c.named`; returns the log.
struct BadStart {
  const char* service;
  std::map<std::string, std::string> env;
  const char* named;
};

std::string ExpectRefusedStart(const BadStart& c, const std::string& dsn, absl::Duration within) {
  std::map<std::string, std::string> env = TestKeys::Shared().ServiceEnv(c.service);
  env["MINYI_PG_DSN"] = dsn;
  env["MINYI_REDIS_ADDR"] = RedisServer::Shared().addr();
  env["MINYI_GRPC_ADDR"] = absl::StrCat("127.0.0.1:", FreePort());
  env["MINYI_METRICS_ADDR"] = absl::StrCat("127.0.0.1:", FreePort());
  for (const auto& [k, v] : c.env) {
    env[k] = v;
  }
  ChildProcess process(BuildPath(absl::StrCat("services/", c.service, "/minyi-", c.service)), {}, env,
                       absl::StrCat(TempDir("minyi-bad-config"), "/", c.service, ".log"));
  EXPECT_EQ(process.Wait(within), 1) << c.named << "\n" << process.Log();
  EXPECT_THAT(process.Log(), HasSubstr(c.named));
  return process.Log();
}

// A process refuses to start on a secret copied from the examples, a DSN password that is one, a private
// key others can read, or a token signing key the verifiers do not have — naming what is wrong, never the
// value.
TEST(ServiceStartTest, BadSecretsAndKeysStopTheProcessNamingThem) {
  const std::string dsn = PostgresServer::Shared().CreateDatabase();
  const std::string keys = TestKeys::Shared().dir();
  const std::string open_key = TempDir("minyi-open-key") + "/key.pem";
  std::filesystem::copy_file(keys + "/identity.key.pem", open_key);
  std::filesystem::permissions(open_key, std::filesystem::perms::others_read, std::filesystem::perm_options::add);
  const std::vector<BadStart> cases = {
      {"identity", {{"MINYI_BOOTSTRAP_ADMIN_PASSWORD", "change-me"}}, "MINYI_BOOTSTRAP_ADMIN_PASSWORD"},
      {"deputies", {{"MINYI_PG_DSN", "postgresql://minyi:change-me@127.0.0.1:1/minyi"}}, "MINYI_PG_DSN"},
      {"voting",
       {{"MINYI_VOTING_BALLOT_KEY", std::string(64, '0')}, {"MINYI_DEPUTIES_ADDR", "127.0.0.1:1"}},
       "MINYI_VOTING_BALLOT_KEY"},
      {"evaluation", {{"MINYI_SERVICE_KEY", open_key}}, "MINYI_SERVICE_KEY"},
      // A service's key that does not match its published public key would fail every call it makes.
      {"evaluation", {{"MINYI_SERVICE_KEY", keys + "/voting.key.pem"}}, "MINYI_SERVICE_KEY"},
      // Tokens signed with a key nobody verifies would lock every user out.
      {"identity", {{"MINYI_TOKEN_SIGNING_KEY", keys + "/identity.key.pem"}}, "MINYI_TOKEN_VERIFY_KEYS"},
  };
  for (const BadStart& c : cases) {
    const std::string log = ExpectRefusedStart(c, dsn, absl::Seconds(60));
    EXPECT_THAT(log, ::testing::Not(HasSubstr("change-me")));
  }
}

// A service's own settings are read before anything else: a wrong one stops the process at once, naming
// it, even with the database unreachable (which a service would otherwise wait for).
TEST(ServiceStartTest, AServicesOwnSettingsAreCheckedBeforeTheDatabase) {
  const std::string unreachable = absl::StrCat("postgresql://minyi@127.0.0.1:", FreePort(), "/minyi");
  const std::vector<BadStart> cases = {
      {"notifications",
       {{"MINYI_IDENTITY_ADDR", "127.0.0.1:1"},
        {"MINYI_DEPUTIES_ADDR", "127.0.0.1:1"},
        {"MINYI_NOTIFY_MAX_ATTEMPTS", "0"}},
       "MINYI_NOTIFY_MAX_ATTEMPTS"},
      {"notifications",
       {{"MINYI_IDENTITY_ADDR", "127.0.0.1:1"},
        {"MINYI_DEPUTIES_ADDR", "127.0.0.1:1"},
        {"MINYI_NOTIFY_SMS_URL", "ftp://sms"}},
       "MINYI_NOTIFY_SMS_URL"},
      {"suggestions",
       {{"MINYI_DEPUTIES_ADDR", "127.0.0.1:1"}, {"MINYI_SUGGESTIONS_DEADLINES", "answer=soon"}},
       "MINYI_SUGGESTIONS_DEADLINES"},
      {"voting",
       {{"MINYI_VOTING_BALLOT_KEY", "6d696e79692d6532652d62616c6c6f742d6b65792d303132333435363738"},
        {"MINYI_DEPUTIES_ADDR", "127.0.0.1:1"}},
       "MINYI_VOTING_BALLOT_KEY"},
  };
  for (const BadStart& c : cases) {
    const std::string log = ExpectRefusedStart(c, unreachable, absl::Seconds(10));
    EXPECT_THAT(log, ::testing::Not(HasSubstr("database not reachable")));
  }
}

}  // namespace
}  // namespace minyi::testing
