#pragma once

#include "minyi/voting/v1/voting.pb.h"

// What society is told of voting (docs/voting.md, "Public reads"): which projects are public, and each
// public message made field by field from the staff one, so a field added to a staff message is not
// published until it is named here. No I/O.
namespace minyi::voting {

// Screened-in candidates, chosen and completed projects are announced to society; nominations not yet
// screened and excluded ones are not. A chosen project of an unannounced vote already reads as a candidate.
bool IsPublic(minyi::voting::v1::ProjectState state);

minyi::voting::v1::PublicProject PublicProjectOf(const minyi::voting::v1::Project& p);
minyi::voting::v1::PublicProgressReport PublicProgressOf(const minyi::voting::v1::ProgressReport& r);
minyi::voting::v1::PublicSatisfaction PublicSatisfactionOf(const minyi::voting::v1::Satisfaction& s);
// The vote without its electorate (who may vote is not published with it) or who set it up.
minyi::voting::v1::PublicVote PublicVoteOf(const minyi::voting::v1::Vote& v);
minyi::voting::v1::PublicVoteResult PublicResultOf(const minyi::voting::v1::VoteResult& r);
minyi::voting::v1::PublicBulletin PublicBulletinOf(const minyi::voting::v1::Bulletin& b);

}  // namespace minyi::voting
