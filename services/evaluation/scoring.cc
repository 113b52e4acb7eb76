#include "evaluation/scoring.h"

#include <algorithm>
#include <utility>

#include "google/protobuf/util/time_util.h"

namespace minyi::evaluation {
namespace {

using minyi::evaluation::v1::STAGE_ON_SITE;
using minyi::evaluation::v1::STAGE_RECTIFICATION;

std::string Shown(const Exact& value) { return FormatCenti(value.RoundCenti()); }

}  // namespace

Grade GradeOf(Centi final_score, const Bands& bands) {
  if (final_score >= bands.satisfied_from) {
    return minyi::evaluation::v1::GRADE_SATISFIED;
  }
  if (final_score >= bands.basically_satisfied_from) {
    return minyi::evaluation::v1::GRADE_BASICALLY_SATISFIED;
  }
  return minyi::evaluation::v1::GRADE_UNSATISFIED;
}

std::string GradeLabel(Grade grade) {
  switch (grade) {
    case minyi::evaluation::v1::GRADE_SATISFIED:
      return "满意";
    case minyi::evaluation::v1::GRADE_BASICALLY_SATISFIED:
      return "基本满意";
    case minyi::evaluation::v1::GRADE_UNSATISFIED:
      return "不满意";
    default:
      return "";
  }
}

std::string StageLabel(Stage stage) {
  switch (stage) {
    case minyi::evaluation::v1::STAGE_PRELIMINARY_INVESTIGATION:
      return "前期调查";
    case minyi::evaluation::v1::STAGE_INVESTIGATION_GROUP:
      return "调查组评分";
    case minyi::evaluation::v1::STAGE_ON_SITE:
      return "现场述职评议";
    case minyi::evaluation::v1::STAGE_RECTIFICATION:
      return "整改落实";
    default:
      return "";
  }
}

Scorer::Scorer(std::vector<GroupRule> groups, std::vector<StageRule> stages, Bands bands)
    : groups_(std::move(groups)), stages_(std::move(stages)), bands_(bands) {}

GroupScore Scorer::ScoreGroup(const GroupRule& rule, std::vector<Centi> totals) const {
  GroupScore g;
  g.code = rule.code;
  g.weight = rule.weight;
  std::sort(totals.begin(), totals.end());
  g.totals = totals;
  auto first = totals.begin();
  auto last = totals.end();
  // Trimming needs something left in the middle: with 1 or 2 sheets it would drop everything.
  if (rule.trim_extremes && totals.size() >= 3) {
    g.trimmed = {totals.front(), totals.back()};
    ++first;
    --last;
  }
  for (auto it = first; it != last; ++it) {
    g.sum += *it;
    ++g.counted;
  }
  if (g.counted > 0) {
    g.average = Exact(g.sum, 100) / Exact(g.counted, 1);
  }
  return g;
}

SubjectScore Scorer::Score(const SubjectInputs& inputs) const {
  SubjectScore out;
  int weight_with_sheets = 0;
  for (const GroupRule& rule : groups_) {
    auto it = inputs.sheet_totals.find(rule.code);
    GroupScore g = ScoreGroup(rule, it == inputs.sheet_totals.end() ? std::vector<Centi>{} : it->second);
    if (g.average.has_value()) {
      weight_with_sheets += rule.weight;
    }
    out.groups.push_back(std::move(g));
  }
  if (weight_with_sheets == 0) {
    out.incomplete_reason = "没有收到任何评分表";
    return out;
  }
  Exact on_site;
  for (GroupScore& g : out.groups) {
    if (!g.average.has_value()) {
      continue;
    }
    g.effective_weight = Exact(static_cast<__int128>(g.weight) * 100, weight_with_sheets);
    on_site = on_site + *g.average * Exact(g.weight, weight_with_sheets);
  }
  out.on_site = on_site;
  Exact scored_sum;
  int scored_weight = 0;
  bool rectification_failed = false;
  for (const StageRule& rule : stages_) {
    StageScore s;
    s.stage = rule.stage;
    s.weight = rule.weight;
    if (auto t = inputs.score_times.find(rule.stage); t != inputs.score_times.end()) {
      s.score_time = t->second;
    }
    if (rule.stage == STAGE_ON_SITE) {
      s.score = on_site;
    } else {
      auto it = inputs.stage_scores.find(rule.stage);
      if (it == inputs.stage_scores.end()) {
        // Only the rectification stage may wait: the look-back scores it months after the session.
        if (rule.stage != STAGE_RECTIFICATION) {
          out.incomplete_reason = "缺少" + StageLabel(rule.stage) + "阶段得分";
          out.stages.clear();
          return out;
        }
        s.pending = true;
        out.final_pending = true;
        out.stages.push_back(s);
        continue;
      }
      s.score = Exact::FromCenti(it->second);
      rectification_failed =
          rectification_failed || (rule.stage == STAGE_RECTIFICATION && it->second < bands_.basically_satisfied_from);
    }
    s.contribution = s.score * Exact(rule.weight, 100);
    scored_sum = scored_sum + s.contribution;
    scored_weight += rule.weight;
    out.stages.push_back(s);
  }
  out.complete = true;
  out.session_score = (scored_sum * Exact(100, scored_weight)).RoundCenti();
  out.session_grade = GradeOf(out.session_score, bands_);
  if (!out.final_pending) {
    out.final_score = scored_sum.RoundCenti();
    out.grade = rectification_failed ? minyi::evaluation::v1::GRADE_UNSATISFIED : GradeOf(out.final_score, bands_);
  }
  return out;
}

void FillBreakdown(const SubjectScore& score, minyi::evaluation::v1::SubjectResult* out) {
  out->set_complete(score.complete);
  out->set_incomplete_reason(score.incomplete_reason);
  for (const GroupScore& g : score.groups) {
    minyi::evaluation::v1::GroupBreakdown* b = out->add_groups();
    b->set_rater_group(g.code);
    b->set_weight(g.weight);
    b->set_sheets(static_cast<int32_t>(g.totals.size()));
    for (Centi t : g.totals) {
      b->add_totals(FormatCenti(t));
    }
    for (Centi t : g.trimmed) {
      b->add_trimmed(FormatCenti(t));
    }
    b->set_sum(FormatCenti(g.sum));
    b->set_counted(g.counted);
    if (g.average.has_value()) {
      b->set_average(Shown(*g.average));
      b->set_effective_weight(Shown(g.effective_weight));
    } else {
      b->set_effective_weight("0.00");
    }
  }
  if (!score.complete) {
    return;
  }
  for (const StageScore& s : score.stages) {
    minyi::evaluation::v1::StageBreakdown* b = out->add_stages();
    b->set_stage(s.stage);
    b->set_weight(s.weight);
    b->set_pending(s.pending);
    if (!s.pending) {
      b->set_score(Shown(s.score));
      b->set_contribution(Shown(s.contribution));
    }
    if (s.score_time != 0) {
      *b->mutable_score_time() = google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(s.score_time);
    }
  }
  out->set_on_site_score(Shown(score.on_site));
  out->set_session_score(FormatCenti(score.session_score));
  out->set_session_grade(score.session_grade);
  out->set_session_grade_label(GradeLabel(score.session_grade));
  out->set_final_pending(score.final_pending);
  if (score.final_pending) {
    out->set_final_note("最终得分和等次待“回头看”对整改落实情况评分后确定：整改落实阶段得分即“回头看”得分");
    return;
  }
  out->set_final_score(FormatCenti(score.final_score));
  out->set_grade(score.grade);
  out->set_grade_label(GradeLabel(score.grade));
}

}  // namespace minyi::evaluation
