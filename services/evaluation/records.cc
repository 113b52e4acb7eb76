#include "evaluation/records.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/enums.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "common/text.h"
#include "evaluation/campaign.h"
#include "evaluation/scoring.h"

namespace minyi::evaluation {
namespace {

namespace v1 = ::minyi::evaluation::v1;

constexpr std::size_t kMaxFindingsChars = 5000;
constexpr int kMaxProblems = 100;

}  // namespace

absl::Status CheckInvestigation(const v1::Investigation& investigation) {
  if (investigation.methods().empty()) {
    return InvalidField("investigation.methods", "至少记录一种调查方式");
  }
  for (int i = 0; i < investigation.methods_size(); ++i) {
    RETURN_IF_ERROR(RequireEnum<v1::InvestigationMethod>(absl::StrCat("investigation.methods[", i, "]"),
                                                         investigation.methods(i), "不是有效的调查方式"));
  }
  return CheckText("investigation.findings", investigation.findings(), 1, kMaxFindingsChars);
}

absl::Status CheckProblemList(const v1::ProblemList& list) {
  if (list.problems().empty() || list.problems_size() > kMaxProblems) {
    return InvalidField("problem_list.problems", absl::StrCat("问题须为 1 至 ", kMaxProblems, " 条"));
  }
  for (int i = 0; i < list.problems_size(); ++i) {
    RETURN_IF_ERROR(CheckText(absl::StrCat("problem_list.problems[", i, "]"), list.problems(i), 1, 2000));
  }
  return absl::OkStatus();
}

absl::StatusOr<Centi> ScoreWithBasis(double score, const std::string& basis, absl::string_view prefix) {
  RETURN_IF_ERROR(CheckText(absl::StrCat(prefix, ".basis"), basis, 0, kMaxFilingChars));
  return ParseCenti(score, 0, 10000, absl::StrCat(prefix, ".score"));
}

absl::Status CheckRecordedStage(const v1::Campaign& campaign, v1::Stage stage) {
  if (stage == v1::STAGE_RECTIFICATION) {
    return InvalidField("stage_score.stage", "整改落实阶段得分即“回头看”得分，请在回头看评分时录入，不在此录入");
  }
  const bool configured = std::any_of(campaign.stages().begin(), campaign.stages().end(),
                                      [&](const auto& s) { return s.stage() == stage && s.weight() > 0; });
  if (stage == v1::STAGE_ON_SITE || !configured) {
    return InvalidField("stage_score.stage", "须为本次评议设置的前期调查或调查组评分阶段（现场得分由评分表计算）");
  }
  return absl::OkStatus();
}

absl::Status RequireStageScores(const v1::Campaign& campaign, int64_t campaign_id,
                                const std::map<int, SubjectInputs>& inputs) {
  for (int n = 1; n <= campaign.subjects_size(); ++n) {
    const auto in = inputs.find(n);
    for (const auto& stage : campaign.stages()) {
      if (stage.weight() > 0 && stage.stage() != v1::STAGE_ON_SITE && stage.stage() != v1::STAGE_RECTIFICATION &&
          (in == inputs.end() || in->second.stage_scores.count(stage.stage()) == 0)) {
        return FailedPrecondition("STAGE_SCORE_MISSING", absl::StrCat(campaign.subjects(n - 1).display_name(), "（",
                                                                      SubjectName(campaign_id, n), "）缺少",
                                                                      StageLabel(stage.stage()), "阶段得分，请先录入"));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace minyi::evaluation
