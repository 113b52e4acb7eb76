#pragma once

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "minyi/suggestions/v1/suggestions.pb.h"

// Routing help, free of I/O: keyword rules propose a lead unit; office staff confirm or choose another.
namespace minyi::suggestions {

// The rule matching most keywords in the text (substring match on the raw UTF-8 text, which is exact for
// CJK keywords); ties go to the earlier rule. No department when nothing matches.
minyi::suggestions::v1::RoutingProposal ProposeDepartment(const minyi::suggestions::v1::RoutingRules& rules,
                                                          absl::string_view text);

// At most 200 rules, each with 1-50 keywords of 1-20 characters and a department code; errors name the
// field (routing_rules.rules[i].keywords[j]).
absl::Status ValidateRoutingRules(const minyi::suggestions::v1::RoutingRules& rules);

// Department codes: 1-64 characters, no control characters.
absl::Status CheckDepartment(absl::string_view field, absl::string_view department);

}  // namespace minyi::suggestions
