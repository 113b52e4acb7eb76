#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/auth.h"
#include "minyi/suggestions/v1/suggestions.pb.h"

// Preparing a draft from what a request sends, free of I/O: the text checked, the submitters taken from the
// caller, the co-signers a joint suggestion's author names, and an update's fields laid over the stored draft.
namespace minyi::suggestions {

// Who a draft names: its submitters, the lead first, and the co-signers a joint suggestion's author asks.
struct DraftPeople {
  std::vector<int64_t> submitters;
  std::vector<int64_t> co_signers;
};

// Validates the draft's text fields and fills the submitters from the caller, never from the body where
// the caller's own identity is meant. The co-signers of a joint suggestion are named, not submitters: each
// becomes one only by confirming.
absl::Status PrepareDraft(const Caller& caller, const minyi::suggestions::v1::Suggestion& in,
                          minyi::suggestions::v1::Suggestion* out, DraftPeople* people);

// OK when every path of an UpdateSuggestion mask is a field a draft's author may change.
absl::Status CheckUpdatePaths(const minyi::suggestions::v1::UpdateSuggestionRequest& request);
// The stored draft `before` with the request's fields laid over it (all of them for an empty mask). A joint
// draft's `deputies` name the lead and every co-signer, whatever their answer; when the mask leaves them out,
// they are the stored lead and co-signers.
minyi::suggestions::v1::Suggestion Patched(const minyi::suggestions::v1::Suggestion& before,
                                           const minyi::suggestions::v1::UpdateSuggestionRequest& request);

// The named co-signers now asked to sign: those newly named and, with `reinvite` (the text changed), every
// one who had answered before.
std::vector<std::string> Invited(const minyi::suggestions::v1::Suggestion& before,
                                 const std::vector<int64_t>& co_signers, bool reinvite);

}  // namespace minyi::suggestions
