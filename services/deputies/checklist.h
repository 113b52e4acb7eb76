#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "minyi/deputies/v1/deputies.pb.h"

// The nine-haves checklist (九有) of liaison stations, free of I/O: validating the definition and an
// assessment, and composing a station's checklist from the definition and its stored assessments.
namespace minyi::deputies {

inline constexpr absl::string_view kChecklistDefinitionName = "checklistDefinition";
inline constexpr absl::string_view kChecklistSuffix = "/checklist";
inline constexpr int kMaxChecklistItems = 30;
inline constexpr int kMaxChecklistItemChars = 32;

// 1-30 distinct item names of 1-32 characters; errors name "checklist_definition.items[i]".
absl::Status ValidateChecklistDefinition(const minyi::deputies::v1::ChecklistDefinition& definition);

// At least one item; each listed item must be in `defined` and listed once, with valid evidence; errors name
// "checklist.items[i].<field>".
absl::Status ValidateChecklistAssessment(const minyi::deputies::v1::StationChecklist& update,
                                         const std::vector<std::string>& defined);

// The station's checklist: every defined item in order, with its stored assessment when there is one
// (`assessed` is keyed by item; assessments of items no longer defined are left out), and the count met.
minyi::deputies::v1::StationChecklist ComposeChecklist(
    absl::string_view name, const std::vector<std::string>& defined,
    const std::map<std::string, minyi::deputies::v1::ChecklistItem>& assessed);

}  // namespace minyi::deputies
