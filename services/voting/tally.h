#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "minyi/voting/v1/voting.pb.h"

// The counting rules of the differential vote (差额票决), free of I/O: the service tallies with them on
// close and minyi-verify-bulletin recounts the public bulletin with the same code.
namespace minyi::voting {

// What a vote counts by.
struct VoteRules {
  minyi::voting::v1::BallotForm form = minyi::voting::v1::BALLOT_FORM_UNSPECIFIED;
  int slots = 0;
  int max_approvals = 0;                // the most candidates one ballot may approve (or mark "for")
  std::vector<std::string> candidates;  // "projects/{id}", in ballot order
  int electorate = 0;                   // deputies entitled to vote
  int checked_in = 0;
};

// One mark per candidate, in candidate order. Unmarked counts as abstain.
using Marks = std::vector<minyi::voting::v1::Choice>;

// The ballot's marks, or INVALID_ARGUMENT naming the offending field: an unknown or repeated candidate,
// more approvals than allowed, a content of the other form.
absl::StatusOr<Marks> ReadBallot(const VoteRules& rules, const minyi::voting::v1::BallotContent& content);

// The normalized content as published on the bulletin: approvals in candidate order, or every
// candidate's choice (unmarked shown as abstain).
minyi::voting::v1::BallotContent PublishedContent(const VoteRules& rules, const Marks& marks);

// A byte string that equal ballots share and different ballots never do; trackers hash it.
std::string CanonicalContent(const VoteRules& rules, const Marks& marks);

// The serialized size of the longest BulletinEntry (a 64-character tracker and the published content)
// that a valid ballot under `rules` makes: the most marks, on the candidates with the longest names.
// Sealed ballots are padded to it, so the box's size says nothing of the ballot.
std::size_t LongestEntrySize(const VoteRules& rules);

// Counts the ballots: quorum is met when more than half of the electorate checked in and more than half
// cast a ballot; a candidate
// passes with "for" from more than half of the whole electorate (not of the turnout); the top `slots`
// passing candidates by "for" are chosen; candidates tied across the cut-off are all marked tied and
// none of them is chosen, leaving `runoff_slots` for a run-off. `vote` names the result.
minyi::voting::v1::VoteResult Tally(const VoteRules& rules, const std::vector<Marks>& ballots,
                                    const std::string& vote = "");

// Rules with a bulletin's parameters, for a recount.
VoteRules RulesOf(const minyi::voting::v1::Bulletin& bulletin);

}  // namespace minyi::voting
