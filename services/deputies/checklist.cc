#include "deputies/checklist.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "common/text.h"
#include "deputies/duties.h"

namespace minyi::deputies {

using ::minyi::deputies::v1::ChecklistItem;
using ::minyi::deputies::v1::StationChecklist;

absl::Status ValidateChecklistDefinition(const minyi::deputies::v1::ChecklistDefinition& definition) {
  if (definition.items().empty() || definition.items_size() > kMaxChecklistItems) {
    return InvalidField("checklist_definition.items",
                        absl::StrCat("must hold between 1 and ", kMaxChecklistItems, " items"));
  }
  std::set<std::string> seen;
  for (int i = 0; i < definition.items_size(); ++i) {
    const std::string field = absl::StrCat("checklist_definition.items[", i, "]");
    if (absl::Status st = CheckText(field, definition.items(i), 1, kMaxChecklistItemChars); !st.ok()) {
      return st;
    }
    if (!seen.insert(definition.items(i)).second) {
      return InvalidField(field, "is listed twice");
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateChecklistAssessment(const StationChecklist& update, const std::vector<std::string>& defined) {
  if (update.items().empty()) {
    return InvalidField("checklist.items", "must list at least one item to assess");
  }
  std::set<std::string> seen;
  for (int i = 0; i < update.items_size(); ++i) {
    const ChecklistItem& item = update.items(i);
    const std::string field = absl::StrCat("checklist.items[", i, "]");
    if (std::find(defined.begin(), defined.end(), item.item()) == defined.end()) {
      return InvalidField(absl::StrCat(field, ".item"), "is not an item of the checklist definition");
    }
    if (!seen.insert(item.item()).second) {
      return InvalidField(absl::StrCat(field, ".item"), "is listed twice");
    }
    if (absl::Status st = ValidateEvidence(item.evidence(), absl::StrCat(field, ".evidence")); !st.ok()) {
      return st;
    }
  }
  return absl::OkStatus();
}

StationChecklist ComposeChecklist(absl::string_view name, const std::vector<std::string>& defined,
                                  const std::map<std::string, ChecklistItem>& assessed) {
  StationChecklist out;
  out.set_name(std::string(name));
  for (const std::string& item : defined) {
    ChecklistItem* entry = out.add_items();
    if (const auto it = assessed.find(item); it != assessed.end()) {
      *entry = it->second;
    }
    entry->set_item(item);
    if (entry->met()) {
      out.set_items_met(out.items_met() + 1);
    }
  }
  return out;
}

}  // namespace minyi::deputies
