#pragma once

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/auth.h"
#include "common/status.h"
#include "google/protobuf/repeated_field.h"
#include "minyi/voting/v1/voting.pb.h"
#include "nlohmann/json.hpp"

// What the voting handlers share: the collections they name, who may do what, and how a request's names
// and a resource's state are checked. No I/O.
namespace minyi::voting {

namespace v1 = ::minyi::voting::v1;

inline constexpr char kProjects[] = "projects/";
inline constexpr char kVotes[] = "votes/";
inline constexpr char kDeputies[] = "deputies/";
inline constexpr char kAccounts[] = "accounts/";

// Between closing and announcement a vote's outcome (result, bulletin, the projects it chose) is read by
// office staff and leaders only; from announcement by everyone signed in (docs/voting.md, "Announcement").
bool SeesUnannounced(const Caller& caller);

// A "name" field that may end in a fixed suffix ("votes/3/result").
absl::StatusOr<int64_t> ParseWithSuffix(absl::string_view name, absl::string_view collection, absl::string_view suffix,
                                        absl::string_view field);

// Distinct, canonical resource names, `min` to `max` of them, each checked; the error names the offending
// element.
absl::Status CheckNames(const google::protobuf::RepeatedPtrField<std::string>& names, absl::string_view collection,
                        absl::string_view field, int min, int max);

// FAILED_PRECONDITION saying `what`, naming the current state.
absl::Status WrongState(absl::string_view what, v1::ProjectState state);
absl::Status WrongState(absl::string_view what, v1::VoteState state);

// The project or vote a change applies to, as loaded: NOT_FOUND under `name` when there is none,
// FAILED_PRECONDITION saying `what` unless its state is one of `states`.
template <typename Row, typename State>
absl::StatusOr<Row> InState(std::optional<Row> row, const std::string& name, std::initializer_list<State> states,
                            absl::string_view what) {
  if (!row.has_value()) {
    return NotFoundError(name);
  }
  if (std::find(states.begin(), states.end(), row->state()) == states.end()) {
    return WrongState(what, row->state());
  }
  return *std::move(row);
}

nlohmann::json JsonList(const google::protobuf::RepeatedPtrField<std::string>& values);

}  // namespace minyi::voting
