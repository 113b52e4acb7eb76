#include "deputies/shortlist.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/names.h"
#include "common/status.h"
#include "deputies/registry.h"

namespace minyi::deputies {
namespace {

constexpr absl::string_view kEvaluationResultsInfix = "/evaluationResults/";
constexpr int32_t kMinYear = 1954;  // the first National People's Congress
constexpr int32_t kMaxYear = 9999;

int64_t FinalScore(const ShortlistCandidate& c) {
  return c.points + static_cast<int64_t>(kEvaluationWeight) * c.evaluation_score.value_or(0);
}

}  // namespace

absl::StatusOr<EvaluationKey> ParseEvaluationResultName(absl::string_view name, absl::string_view field) {
  const absl::Status bad = InvalidField(
      field, absl::StrCat("must be a resource name like \"", kDeputies, "1", kEvaluationResultsInfix, "2026\""));
  const std::size_t infix = name.find(kEvaluationResultsInfix);
  if (infix == absl::string_view::npos) {
    return bad;
  }
  absl::StatusOr<int64_t> deputy = ParseResourceId(name.substr(0, infix), kDeputies, field);
  const absl::string_view year_text = name.substr(infix + kEvaluationResultsInfix.size());
  int32_t year = 0;
  if (!deputy.ok() || year_text.size() != 4 || !absl::SimpleAtoi(year_text, &year) || year < kMinYear ||
      year > kMaxYear) {
    return bad;
  }
  return EvaluationKey{.deputy_id = *deputy, .year = year};
}

std::string EvaluationResultName(int64_t deputy_id, int32_t year) {
  return absl::StrCat(kDeputies, deputy_id, kEvaluationResultsInfix, year);
}

std::vector<ShortlistCandidate> ShortlistCandidates(const std::vector<int64_t>& deputy_ids,
                                                    const std::map<int64_t, std::vector<DutyFact>>& facts,
                                                    const PointRuleTable& rules, const Period& year,
                                                    const std::map<int64_t, int32_t>& scores) {
  std::vector<ShortlistCandidate> candidates;
  for (int64_t id : deputy_ids) {
    const auto found = facts.find(id);
    const PointsTally tally = TallyPoints(found == facts.end() ? std::vector<DutyFact>() : found->second, rules, year);
    int64_t records = 0;
    for (const auto& [category, counted] : tally.by_category) {
      records += counted.records;
    }
    const auto score = scores.find(id);
    candidates.push_back(
        {.deputy_id = id,
         .points = tally.total,
         .duty_records = records,
         .evaluation_score = score == scores.end() ? std::nullopt : std::optional<int32_t>(score->second)});
  }
  return candidates;
}

ShortlistResult MakeShortlist(std::vector<ShortlistCandidate> candidates, int size) {
  std::sort(candidates.begin(), candidates.end(), [](const ShortlistCandidate& a, const ShortlistCandidate& b) {
    if (FinalScore(a) != FinalScore(b)) {
      return FinalScore(a) > FinalScore(b);
    }
    if (a.duty_records != b.duty_records) {
      return a.duty_records > b.duty_records;
    }
    return a.deputy_id < b.deputy_id;
  });
  ShortlistResult result;
  const std::size_t kept = std::min(candidates.size(), static_cast<std::size_t>(std::max(size, 0)));
  for (std::size_t i = 0; i < kept; ++i) {
    ShortlistPlace place{
        .candidate = candidates[i], .final_score = FinalScore(candidates[i]), .rank = static_cast<int32_t>(i + 1)};
    if (i > 0 && FinalScore(candidates[i - 1]) == place.final_score) {
      place.tie_break = candidates[i - 1].duty_records != candidates[i].duty_records
                            ? minyi::deputies::v1::TIE_BREAK_MORE_RECORDS
                            : minyi::deputies::v1::TIE_BREAK_LOWER_ID;
    }
    result.places.push_back(place);
  }
  if (kept > 0) {
    const int64_t last = result.places.back().final_score;
    for (std::size_t i = kept; i < candidates.size() && FinalScore(candidates[i]) == last; ++i) {
      ++result.tied_beyond_cut;
    }
  }
  return result;
}

}  // namespace minyi::deputies
