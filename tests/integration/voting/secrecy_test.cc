// Ballot secrecy (docs/voting.md): nothing stored — no table, no column, no row order, no transaction
// id, no size, no event, no idempotency record, no audit row, no log line — links a deputy to a tracker,
// a ballot's content or, once remixed, their sealed box. Only the voter's nonce, which is never stored,
// makes the link.
#include <algorithm>
#include <functional>
#include <map>
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
    return tx
        .exec_params("SELECT count(*) FROM " + tx.quote_name(table) +
                         " x WHERE strpos(lower(x::text), lower($1)) > 0"
                         " OR strpos(x::text, encode(convert_to($1, 'UTF8'), 'hex')) > 0",
                     needle)[0][0]
        .as<int>();
  }

  // Every column of `table`, its own and the system columns a `psql` user can select.
  static std::vector<std::string> AllColumns(const std::string& table) {
    std::vector<std::string> out = {"ctid", "xmin", "xmax", "cmin", "cmax", "tableoid"};
    pqxx::connection conn(*dsn_);
    pqxx::nontransaction tx(conn);
    for (const pqxx::row& r : tx.exec_params("SELECT column_name FROM information_schema.columns WHERE table_schema = "
                                             "'voting' AND table_name = $1 ORDER BY ordinal_position",
                                             table)) {
      out.push_back(r[0].as<std::string>());
    }
    return out;
  }

  // The vote's rows of `table`, each column as text.
  using Row = std::map<std::string, std::string>;
  static std::vector<Row> Rows(const std::string& table, const std::vector<std::string>& columns,
                               const std::string& vote_id) {
    pqxx::connection conn(*dsn_);
    pqxx::nontransaction tx(conn);
    std::vector<std::string> selected;
    for (const std::string& c : columns) {
      selected.push_back(tx.quote_name(c) + "::text");
    }
    std::vector<Row> out;
    for (const pqxx::row& r : tx.exec("SELECT " + absl::StrJoin(selected, ", ") + " FROM voting." +
                                      tx.quote_name(table) + " WHERE vote_id = " + vote_id)) {
      Row row;
      for (std::size_t i = 0; i < columns.size(); ++i) {
        row[columns[i]] = r[static_cast<int>(i)].is_null() ? "" : r[static_cast<int>(i)].as<std::string>();
      }
      out.push_back(std::move(row));
    }
    return out;
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
  const std::string check =
      pqxx::binarystring(tx.exec_params1("SELECT receipt_check FROM voting.voters WHERE vote_id = $1 AND deputy = $2",
                                         std::stoll(id), vote.deputies[0])[0])
          .str();
  EXPECT_EQ(check, minyi::voting::ReceiptCheck(vote.name, canonical, nonces[0]));
}

// A DBA with psql but without the ballot key, at a quiet time: each deputy casts alone, so each cast is a
// transaction of its own. Every box of the vote has one length whatever the ballot, and once the remix has
// run, no column of a voters row — system columns included — equals a column of the voter's box more
// often than chance, and no order of the voters (their xmin or ctid: arrival) lines up with an order of
// the boxes. The test holds the ballot key, so it knows whose box each is and counts the pairs an
// attacker's rule gets right.
TEST_F(SecrecyTest, AfterTheRemixNoColumnSizeOrOrderPairsAVoterWithTheirBox) {
  constexpr int kVoters = 24;
  // Far above what chance gives (about one pair per rule), far below what pairing by xmin gave before the
  // remix (every voter).
  constexpr double kMaxPaired = kVoters / 3.0;
  // Candidates whose names have one or two digits, so that approvals of different lengths are possible.
  const OpenedVote vote = OpenApprovalVote(12, 3, kVoters);
  const std::string id = vote.name.substr(6);
  std::map<std::string, std::string> voter_of_tracker;
  for (int v = 0; v < kVoters; ++v) {
    // Blank, one short, two, and three of the longest names: ballots whose plain encodings differ in length.
    std::vector<std::string> approvals;
    for (int a = 0; a < v % 4; ++a) {
      approvals.push_back(vote.candidates[v % 4 == 3 ? 11 - a : (v + a) % 12]);
    }
    BallotReceipt receipt;
    grpc::Status st =
        Cast(vote.deputies[v], ApprovalBallot(vote.name, approvals, Nonce(absl::StrCat("pair", v))), &receipt);
    ASSERT_TRUE(st.ok()) << st.error_message();
    voter_of_tracker[receipt.tracker()] = vote.deputies[v];
  }
  EXPECT_EQ(Query("SELECT count(DISTINCT octet_length(box)) FROM sealed_ballots WHERE vote_id = " + id), "1");

  // The remix has run once every box carries one transaction id that no voter row has.
  EXPECT_TRUE(Eventually([&] {
    return Query("SELECT count(*) FROM sealed_ballots WHERE vote_id = " + id) == std::to_string(kVoters) &&
           Query("SELECT count(DISTINCT xmin::text) FROM sealed_ballots WHERE vote_id = " + id) == "1" &&
           Query("SELECT count(*) FROM voters v JOIN sealed_ballots b ON v.xmin::text = b.xmin::text") == "0";
  })) << "the boxes were not remixed";
  EXPECT_EQ(Query("SELECT count(DISTINCT octet_length(box)) FROM sealed_ballots WHERE vote_id = " + id), "1");
  EXPECT_EQ(Query("SELECT count(DISTINCT cmin::text) FROM sealed_ballots WHERE vote_id = " + id), "1");
  // The remix wrote nothing but boxes: no row of any other table shares its transaction.
  for (const std::string& table : Tables()) {
    if (table != "sealed_ballots") {
      EXPECT_EQ(Query("SELECT count(*) FROM " + table + " WHERE xmin::text IN (SELECT xmin::text FROM sealed_ballots)"),
                "0")
          << table;
    }
  }

  // The truth, which only the ballot key gives: whose box each is.
  const std::vector<std::string> voter_columns = AllColumns("voters");
  const std::vector<std::string> box_columns = AllColumns("sealed_ballots");
  const std::vector<Row> voters = Rows("voters", voter_columns, id);
  std::vector<Row> boxes = Rows("sealed_ballots", box_columns, id);
  ASSERT_EQ(voters.size(), static_cast<std::size_t>(kVoters));
  ASSERT_EQ(boxes.size(), static_cast<std::size_t>(kVoters));
  minyi::voting::VoteRules rules;
  rules.form = minyi::voting::v1::BALLOT_FORM_APPROVAL;
  rules.max_approvals = 3;
  rules.candidates = vote.candidates;
  const minyi::voting::BallotSealer sealer = *minyi::voting::BallotSealer::FromHex(kBallotKey);
  pqxx::connection conn(*dsn_);
  pqxx::nontransaction tx(conn);
  for (Row& box : boxes) {
    const std::string bytes =
        pqxx::binarystring(tx.exec_params1("SELECT box FROM voting.sealed_ballots WHERE id = $1::uuid", box["id"])[0])
            .str();
    absl::StatusOr<std::string> plain = sealer.Open(vote.name, bytes, minyi::voting::LongestEntrySize(rules));
    ASSERT_TRUE(plain.ok()) << plain.status();
    minyi::voting::v1::BulletinEntry entry;
    ASSERT_TRUE(entry.ParseFromString(*plain));
    ASSERT_EQ(voter_of_tracker.count(entry.tracker()), 1u);
    box["owner"] = voter_of_tracker[entry.tracker()];
  }

  // Pairing by equal values: each voter gets one of the boxes whose column equals theirs, at random.
  // The expected number of voters paired with their own box, summed over voters.
  for (const std::string& vc : voter_columns) {
    for (const std::string& bc : box_columns) {
      double paired = 0;
      for (const Row& voter : voters) {
        int matches = 0;
        int own = 0;
        for (const Row& box : boxes) {
          if (box.at(bc) == voter.at(vc)) {
            ++matches;
            own += box.at("owner") == voter.at("deputy") ? 1 : 0;
          }
        }
        paired += matches > 0 ? static_cast<double>(own) / matches : 0;
      }
      EXPECT_LE(paired, kMaxPaired) << "voters." << vc << " = sealed_ballots." << bc << " pairs " << paired;
    }
  }
  // Pairing by order: the i-th voter in arrival order (xmin, or ctid) with the i-th box by any column,
  // ties broken by the box's place in the table.
  const auto numeric = [](const std::string& column) {
    return column == "xmin" || column == "xmax" || column == "cmin" || column == "cmax" || column == "tableoid";
  };
  // "(page,item)" as numbers, so that (10,1) comes after (9,1).
  const auto ctid = [](const std::string& value) {
    const std::size_t comma = value.find(',');
    return std::make_pair(std::stoll(value.substr(1, comma - 1)), std::stoll(value.substr(comma + 1)));
  };
  const auto by = [&](const std::string& column) {
    return [&, column](const Row& a, const Row& b) {
      if (column == "ctid") {
        return ctid(a.at(column)) < ctid(b.at(column));
      }
      if (a.at(column) != b.at(column)) {
        return numeric(column) ? std::stoll(a.at(column)) < std::stoll(b.at(column)) : a.at(column) < b.at(column);
      }
      return ctid(a.at("ctid")) < ctid(b.at("ctid"));
    };
  };
  for (const char* vc : {"xmin", "ctid"}) {
    std::vector<Row> in_order = voters;
    std::sort(in_order.begin(), in_order.end(), by(vc));
    for (const std::string& bc : box_columns) {
      std::vector<Row> sorted = boxes;
      std::sort(sorted.begin(), sorted.end(), by(bc));
      int paired = 0;
      for (int i = 0; i < kVoters; ++i) {
        paired += sorted[i].at("owner") == in_order[i].at("deputy") ? 1 : 0;
      }
      EXPECT_LE(paired, kMaxPaired) << "voters by " << vc << " against sealed_ballots by " << bc << " pairs " << paired;
    }
  }

  // The remix kept every ballot, once: the count is whole.
  Close(vote.name);
  EXPECT_EQ(Query("SELECT count(*) FROM bulletin WHERE vote_id = " + id), std::to_string(kVoters));
  for (const auto& [tracker, voter] : voter_of_tracker) {
    EXPECT_EQ(RowsContaining("bulletin", tracker), 1) << voter;
  }
}

}  // namespace
}  // namespace minyi::testing
