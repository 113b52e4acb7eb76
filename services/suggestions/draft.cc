#include "suggestions/draft.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/names.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "common/text.h"
#include "suggestions/store.h"
#include "suggestions/visibility.h"

namespace minyi::suggestions {
namespace {

using ::minyi::common::v1::ROLE_CITIZEN;
using ::minyi::common::v1::ROLE_DEPUTY;
using namespace ::minyi::suggestions::v1;  // NOLINT: kinds and levels read as a table

constexpr int kMaxJointDeputies = 50;

// A phone number as people write it: digits with an optional leading + and dashes or spaces.
absl::Status CheckPhone(absl::string_view phone) {
  if (phone.empty()) {
    return absl::OkStatus();
  }
  int digits = 0;
  for (std::size_t i = 0; i < phone.size(); ++i) {
    const char c = phone[i];
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (!(c == '-' || c == ' ' || (c == '+' && i == 0))) {
      return InvalidField("suggestion.contact_phone", "must be a phone number");
    }
  }
  return digits >= 5 && digits <= 20 ? absl::OkStatus()
                                     : InvalidField("suggestion.contact_phone", "must have 5-20 digits");
}

}  // namespace

absl::Status PrepareDraft(const Caller& caller, const Suggestion& in, Suggestion* out, DraftPeople* people) {
  RETURN_IF_ERROR(CheckText("suggestion.title", in.title(), 1, 100));
  RETURN_IF_ERROR(CheckText("suggestion.body", in.body(), 1, 5000));
  out->set_kind(in.kind());
  out->set_title(in.title());
  out->set_body(in.body());
  const bool office = IsOffice(caller);
  std::vector<std::string> deputies;
  auto add = [&](const std::string& d) {
    if (std::find(deputies.begin(), deputies.end(), d) == deputies.end()) {
      deputies.push_back(d);
    }
  };
  switch (in.kind()) {
    case SUGGESTION_KIND_DEPUTY:
    case SUGGESTION_KIND_JOINT:
    case SUGGESTION_KIND_DELEGATION: {
      if (!office && caller.role() != ROLE_DEPUTY) {
        return Deny("提出代表建议：只有代表本人或人大工作人员可以");
      }
      if (!office) {
        add(caller.deputy());
      }
      if (office || in.kind() == SUGGESTION_KIND_JOINT) {
        for (int i = 0; i < in.deputies_size(); ++i) {
          RETURN_IF_ERROR(
              ParseResourceId(in.deputies(i), kDeputies, absl::StrCat("suggestion.deputies[", i, "]")).status());
          add(in.deputies(i));
        }
      }
      if (deputies.empty()) {
        return InvalidField("suggestion.deputies", "needs the submitting deputy");
      }
      if (in.kind() == SUGGESTION_KIND_DEPUTY && deputies.size() != 1) {
        return InvalidField("suggestion.deputies",
                            "a deputy suggestion has exactly one submitter; use SUGGESTION_KIND_JOINT");
      }
      if (in.kind() == SUGGESTION_KIND_JOINT && (deputies.size() < 2 || deputies.size() > kMaxJointDeputies)) {
        return InvalidField("suggestion.deputies", "联名建议须有领衔代表和 1 至 49 名联名代表");
      }
      RETURN_IF_ERROR(
          CheckText("suggestion.delegation", in.delegation(), in.kind() == SUGGESTION_KIND_DELEGATION ? 1 : 0, 64));
      out->set_delegation(in.delegation());
      break;
    }
    case SUGGESTION_KIND_CITIZEN_OPINION: {
      RETURN_IF_ERROR(ParseResourceId(in.station(), kStations, "suggestion.station").status());
      RETURN_IF_ERROR(CheckPhone(in.contact_phone()));
      out->set_station(in.station());
      out->set_contact_phone(in.contact_phone());
      if (caller.role() == ROLE_CITIZEN) {
        out->set_citizen_account(CitizenAccount(caller));
      } else if (caller.role() == ROLE_DEPUTY) {
        out->set_entered_by(caller.deputy());  // the deputy on duty entering it
      } else if (!office) {
        return Deny("登记群众意见：只有群众本人、值班代表或人大工作人员可以");
      }
      out->set_level(OPINION_LEVEL_STATION);
      break;
    }
    default:
      return InvalidField("suggestion.kind", "must be a known suggestion kind");
  }
  for (std::size_t i = 0; i < deputies.size(); ++i) {
    const int64_t id = *ParseResourceId(deputies[i], kDeputies, "deputies");
    if (in.kind() == SUGGESTION_KIND_JOINT && i > 0) {
      people->co_signers.push_back(id);
    } else {
      out->add_deputies(deputies[i]);
      people->submitters.push_back(id);
    }
  }
  return absl::OkStatus();
}

absl::Status CheckUpdatePaths(const UpdateSuggestionRequest& request) {
  for (const std::string& path : request.update_mask().paths()) {
    if (path != "title" && path != "body" && path != "deputies" && path != "delegation") {
      return InvalidField("update_mask", absl::StrCat("\"", path, "\" cannot be updated"));
    }
  }
  return absl::OkStatus();
}

Suggestion Patched(const Suggestion& before, const UpdateSuggestionRequest& request) {
  Suggestion merged = before;
  const auto& paths = request.update_mask().paths();
  auto wants = [&](absl::string_view p) {
    return paths.empty() || std::find(paths.begin(), paths.end(), p) != paths.end();
  };
  if (wants("title")) merged.set_title(request.suggestion().title());
  if (wants("body")) merged.set_body(request.suggestion().body());
  if (wants("delegation")) merged.set_delegation(request.suggestion().delegation());
  if (merged.kind() == SUGGESTION_KIND_JOINT) {
    // The stored submitters are only the lead and those who confirmed.
    if (wants("deputies")) {
      *merged.mutable_deputies() = request.suggestion().deputies();
    } else {
      if (merged.deputies_size() > 1) {
        merged.mutable_deputies()->DeleteSubrange(1, merged.deputies_size() - 1);
      }
      for (const CoSigner& c : before.co_signers()) {
        merged.add_deputies(c.deputy());
      }
    }
  }
  return merged;
}

std::vector<std::string> Invited(const Suggestion& before, const std::vector<int64_t>& co_signers, bool reinvite) {
  std::vector<std::string> out;
  for (int64_t id : co_signers) {
    const std::string name = ResourceName(kDeputies, id);
    auto it = std::find_if(before.co_signers().begin(), before.co_signers().end(),
                           [&](const CoSigner& c) { return c.deputy() == name; });
    if (it == before.co_signers().end() || (reinvite && it->state() != CO_SIGNER_STATE_INVITED)) {
      out.push_back(name);
    }
  }
  return out;
}

}  // namespace minyi::suggestions
