#include "deputies/supervision.h"

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/enums.h"
#include "common/names.h"
#include "common/status.h"
#include "common/text.h"
#include "deputies/registry.h"

namespace minyi::deputies {
namespace {

using ::minyi::deputies::v1::SupervisionCandidate;

// UTF-8 never matches a byte sequence across character boundaries, so a byte search is a character
// search; lowering only ASCII leaves CJK untouched.
bool ContainsKeyword(const std::string& lowered_text, const std::string& lowered_keyword) {
  return lowered_text.find(lowered_keyword) != std::string::npos;
}

}  // namespace

absl::Status ValidateSupervisionTarget(const minyi::deputies::v1::SupervisionTarget& target, absl::string_view field) {
  if (absl::Status st = RequireEnum<minyi::deputies::v1::SupervisionTargetKind>(
          absl::StrCat(field, ".kind"), target.kind(), "must be a livelihood project or a department");
      !st.ok()) {
    return st;
  }
  if (absl::Status st = CheckText(absl::StrCat(field, ".name"), target.name(), 1, kMaxSupervisionNameChars); !st.ok()) {
    return st;
  }
  if (target.keywords().empty() || target.keywords_size() > kMaxSupervisionKeywords) {
    return InvalidField(absl::StrCat(field, ".keywords"),
                        absl::StrCat("must list 1 to ", kMaxSupervisionKeywords, " keywords"));
  }
  std::set<std::string> seen;
  for (int i = 0; i < target.keywords_size(); ++i) {
    const std::string element = absl::StrCat(field, ".keywords[", i, "]");
    if (absl::Status st = CheckText(element, target.keywords(i), 1, kMaxSupervisionKeywordChars); !st.ok()) {
      return st;
    }
    if (!seen.insert(absl::AsciiStrToLower(target.keywords(i))).second) {
      return InvalidField(element, "is listed twice");
    }
  }
  return absl::OkStatus();
}

void PrepareNewSupervisionGroup(minyi::deputies::v1::SupervisionGroup* group) {
  minyi::deputies::v1::SupervisionGroup content;
  content.set_display_name(group->display_name().empty() ? group->target().name() : group->display_name());
  *content.mutable_target() = group->target();
  *content.mutable_members() = group->members();
  *group = std::move(content);
}

absl::Status ValidateSupervisionGroup(const minyi::deputies::v1::SupervisionGroup& group) {
  if (absl::Status st = CheckText("supervision_group.display_name", group.display_name(), 1, kMaxSupervisionNameChars);
      !st.ok()) {
    return st;
  }
  if (group.members().empty() || group.members_size() > kMaxSupervisionGroupSize) {
    return InvalidField("supervision_group.members",
                        absl::StrCat("must list 1 to ", kMaxSupervisionGroupSize, " deputies"));
  }
  std::set<int64_t> seen;
  for (int i = 0; i < group.members_size(); ++i) {
    const std::string element = absl::StrCat("supervision_group.members[", i, "]");
    absl::StatusOr<int64_t> id = ParseResourceId(group.members(i), kDeputies, element);
    if (!id.ok()) {
      return id.status();
    }
    if (!seen.insert(*id).second) {
      return InvalidField(element, "is listed twice");
    }
  }
  return absl::OkStatus();
}

std::vector<int64_t> MemberIds(const minyi::deputies::v1::SupervisionGroup& group) {
  std::vector<int64_t> ids;
  for (const std::string& member : group.members()) {
    ids.push_back(*ParseResourceId(member, kDeputies, "supervision_group.members"));
  }
  return ids;
}

absl::StatusOr<std::vector<SupervisionCandidate>> ProposeCandidates(
    const minyi::deputies::v1::SupervisionTarget& target, const std::vector<DeputyProfile>& deputies, int32_t size) {
  if (absl::Status st = ValidateSupervisionTarget(target, "target"); !st.ok()) {
    return st;
  }
  if (size < 0 || size > kMaxSupervisionGroupSize) {
    return InvalidField(
        "size", absl::StrCat("must be between 1 and ", kMaxSupervisionGroupSize, " (0: ", kDefaultProposalSize, ")"));
  }
  std::vector<std::string> keywords;
  for (const std::string& keyword : target.keywords()) {
    keywords.push_back(absl::AsciiStrToLower(keyword));
  }
  std::vector<std::pair<int64_t, SupervisionCandidate>> scored;
  for (const DeputyProfile& deputy : deputies) {
    const std::string sector = absl::AsciiStrToLower(deputy.sector);
    const std::string delegation = absl::AsciiStrToLower(deputy.delegation);
    SupervisionCandidate candidate;
    for (std::size_t k = 0; k < keywords.size(); ++k) {
      if (ContainsKeyword(sector, keywords[k])) {
        minyi::deputies::v1::SupervisionMatch* match = candidate.add_matches();
        match->set_keyword(target.keywords(static_cast<int>(k)));
        match->set_field(minyi::deputies::v1::SUPERVISION_MATCH_FIELD_SECTOR);
        candidate.set_score(candidate.score() + kSectorMatchWeight);
      }
      if (ContainsKeyword(delegation, keywords[k])) {
        minyi::deputies::v1::SupervisionMatch* match = candidate.add_matches();
        match->set_keyword(target.keywords(static_cast<int>(k)));
        match->set_field(minyi::deputies::v1::SUPERVISION_MATCH_FIELD_DELEGATION);
        candidate.set_score(candidate.score() + kDelegationMatchWeight);
      }
    }
    if (candidate.score() == 0) {
      continue;
    }
    candidate.set_deputy(ResourceName(kDeputies, deputy.deputy_id));
    candidate.set_display_name(deputy.display_name);
    scored.emplace_back(deputy.deputy_id, std::move(candidate));
  }
  std::sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) {
    if (a.second.score() != b.second.score()) {
      return a.second.score() > b.second.score();
    }
    return a.first < b.first;
  });
  const std::size_t kept = std::min(scored.size(), static_cast<std::size_t>(size == 0 ? kDefaultProposalSize : size));
  std::vector<SupervisionCandidate> out;
  for (std::size_t i = 0; i < kept; ++i) {
    out.push_back(std::move(scored[i].second));
  }
  return out;
}

}  // namespace minyi::deputies
