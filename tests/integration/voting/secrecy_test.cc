// Ballot secrecy (docs/voting.md): nothing stored — no table, no column, no row order, no transaction
// id, no event, no idempotency record, no audit row, no log line — links a deputy to a tracker or a
// ballot's content. Only the voter's nonce, which is never stored, makes the link.
#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "integration/voting/fixture.h"
#include "voting/seal.h"
#include "voting/tally.h"

namespace minyi::testing {
namespace {

using ::minyi::voting::v1::BallotReceipt;
using ::minyi::voting::v1::CastBallotRequest;

class SecrecyTest : public VotingServiceTest {
 protected:
  static std::vector<std::string> Tables() {
    pqxx::connection conn(*dsn_);
    pqxx::nontransaction tx(conn);
    std::vector<std::string> out;
    for (const pqxx::row& r : tx.exec("SELECT table_name FROM information_schema.tables WHERE table_schema = "
                                      "'voting' AND table_type = 'BASE TABLE' ORDER BY 1")) {
      out.push_back(r[0].as<std::string>());
    }
    return out;
  }

  // How many rows of `table`, rendered as text the way a dump shows them (bytea as hex), contain `needle`
  // as text or as the hex of its bytes (as it would be inside a bytea).
  static int RowsContaining(const std::string& table, const std::string& needle) {
    pqxx::connection conn(*dsn_);
    pqxx::nontransaction tx(conn);
    tx.exec("SET search_path TO voting");
    return tx.exec_params("SELECT count(*) FROM " + tx.quote_name(table) + " x WHERE strpos(lower(x::text), lower($1)) > 0"
                          " OR strpos(x::text, encode(convert_to($1, 'UTF8'), 'hex')) > 0",
                          needle)[0][0].as<int>();
  }
};

TEST_F(SecrecyTest, TheSchemaKeepsVotersAndBallotsApartWithoutTimeOrSequence) {
  // Ballot-side and voter-side tables share nothing but the vote.
  const std::string shared = Query(
      "SELECT string_agg(DISTINCT a.column_name, ',') FROM information_schema.columns a "
      "JOIN information_schema.columns b ON a.column_name = b.column_name "
      "WHERE a.table_schema = 'voting' AND b.table_schema = 'voting' "
      "AND a.table_name IN ('sealed_ballots', 'bulletin') AND b.table_name IN ('voters', 'electorate')");
  EXPECT_EQ(shared, "vote_id");
  // No times, dates or sequences in any of them.
  EXPECT_EQ(Query("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'voting' "
                  "AND table_name IN ('sealed_ballots', 'bulletin', 'voters', 'electorate') "
                  "AND (data_type LIKE 'timestamp%' OR data_type IN ('date', 'time without time zone') "
                  "OR column_default LIKE 'nextval%')"),
            "0");
  // The box is keyed by a random UUID.
  EXPECT_EQ(Query("SELECT data_type FROM information_schema.columns WHERE table_schema = 'voting' "
                  "AND table_name = 'sealed_ballots' AND column_name = 'id'"),
            "uuid");
}

TEST_F(SecrecyTest, NoStoredRowLinksADeputyToTheirTrackerOrContent) {
  constexpr int kVoters = 6;
  const OpenedVote vote = OpenApprovalVote(4, 2, kVoters);
  const std::string id = vote.name.substr(6);
  std::vector<std::string> nonces;
  std::vector<std::string> trackers;
  for (int v = 0; v < kVoters; ++v) {
    nonces.push_back(Nonce(absl::StrCat("s", v)));
    const CastBallotRequest request =
        ApprovalBallot(vote.name, {vote.candidates[v % 4], vote.candidates[(v + 1) % 4]}, nonces.back());
    BallotReceipt receipt;
    grpc::Status st = Cast(vote.deputies[v], request, &receipt, absl::StrCat("secrecy-key-", v));
    ASSERT_TRUE(st.ok()) << st.error_message();
    trackers.push_back(receipt.tracker());
  }

  // While open: the box holds ciphertext only; no tracker, content or nonce is readable anywhere.
  EXPECT_EQ(Query("SELECT count(*) FROM sealed_ballots WHERE vote_id = " + id), std::to_string(kVoters));
  for (const std::string& table : Tables()) {
    for (int v = 0; v < kVoters; ++v) {
      EXPECT_EQ(RowsContaining(table, trackers[v]), 0) << table << " holds a tracker while the vote is open";
      EXPECT_EQ(RowsContaining(table, nonces[v]), 0) << table << " holds a nonce";
    }
  }
  EXPECT_EQ(Query("SELECT count(*) FROM sealed_ballots WHERE position(convert_to('projects/', 'UTF8') in box) > 0"),
            "0");
  EXPECT_EQ(Query("SELECT count(*) FROM idempotency_keys WHERE scope LIKE '%CastBallot%'"), "0");

  Close(vote.name);

  // After closing: the box is empty, the bulletin holds every tracker once.
  EXPECT_EQ(Query("SELECT count(*) FROM sealed_ballots WHERE vote_id = " + id), "0");
  EXPECT_EQ(Query("SELECT count(*) FROM bulletin WHERE vote_id = " + id), std::to_string(kVoters));
  // Trackers appear in no table but the bulletin: not in voters, electorate, idempotency_keys, audit_log,
  // outbox or anywhere else, in any encoding a dump shows.
  for (int v = 0; v < kVoters; ++v) {
    EXPECT_EQ(RowsContaining("bulletin", trackers[v]), 1);  // the search finds what is there
  }
  for (const std::string& table : Tables()) {
    if (table == "bulletin") {
      continue;
    }
    for (int v = 0; v < kVoters; ++v) {
      EXPECT_EQ(RowsContaining(table, trackers[v]), 0) << table << " holds tracker of voter " << v;
      EXPECT_EQ(RowsContaining(table, nonces[v]), 0) << table << " holds the nonce of voter " << v;
    }
  }
  // Neither the physical order nor the writing transaction of bulletin rows says when a ballot was cast:
  // one transaction wrote them all, in tracker order, and no voter row shares its transaction id.
  EXPECT_EQ(Query("SELECT count(DISTINCT xmin::text) FROM bulletin WHERE vote_id = " + id), "1");
  EXPECT_EQ(Query("SELECT count(*) FROM voters v WHERE v.xmin::text IN (SELECT xmin::text FROM bulletin)"), "0");
  EXPECT_EQ(Query("SELECT count(*) FROM audit_log a WHERE a.action = 'CastBallot' "
                  "AND a.xmin::text IN (SELECT xmin::text FROM bulletin)"),
            "0");
  std::vector<std::string> sorted = trackers;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(Query("SELECT string_agg(tracker, ',' ORDER BY ctid) FROM bulletin WHERE vote_id = " + id),
            absl::StrJoin(sorted, ","));
  // The voter-side check is no function of anything public: not the tracker, its hash, or its bytes.
  EXPECT_EQ(Query("SELECT count(*) FROM voters v, bulletin b WHERE v.receipt_check IN "
                  "(decode(b.tracker, 'hex'), sha256(decode(b.tracker, 'hex')), sha256(convert_to(b.tracker, 'UTF8')), "
                  "sha256(b.content))"),
            "0");
  // The audit rows and events of casting say who voted, never what: no candidate in them.
  EXPECT_EQ(Query("SELECT count(*) FROM audit_log WHERE action = 'CastBallot' AND detail <> '{}'::jsonb"), "0");
  EXPECT_EQ(Query("SELECT count(*) FROM outbox WHERE event_type = 'minyi.voting.v1.BallotCast' "
                  "AND position(convert_to('projects/', 'UTF8') in payload) > 0"),
            "0");
  EXPECT_EQ(Query("SELECT count(*) FROM outbox WHERE event_type = 'minyi.voting.v1.BallotCast' AND subject = '" +
                  vote.name + "'"),
            std::to_string(kVoters));
  // Nor does the service's log.
  const std::string log = process_->Log();
  for (int v = 0; v < kVoters; ++v) {
    EXPECT_EQ(log.find(trackers[v]), std::string::npos);
    EXPECT_EQ(log.find(nonces[v]), std::string::npos);
  }

  // Only with the nonce can the link be made — by the voter, who holds it: their ballot's receipt check
  // matches their own row, and the tracker they recompute is on the bulletin.
  minyi::voting::VoteRules rules;
  rules.form = minyi::voting::v1::BALLOT_FORM_APPROVAL;
  rules.max_approvals = 2;
  rules.candidates = vote.candidates;
  minyi::voting::v1::BallotContent content;
  content.add_approvals(vote.candidates[0]);
  content.add_approvals(vote.candidates[1]);
  const std::string canonical = minyi::voting::CanonicalContent(rules, *minyi::voting::ReadBallot(rules, content));
  EXPECT_EQ(minyi::voting::Tracker(vote.name, canonical, nonces[0]), trackers[0]);
  pqxx::connection conn(*dsn_);
  pqxx::nontransaction tx(conn);
  const std::string check = pqxx::binarystring(
      tx.exec_params1("SELECT receipt_check FROM voting.voters WHERE vote_id = $1 AND deputy = $2", std::stoll(id),
                      vote.deputies[0])[0]).str();
  EXPECT_EQ(check, minyi::voting::ReceiptCheck(vote.name, canonical, nonces[0]));
}

}  // namespace
}  // namespace minyi::testing
