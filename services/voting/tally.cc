#include "voting/tally.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "common/status.h"

namespace minyi::voting {
namespace {

using ::minyi::voting::v1::BallotContent;
using ::minyi::voting::v1::CandidateResult;
using ::minyi::voting::v1::Choice;
using ::minyi::voting::v1::VoteResult;

std::map<std::string, int> PositionOf(const VoteRules& rules) {
  std::map<std::string, int> out;
  for (std::size_t i = 0; i < rules.candidates.size(); ++i) {
    out[rules.candidates[i]] = static_cast<int>(i);
  }
  return out;
}

absl::Status TooManyFor(const VoteRules& rules, absl::string_view field) {
  return InvalidField(field,
                      absl::StrCat("不得超过 ", rules.max_approvals, " 项赞成（at most ", rules.max_approvals, "）"));
}

}  // namespace

absl::StatusOr<Marks> ReadBallot(const VoteRules& rules, const BallotContent& content) {
  const std::map<std::string, int> position = PositionOf(rules);
  Marks marks(rules.candidates.size(), minyi::voting::v1::CHOICE_UNSPECIFIED);
  int approvals = 0;
  if (rules.form == minyi::voting::v1::BALLOT_FORM_APPROVAL) {
    if (content.choices_size() > 0) {
      return InvalidField("ballot.content.choices", "本次为限额赞成票，请使用 approvals");
    }
    for (int i = 0; i < content.approvals_size(); ++i) {
      const std::string field = absl::StrCat("ballot.content.approvals[", i, "]");
      auto it = position.find(content.approvals(i));
      if (it == position.end()) {
        return InvalidField(field, absl::StrCat(content.approvals(i), " 不是本次票决的候选项目"));
      }
      if (marks[it->second] != minyi::voting::v1::CHOICE_UNSPECIFIED) {
        return InvalidField(field, absl::StrCat(content.approvals(i), " 重复"));
      }
      marks[it->second] = minyi::voting::v1::CHOICE_FOR;
      if (++approvals > rules.max_approvals) {
        return TooManyFor(rules, "ballot.content.approvals");
      }
    }
    return marks;
  }
  if (content.approvals_size() > 0) {
    return InvalidField("ballot.content.approvals", "本次为逐项表决票，请使用 choices");
  }
  for (int i = 0; i < content.choices_size(); ++i) {
    const std::string field = absl::StrCat("ballot.content.choices[", i, "]");
    const auto& c = content.choices(i);
    auto it = position.find(c.candidate());
    if (it == position.end()) {
      return InvalidField(field, absl::StrCat(c.candidate(), " 不是本次票决的候选项目"));
    }
    if (marks[it->second] != minyi::voting::v1::CHOICE_UNSPECIFIED) {
      return InvalidField(field, absl::StrCat(c.candidate(), " 重复"));
    }
    if (!minyi::voting::v1::Choice_IsValid(c.choice())) {
      return InvalidField(field, "未知的表决意见");
    }
    // An explicit "unspecified" is stored as abstain, so equal intentions have one canonical form.
    marks[it->second] =
        c.choice() == minyi::voting::v1::CHOICE_UNSPECIFIED ? minyi::voting::v1::CHOICE_ABSTAIN : c.choice();
    if (c.choice() == minyi::voting::v1::CHOICE_FOR && ++approvals > rules.max_approvals) {
      return TooManyFor(rules, "ballot.content.choices");
    }
  }
  for (Choice& m : marks) {
    if (m == minyi::voting::v1::CHOICE_UNSPECIFIED) {
      m = minyi::voting::v1::CHOICE_ABSTAIN;
    }
  }
  return marks;
}

BallotContent PublishedContent(const VoteRules& rules, const Marks& marks) {
  BallotContent out;
  for (std::size_t i = 0; i < rules.candidates.size(); ++i) {
    if (rules.form == minyi::voting::v1::BALLOT_FORM_APPROVAL) {
      if (marks[i] == minyi::voting::v1::CHOICE_FOR) {
        out.add_approvals(rules.candidates[i]);
      }
    } else {
      auto* c = out.add_choices();
      c->set_candidate(rules.candidates[i]);
      c->set_choice(marks[i]);
    }
  }
  return out;
}

std::string CanonicalContent(const VoteRules& rules, const Marks& marks) {
  std::string out = rules.form == minyi::voting::v1::BALLOT_FORM_APPROVAL ? "approval" : "for-against";
  for (std::size_t i = 0; i < rules.candidates.size(); ++i) {
    absl::StrAppend(&out, "|", rules.candidates[i], "=", static_cast<int>(marks[i]));
  }
  return out;
}

std::size_t LongestEntrySize(const VoteRules& rules) {
  // Each mark adds a field whose size grows with its candidate's name, and a for/against ballot marks
  // every candidate with a one-byte choice: marking "for" on the max_approvals longest names (and
  // "against" on the rest) gives the longest entry.
  std::vector<std::size_t> order(rules.candidates.size());
  for (std::size_t i = 0; i < order.size(); ++i) {
    order[i] = i;
  }
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return rules.candidates[a].size() > rules.candidates[b].size();
  });
  Marks marks(rules.candidates.size(), minyi::voting::v1::CHOICE_AGAINST);
  for (std::size_t i = 0; i < order.size() && static_cast<int>(i) < rules.max_approvals; ++i) {
    marks[order[i]] = minyi::voting::v1::CHOICE_FOR;
  }
  minyi::voting::v1::BulletinEntry entry;
  entry.set_tracker(std::string(64, '0'));
  *entry.mutable_content() = PublishedContent(rules, marks);
  return entry.ByteSizeLong();
}

VoteResult Tally(const VoteRules& rules, const std::vector<Marks>& ballots, const std::string& vote) {
  VoteResult result;
  result.set_vote(vote);
  result.set_electorate(rules.electorate);
  result.set_checked_in(rules.checked_in);
  result.set_ballots_cast(static_cast<int>(ballots.size()));
  result.set_slots(rules.slots);
  // The sitting is quorate on its check-ins (签到过半数) and the vote on its ballots (过半数投票); casting
  // needs a check-in, so the second implies the first for any real vote.
  result.set_quorum_met(2 * static_cast<int64_t>(rules.checked_in) > rules.electorate &&
                        2 * static_cast<int64_t>(ballots.size()) > rules.electorate);
  for (const std::string& c : rules.candidates) {
    result.add_candidates()->set_candidate(c);
  }
  for (const Marks& marks : ballots) {
    for (std::size_t i = 0; i < marks.size() && i < rules.candidates.size(); ++i) {
      CandidateResult* c = result.mutable_candidates(static_cast<int>(i));
      switch (marks[i]) {
        case minyi::voting::v1::CHOICE_FOR:
          c->set_votes_for(c->votes_for() + 1);
          break;
        case minyi::voting::v1::CHOICE_AGAINST:
          c->set_votes_against(c->votes_against() + 1);
          break;
        default:
          c->set_abstentions(c->abstentions() + 1);
      }
    }
  }
  std::vector<CandidateResult*> passing;
  for (CandidateResult& c : *result.mutable_candidates()) {
    c.set_approval_rate(rules.electorate > 0 ? static_cast<double>(c.votes_for()) / rules.electorate : 0.0);
    // 过半数 of everyone entitled to vote; without a quorum nothing is decided.
    c.set_passed(result.quorum_met() && 2 * static_cast<int64_t>(c.votes_for()) > rules.electorate);
    if (c.passed()) {
      passing.push_back(&c);
    }
  }
  std::stable_sort(passing.begin(), passing.end(),
                   [](const CandidateResult* a, const CandidateResult* b) { return a->votes_for() > b->votes_for(); });
  for (CandidateResult* c : passing) {
    int above = 0;
    for (const CandidateResult* o : passing) {
      above += o->votes_for() > c->votes_for() ? 1 : 0;
    }
    c->set_rank(above + 1);
  }
  const int slots = std::max(rules.slots, 0);
  if (slots == 0) {
    return result;
  }
  if (static_cast<int>(passing.size()) <= slots) {
    for (CandidateResult* c : passing) {
      c->set_chosen(true);
    }
    return result;
  }
  const int cutoff = passing[slots - 1]->votes_for();
  int above = 0;
  int at = 0;
  for (const CandidateResult* c : passing) {
    above += c->votes_for() > cutoff ? 1 : 0;
    at += c->votes_for() == cutoff ? 1 : 0;
  }
  const bool tie = above + at > slots;
  for (CandidateResult* c : passing) {
    if (c->votes_for() > cutoff) {
      c->set_chosen(true);
    } else if (c->votes_for() == cutoff) {
      c->set_chosen(!tie);
      c->set_tied(tie);
    }
  }
  result.set_runoff_needed(tie);
  result.set_runoff_slots(tie ? slots - above : 0);
  return result;
}

VoteRules RulesOf(const minyi::voting::v1::Bulletin& bulletin) {
  VoteRules rules;
  rules.form = bulletin.form();
  rules.slots = bulletin.slots();
  rules.max_approvals = bulletin.max_approvals();
  rules.candidates.assign(bulletin.candidates().begin(), bulletin.candidates().end());
  rules.electorate = bulletin.electorate();
  rules.checked_in = bulletin.checked_in();
  return rules;
}

}  // namespace minyi::voting
