#pragma once

// The fixture every voting integration suite shares: the minyi-voting binary as it ships, started once
// per suite on a fresh database beside the minyi-deputies binary (the registry every elector is checked
// against), stubs to both, a direct database connection for inspecting what is stored, tokens for any
// role, and helpers that set up a vote.

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "minyi/deputies/v1/deputies.grpc.pb.h"
#include "minyi/voting/v1/voting.grpc.pb.h"
#include "pqxx/pqxx"
#include "support/service_fixture.h"

namespace minyi::testing {

class VotingServiceTest : public ServiceFixture<minyi::voting::v1::Voting> {
 protected:
  static constexpr char kBallotKey[] = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";

  static void SetUpTestSuite() {
    int port = 0;
    deputies_process_ = StartService("deputies", PostgresServer::Shared().CreateDatabase(), &port);
    deputies_ = minyi::deputies::v1::Deputies::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
    StartSuite("voting",
               {{"MINYI_VOTING_BALLOT_KEY", kBallotKey}, {"MINYI_DEPUTIES_ADDR", absl::StrCat("127.0.0.1:", port)}});
  }

  static void TearDownTestSuite() {
    ServiceFixture::TearDownTestSuite();
    deputies_.reset();
    deputies_process_.reset();
    station_.clear();
  }

  static std::string DeputyToken(const std::string& deputy) { return Token(minyi::common::v1::ROLE_DEPUTY, deputy); }

  // A deputy in the registry, serving (in a station, as serving deputies are) unless told otherwise.
  static std::string NewDeputy(minyi::deputies::v1::DeputyStatus status = minyi::deputies::v1::DEPUTY_STATUS_SERVING) {
    if (station_.empty()) {
      minyi::deputies::v1::CreateStationRequest create;
      create.mutable_station()->set_display_name("城关镇代表联络站");
      create.mutable_station()->set_kind(minyi::deputies::v1::STATION_KIND_VILLAGE);
      create.mutable_station()->add_region_path("城关镇");
      minyi::deputies::v1::Station station;
      grpc::Status st = deputies_->CreateStation(CallContext(Staff()).get(), create, &station);
      EXPECT_TRUE(st.ok()) << st.error_message();
      station_ = station.name();
    }
    minyi::deputies::v1::CreateDeputyRequest create;
    create.mutable_deputy()->set_display_name("代表");
    create.mutable_deputy()->set_level(minyi::deputies::v1::LEVEL_COUNTY);
    create.mutable_deputy()->set_term(2);
    create.mutable_deputy()->set_status(status);
    if (status == minyi::deputies::v1::DEPUTY_STATUS_SERVING) {
      create.mutable_deputy()->add_stations(station_);
    }
    minyi::deputies::v1::Deputy deputy;
    grpc::Status st = deputies_->CreateDeputy(CallContext(Staff()).get(), create, &deputy);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return deputy.name();
  }

  // A screened-in candidate project.
  static std::string CandidateProject(const std::string& title) {
    minyi::voting::v1::CreateProjectRequest create;
    create.mutable_project()->set_title(title);
    create.mutable_project()->set_department("jtj");
    create.mutable_project()->set_source(minyi::voting::v1::NOMINATION_SOURCE_TOWN);
    minyi::voting::v1::Project project;
    grpc::Status st = stub_->CreateProject(CallContext(Staff()).get(), create, &project);
    EXPECT_TRUE(st.ok()) << st.error_message();
    minyi::voting::v1::ScreenProjectRequest screen;
    screen.set_name(project.name());
    screen.set_admit(true);
    st = stub_->ScreenProject(CallContext(Staff()).get(), screen, &project);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return project.name();
  }

  // Creates the vote and opens it, as staff; returns its name.
  static std::string CreateAndOpen(const minyi::voting::v1::CreateVoteRequest& create) {
    minyi::voting::v1::Vote vote;
    grpc::Status st = stub_->CreateVote(CallContext(Staff()).get(), create, &vote);
    EXPECT_TRUE(st.ok()) << st.error_message();
    minyi::voting::v1::OpenVoteRequest open;
    open.set_name(vote.name());
    st = stub_->OpenVote(CallContext(Staff()).get(), open, &vote);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return vote.name();
  }

  // An open approval vote of `candidates` projects for `slots`, with `electorate` fresh serving deputies,
  // all checked in when `check_in`.
  struct OpenedVote {
    std::string name;
    std::vector<std::string> candidates;
    std::vector<std::string> deputies;
  };
  static OpenedVote OpenApprovalVote(int candidates, int slots, int electorate, bool check_in = true) {
    OpenedVote out;
    minyi::voting::v1::CreateVoteRequest create;
    create.mutable_vote()->set_title("民生实事项目票决");
    create.mutable_vote()->set_form(minyi::voting::v1::BALLOT_FORM_APPROVAL);
    create.mutable_vote()->set_slots(slots);
    for (int i = 0; i < candidates; ++i) {
      out.candidates.push_back(CandidateProject(absl::StrCat("候选项目", i + 1)));
      create.mutable_vote()->add_candidates(out.candidates.back());
    }
    for (int i = 0; i < electorate; ++i) {
      out.deputies.push_back(NewDeputy());
      create.mutable_vote()->add_electorate(out.deputies.back());
    }
    out.name = CreateAndOpen(create);
    if (check_in) {
      for (const std::string& d : out.deputies) {
        CheckIn(out.name, d);
      }
    }
    return out;
  }

  // A closed for/against vote over three fresh candidates, one slot and up to two "for" per ballot, where
  // four deputies put candidates 1 and 2 level at 3 of 4 each and are all against candidate 3: the tie
  // at the cut-off needs a run-off.
  static OpenedVote ClosedTie() {
    OpenedVote out = OpenApprovalVote(3, 1, 4, /*check_in=*/false);  // its candidates and deputies
    minyi::voting::v1::CreateVoteRequest create;
    create.mutable_vote()->set_title("并列测试");
    create.mutable_vote()->set_form(minyi::voting::v1::BALLOT_FORM_FOR_AGAINST);
    create.mutable_vote()->set_slots(1);
    create.mutable_vote()->set_max_approvals(2);
    *create.mutable_vote()->mutable_candidates() = {out.candidates.begin(), out.candidates.end()};
    *create.mutable_vote()->mutable_electorate() = {out.deputies.begin(), out.deputies.end()};
    out.name = CreateAndOpen(create);
    for (int v = 0; v < 4; ++v) {
      CheckIn(out.name, out.deputies[v]);
      minyi::voting::v1::CastBallotRequest request;
      request.set_parent(out.name);
      request.mutable_ballot()->set_nonce(Nonce(absl::StrCat("tie", v)));
      for (int c = 0; c < 3; ++c) {
        auto* choice = request.mutable_ballot()->mutable_content()->add_choices();
        choice->set_candidate(out.candidates[c]);
        // Voters 0-2 are for 1; voters 1-3 are for 2; everyone is against 3.
        const bool for_it = (c == 0 && v <= 2) || (c == 1 && v >= 1);
        choice->set_choice(for_it ? minyi::voting::v1::CHOICE_FOR : minyi::voting::v1::CHOICE_AGAINST);
      }
      minyi::voting::v1::BallotReceipt receipt;
      grpc::Status st = Cast(out.deputies[v], request, &receipt);
      EXPECT_TRUE(st.ok()) << st.error_message();
    }
    Close(out.name);
    return out;
  }

  static void Announce(const std::string& vote) {
    minyi::voting::v1::AnnounceResultRequest request;
    request.set_name(vote);
    minyi::voting::v1::Vote out;
    grpc::Status st = stub_->AnnounceResult(CallContext(Staff()).get(), request, &out);
    EXPECT_TRUE(st.ok()) << st.error_message();
  }

  static void CheckIn(const std::string& vote, const std::string& deputy) {
    minyi::voting::v1::CheckInRequest request;
    request.set_name(vote);
    minyi::voting::v1::CheckInResponse response;
    grpc::Status st = stub_->CheckIn(CallContext(DeputyToken(deputy)).get(), request, &response);
    EXPECT_TRUE(st.ok()) << st.error_message();
  }

  static minyi::voting::v1::CastBallotRequest ApprovalBallot(const std::string& vote,
                                                             const std::vector<std::string>& approvals,
                                                             const std::string& nonce) {
    minyi::voting::v1::CastBallotRequest request;
    request.set_parent(vote);
    for (const std::string& a : approvals) {
      request.mutable_ballot()->mutable_content()->add_approvals(a);
    }
    request.mutable_ballot()->set_nonce(nonce);
    return request;
  }

  static grpc::Status Cast(const std::string& deputy, const minyi::voting::v1::CastBallotRequest& request,
                           minyi::voting::v1::BallotReceipt* receipt, const std::string& key = "") {
    return stub_->CastBallot(CallContext(DeputyToken(deputy), key).get(), request, receipt);
  }

  static minyi::voting::v1::Vote Close(const std::string& vote) {
    minyi::voting::v1::CloseVoteRequest request;
    request.set_name(vote);
    minyi::voting::v1::Vote out;
    grpc::Status st = stub_->CloseVote(CallContext(Staff()).get(), request, &out);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return out;
  }

  // A 32-character base64url nonce unique in this process.
  static std::string Nonce(const std::string& seed) {
    std::string out = absl::StrCat("n", seed, "-", Unique("x"));
    for (char& c : out) {
      if (!std::isalnum(static_cast<unsigned char>(c))) {
        c = '_';
      }
    }
    while (out.size() < 32) {
      out += 'A';
    }
    return out;
  }

  // One statement's first value against the voting schema, as text.
  static std::string Query(const std::string& sql) {
    pqxx::connection conn(*dsn_);
    pqxx::nontransaction tx(conn);
    tx.exec("SET search_path TO voting");
    pqxx::result r = tx.exec(sql);
    return r.empty() || r[0][0].is_null() ? "" : r[0][0].as<std::string>();
  }

  static inline std::unique_ptr<ChildProcess> deputies_process_;
  static inline std::unique_ptr<minyi::deputies::v1::Deputies::Stub> deputies_;
  static inline std::string station_;
};

}  // namespace minyi::testing
