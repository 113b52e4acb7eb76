#include "voting/public_view.h"

namespace minyi::voting {

namespace v1 = ::minyi::voting::v1;

bool IsPublic(v1::ProjectState state) {
  return state == v1::PROJECT_STATE_CANDIDATE || state == v1::PROJECT_STATE_CHOSEN ||
         state == v1::PROJECT_STATE_COMPLETED;
}

v1::PublicProject PublicProjectOf(const v1::Project& p) {
  v1::PublicProject out;
  out.set_name(p.name());
  out.set_title(p.title());
  out.set_description(p.description());
  out.set_source(p.source());
  out.set_department(p.department());
  out.set_state(p.state());
  out.set_percent_complete(p.percent_complete());
  *out.mutable_create_time() = p.create_time();
  return out;
}

v1::PublicProgressReport PublicProgressOf(const v1::ProgressReport& r) {
  v1::PublicProgressReport out;
  out.set_name(r.name());
  out.set_percent(r.percent());
  out.set_milestone(r.milestone());
  out.set_problems(r.problems());
  *out.mutable_photos() = r.photos();
  out.set_department(r.department());
  *out.mutable_create_time() = r.create_time();
  return out;
}

v1::PublicSatisfaction PublicSatisfactionOf(const v1::Satisfaction& s) {
  v1::PublicSatisfaction out;
  out.set_name(s.name());
  out.set_raters(s.raters());
  out.set_rated(s.rated());
  out.set_satisfied(s.satisfied());
  out.set_basically_satisfied(s.basically_satisfied());
  out.set_unsatisfied(s.unsatisfied());
  out.set_satisfaction_rate(s.satisfaction_rate());
  return out;
}

v1::PublicVote PublicVoteOf(const v1::Vote& v) {
  v1::PublicVote out;
  out.set_name(v.name());
  out.set_title(v.title());
  *out.mutable_candidates() = v.candidates();
  out.set_slots(v.slots());
  out.set_form(v.form());
  out.set_max_approvals(v.max_approvals());
  out.set_state(v.state());
  out.set_runoff_of(v.runoff_of());
  return out;
}

v1::PublicVoteResult PublicResultOf(const v1::VoteResult& r) {
  v1::PublicVoteResult out;
  out.set_vote(r.vote());
  out.set_electorate(r.electorate());
  out.set_checked_in(r.checked_in());
  out.set_ballots_cast(r.ballots_cast());
  out.set_quorum_met(r.quorum_met());
  out.set_slots(r.slots());
  for (const v1::CandidateResult& c : r.candidates()) {
    v1::PublicCandidateResult* p = out.add_candidates();
    p->set_candidate(c.candidate());
    p->set_title(c.title());
    p->set_votes_for(c.votes_for());
    p->set_votes_against(c.votes_against());
    p->set_abstentions(c.abstentions());
    p->set_approval_rate(c.approval_rate());
    p->set_passed(c.passed());
    p->set_chosen(c.chosen());
    p->set_tied(c.tied());
    p->set_rank(c.rank());
  }
  out.set_runoff_needed(r.runoff_needed());
  out.set_runoff_slots(r.runoff_slots());
  out.set_state(r.state());
  return out;
}

v1::PublicBulletin PublicBulletinOf(const v1::Bulletin& b) {
  v1::PublicBulletin out;
  out.set_vote(b.vote());
  out.set_form(b.form());
  out.set_slots(b.slots());
  out.set_max_approvals(b.max_approvals());
  *out.mutable_candidates() = b.candidates();
  out.set_electorate(b.electorate());
  out.set_checked_in(b.checked_in());
  for (const v1::BulletinEntry& e : b.ballots()) {
    v1::PublicBulletinEntry* p = out.add_ballots();
    p->set_tracker(e.tracker());
    *p->mutable_content() = e.content();
  }
  return out;
}

}  // namespace minyi::voting
