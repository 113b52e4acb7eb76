#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "minyi/deputies/v1/deputies.pb.h"

// Supervision groups (代表联系监督组), free of I/O: names, validation and the matcher that proposes deputies
// by sector relevance to a livelihood project or a department.
namespace minyi::deputies {

inline constexpr absl::string_view kSupervisionGroups = "supervisionGroups/";
inline constexpr int kDefaultProposalSize = 12;
inline constexpr int kMaxSupervisionGroupSize = 50;  // a proposal's size and a group's members alike
inline constexpr int kMaxSupervisionKeywords = 20;
inline constexpr int kMaxSupervisionKeywordChars = 16;
inline constexpr int kMaxSupervisionNameChars = 64;
// A sector (界别 / occupation) says what a deputy knows; a delegation mostly says where they come from.
inline constexpr int32_t kSectorMatchWeight = 3;
inline constexpr int32_t kDelegationMatchWeight = 1;

inline constexpr absl::string_view kSupervisionGroupUpdatableFields[] = {"display_name", "members"};

// Errors name "<field>.kind", "<field>.name" or "<field>.keywords[i]" ("<field>.keywords" when empty).
absl::Status ValidateSupervisionTarget(const minyi::deputies::v1::SupervisionTarget& target, absl::string_view field);

// Keeps only what a client may set on creation (display_name, target, members) and defaults the display
// name to the target's name.
void PrepareNewSupervisionGroup(minyi::deputies::v1::SupervisionGroup* group);
// Checks display_name and the members' names, count and distinctness, naming
// "supervision_group.members[i]". Whether each member is a serving deputy is the store's to check.
absl::Status ValidateSupervisionGroup(const minyi::deputies::v1::SupervisionGroup& group);
// The deputy ids of group.members(), in order. Call after ValidateSupervisionGroup.
std::vector<int64_t> MemberIds(const minyi::deputies::v1::SupervisionGroup& group);

// What the matcher knows of a serving deputy: no personal data.
struct DeputyProfile {
  int64_t deputy_id = 0;
  std::string display_name;
  std::string sector;
  std::string delegation;
};

// Scores each deputy by the target's keywords: kSectorMatchWeight per keyword found in the sector and
// kDelegationMatchWeight per keyword found in the delegation (substrings of UTF-8 text, so 交通 matches
// 交通运输; ASCII letters ignore case). Deputies without a match are left out; the rest come by score,
// then deputy id, at most `size` (0: kDefaultProposalSize). A bad target or size is INVALID_ARGUMENT
// naming "target.<field>" or "size".
absl::StatusOr<std::vector<minyi::deputies::v1::SupervisionCandidate>> ProposeCandidates(
    const minyi::deputies::v1::SupervisionTarget& target, const std::vector<DeputyProfile>& deputies, int32_t size);

}  // namespace minyi::deputies
