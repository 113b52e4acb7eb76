#include "suggestions/routing.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "common/text.h"

namespace minyi::suggestions {

using ::minyi::suggestions::v1::RoutingProposal;
using ::minyi::suggestions::v1::RoutingRules;

RoutingProposal ProposeDepartment(const RoutingRules& rules, absl::string_view text) {
  RoutingProposal best;
  int best_hits = 0;
  for (const auto& rule : rules.rules()) {
    RoutingProposal candidate;
    candidate.set_department(rule.department());
    for (const std::string& keyword : rule.keywords()) {
      if (!keyword.empty() && absl::StrContains(text, keyword)) {
        candidate.add_matched_keywords(keyword);
      }
    }
    if (candidate.matched_keywords_size() > best_hits) {
      best_hits = candidate.matched_keywords_size();
      best = std::move(candidate);
    }
  }
  return best;
}

absl::Status CheckDepartment(absl::string_view field, absl::string_view department) {
  return CheckText(field, department, 1, 64);
}

absl::Status ValidateRoutingRules(const RoutingRules& rules) {
  if (rules.rules_size() > 200) {
    return InvalidField("routing_rules.rules", "at most 200 rules");
  }
  for (int i = 0; i < rules.rules_size(); ++i) {
    const auto& rule = rules.rules(i);
    const std::string prefix = absl::StrCat("routing_rules.rules[", i, "]");
    RETURN_IF_ERROR(CheckDepartment(absl::StrCat(prefix, ".department"), rule.department()));
    if (rule.keywords_size() < 1 || rule.keywords_size() > 50) {
      return InvalidField(absl::StrCat(prefix, ".keywords"), "needs 1-50 keywords");
    }
    for (int j = 0; j < rule.keywords_size(); ++j) {
      RETURN_IF_ERROR(CheckText(absl::StrCat(prefix, ".keywords[", j, "]"), rule.keywords(j), 1, 20));
    }
  }
  return absl::OkStatus();
}

}  // namespace minyi::suggestions
