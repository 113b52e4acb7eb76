// End to end: staff close a vote while deputies' ballots are still arriving through the gateway. Every
// ballot acknowledged (HTTP 200) is on the bulletin after the announcement and in the count, every other
// one was refused because the vote had closed, nothing is written to the vote after the close (no voter
// row, no box beyond what the result counts), and a cast that starts once the close has answered is
// refused. Several rounds, so the close lands amid casts more than once.

#include <atomic>
#include <iostream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pqxx/pqxx"
#include "support/platform.h"

namespace minyi::testing {
namespace {

using nlohmann::json;

Platform& P() { return Platform::Shared(); }

constexpr int kDeputies = 60;
constexpr int kCasters = 8;  // concurrent deputies casting
constexpr int kRounds = 3;

struct Cast {
  absl::Time started;
  int status = 0;
  std::string tracker;
  std::string body;
};

int64_t VoteId(const std::string& vote) { return std::stoll(vote.substr(std::string("votes/").size())); }

int CountRows(absl::string_view table, const std::string& vote) {
  pqxx::connection conn(P().dsn());
  pqxx::nontransaction tx(conn);
  return tx.exec_params1(absl::StrCat("SELECT count(*) FROM voting.", table, " WHERE vote_id = $1"), VoteId(vote))[0]
      .as<int>();
}

TEST(CloseRaceTest, EveryAcknowledgedBallotIsCountedAndNoneCommitsAfterTheClose) {
  const std::string station = P().NewStation("城关镇");
  std::vector<std::string> deputies;
  std::vector<std::string> tokens;
  for (int i = 0; i < kDeputies; ++i) {
    deputies.push_back(P().NewDeputy(station, absl::StrCat("代表", i)));
    tokens.push_back(MintToken(minyi::common::v1::ROLE_DEPUTY, deputies.back()));
  }
  const std::vector<std::string> candidates = {P().NewCandidate("村道硬化"), P().NewCandidate("路灯亮化"),
                                               P().NewCandidate("老年食堂")};

  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE(absl::StrCat("round ", round));
    const std::string vote = P().OpenVote(absl::StrCat("结束与投票并发 ", round), candidates, deputies);
    for (const std::string& token : tokens) {
      ASSERT_EQ(P().Call("POST", absl::StrCat("/v1/", vote, ":checkIn"), json::object(), token).status, 200);
    }

    std::vector<Cast> casts(kDeputies);
    std::atomic<int> next{0};
    std::atomic<int> acknowledged{0};
    // The last kCasters deputies cast only once the close has answered, so every round has casts that must
    // be refused, however fast the others were (under load all of them once finished before the close).
    std::atomic<bool> close_answered{false};
    std::vector<std::thread> casters;
    for (int t = 0; t < kCasters; ++t) {
      casters.emplace_back([&, t] {
        for (int i = next++; i < kDeputies; i = next++) {
          while (i >= kDeputies - kCasters && !close_answered.load()) {
            absl::SleepFor(absl::Milliseconds(1));
          }
          const json ballot = {{"content", {{"approvals", {candidates[(i + t) % candidates.size()]}}}},
                               {"nonce", absl::StrCat("close-race-nonce-0123456789-", round, "-", i)}};
          casts[i].started = absl::Now();
          HttpResponse cast = P().Call("POST", absl::StrCat("/v1/", vote, "/ballots"), ballot, tokens[i]);
          casts[i].status = cast.status;
          casts[i].body = cast.body;
          if (cast.status == 200) {
            casts[i].tracker = Json(cast).value("tracker", "");
            ++acknowledged;
          }
        }
      });
    }
    // Staff close once about a third of the deputies have cast, while the others are still casting.
    while (acknowledged.load() < kDeputies / 3 && next.load() < kDeputies) {
      absl::SleepFor(absl::Milliseconds(1));
    }
    HttpResponse r = P().Call("POST", absl::StrCat("/v1/", vote, ":close"), json::object(), P().Admin());
    const absl::Time closed = absl::Now();
    close_answered = true;
    for (std::thread& t : casters) {
      t.join();
    }
    ASSERT_EQ(r.status, 200) << r.body;

    std::set<std::string> acknowledged_trackers;
    int refused = 0;
    int after_close = 0;
    for (const Cast& c : casts) {
      if (c.status == 200) {
        acknowledged_trackers.insert(c.tracker);
        EXPECT_LT(c.started, closed) << "a cast started after the close answered was accepted";
        continue;
      }
      // Anything but 200 is the vote being over: FAILED_PRECONDITION naming the closed state.
      EXPECT_EQ(c.status, 400) << c.body;
      const json error = json::parse(c.body, nullptr, false);
      EXPECT_EQ(error.is_object() ? error.value("code", 0) : 0, 9) << c.body;
      ++refused;
      after_close += c.started > closed;
    }
    EXPECT_EQ(static_cast<int>(acknowledged_trackers.size()), acknowledged.load());
    EXPECT_EQ(acknowledged.load() + refused, kDeputies);
    // The close really landed amid the casts: some were counted, some refused.
    EXPECT_GE(acknowledged.load(), kDeputies / 3);
    EXPECT_GT(refused, 0);
    EXPECT_GE(after_close, kCasters);

    // Nothing reached the vote after the close: one voter row per counted ballot, and the box is empty.
    ASSERT_EQ(P().Call("POST", absl::StrCat("/v1/", vote, ":announce"), json::object(), P().Admin()).status, 200);
    r = P().Call("GET", absl::StrCat("/v1/", vote, "/result"), nullptr, P().Admin());
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(Json(r).value("ballotsCast", 0), acknowledged.load()) << r.body;
    EXPECT_EQ(CountRows("voters", vote), acknowledged.load());
    EXPECT_EQ(CountRows("sealed_ballots", vote), 0);

    // Every acknowledged receipt is on the bulletin, and nothing else is.
    r = P().Call("GET", absl::StrCat("/v1/", vote, "/bulletin"), nullptr, P().NewAccount("ROLE_CITIZEN"));
    ASSERT_EQ(r.status, 200) << r.body;
    std::set<std::string> on_bulletin;
    for (const json& b : Json(r).value("ballots", json::array())) {
      on_bulletin.insert(b.value("tracker", ""));
    }
    EXPECT_EQ(on_bulletin, acknowledged_trackers);
    std::cout << "round " << round << ": " << acknowledged.load() << " ballots counted, " << refused
              << " refused as closed (" << after_close << " of them started after the close answered)\n";
  }
}

}  // namespace
}  // namespace minyi::testing
