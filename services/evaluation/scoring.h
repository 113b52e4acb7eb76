#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "evaluation/decimal.h"
#include "minyi/evaluation/v1/evaluation.pb.h"

// The on-site arithmetic (现场计分), with no I/O. Every figure is an exact fraction of the inputs:
//  - a sheet's total is the sum of its indicator points (or its grade's points), out of 100;
//  - a group's average is the mean of its sheets, after dropping one highest and one lowest when the
//    group trims and has at least 3 sheets (with 1 or 2 sheets nothing is dropped);
//  - the on-site score is the weighted mean of the group averages. A group without sheets is left out and
//    its weight shared among the others in proportion to their weights; with no sheets at all the subject
//    is incomplete (no score, no grade);
//  - the session score is the weighted mean of the stages scored so far: every stage but the
//    rectification stage before its look-back (回头看). Its grade decides whether a plan is due;
//  - the final score is the sum of stage score x stage weight / 100 once every stage has a score (the
//    rectification stage's is the look-back's), rounded half-up at two decimals, and the grade is read
//    from that rounded figure, so what is announced and its grade always agree. A rectification score
//    below the lower bound of 基本满意 makes the grade 不满意 whatever the sum (整改得分不达60分的,测评结果
//    为“不满意”).
namespace minyi::evaluation {

using minyi::evaluation::v1::Grade;
using minyi::evaluation::v1::Stage;

struct Bands {
  Centi satisfied_from = 8000;
  Centi basically_satisfied_from = 6000;
};

Grade GradeOf(Centi final_score, const Bands& bands);
// 满意 / 基本满意 / 不满意.
std::string GradeLabel(Grade grade);
// 前期调查 / 调查组评分 / 现场述职评议 / 整改落实.
std::string StageLabel(Stage stage);

struct GroupRule {
  std::string code;
  int weight = 0;  // percent
  bool trim_extremes = false;
};

struct StageRule {
  Stage stage = minyi::evaluation::v1::STAGE_UNSPECIFIED;
  int weight = 0;  // percent
};

struct SubjectInputs {
  std::map<std::string, std::vector<Centi>> sheet_totals;  // by group code
  std::map<Stage, Centi> stage_scores;                     // every stage but on-site
  std::map<Stage, int64_t> score_times;                    // when each score was made, Unix microseconds
};

struct GroupScore {
  std::string code;
  int weight = 0;
  Exact effective_weight;     // percent, after redistribution
  std::vector<Centi> totals;  // ascending
  std::vector<Centi> trimmed;
  Centi sum = 0;  // of the counted totals
  int counted = 0;
  std::optional<Exact> average;  // none without sheets
};

struct StageScore {
  Stage stage = minyi::evaluation::v1::STAGE_UNSPECIFIED;
  int weight = 0;
  bool pending = false;  // the rectification stage before its look-back: no score yet
  Exact score;
  Exact contribution;
  int64_t score_time = 0;  // Unix microseconds; 0 when unknown or pending
};

struct SubjectScore {
  bool complete = false;          // the session produced an on-site score
  std::string incomplete_reason;  // zh-CN, when not complete
  std::vector<GroupScore> groups;
  std::vector<StageScore> stages;
  Exact on_site;
  Centi session_score = 0;  // weighted mean of the stages scored so far
  Grade session_grade = minyi::evaluation::v1::GRADE_UNSPECIFIED;
  bool final_pending = false;  // the final score waits for the look-back
  Centi final_score = 0;
  Grade grade = minyi::evaluation::v1::GRADE_UNSPECIFIED;
};

class Scorer final {
 public:
  // The rules are the campaign's, already validated (weights sum to 100).
  Scorer(std::vector<GroupRule> groups, std::vector<StageRule> stages, Bands bands);

  SubjectScore Score(const SubjectInputs& inputs) const;

 private:
  GroupScore ScoreGroup(const GroupRule& rule, std::vector<Centi> totals) const;

  std::vector<GroupRule> groups_;
  std::vector<StageRule> stages_;
  Bands bands_;
};

// The breakdown as the result shows it.
void FillBreakdown(const SubjectScore& score, minyi::evaluation::v1::SubjectResult* out);

}  // namespace minyi::evaluation
