#pragma once

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/auth.h"
#include "common/call.h"
#include "common/command.h"
#include "common/pg.h"
#include "google/protobuf/message.h"
#include "minyi/suggestions/v1/suggestions.pb.h"
#include "suggestions/access.h"
#include "suggestions/lifecycle.h"
#include "suggestions/store.h"

namespace minyi::suggestions {

// One step of an item through the state machine (lifecycle.h), as a request asks for it.
struct Mutation {
  std::string method = "";  // the RPC: the audit action and the idempotency scope "suggestions.<method>"
  Action action = Action::kSubmit;
  std::string reason = "";
  bool unsatisfied = false;  // kRate
  std::function<absl::Status(const Caller&, const Record&)> authorize = nullptr;
  // Optional: true when what the request asks for is so already (a repeated answer); the item is then
  // returned as it is and nothing is written.
  std::function<bool(const Caller&, const Record&)> already_done = nullptr;
  // Applies the change and emits its events; may fill `row.detail`; returns an error to roll back.
  std::function<absl::Status(Change&, const Record&, State next, TransitionRow& row)> apply = nullptr;
  // Optional: adds to the response inside the transaction (so an idempotent replay returns it too).
  std::function<absl::Status(pqxx::work&, Reader&, const Record&, minyi::suggestions::v1::Suggestion*)> finish =
      nullptr;
};

// The shared path of every single-item mutation, on Commands::Run: load and lock the item the caller may
// read, check the caller with `authorize`, stop if it is `already_done`, check the transition in the state
// machine, run `apply`, then record the timeline entry and the audit row (from, to, detail) and answer with
// the item as the caller may see it.
class Transitions final {
 public:
  Transitions(PgPool& pool, const Authorizer& authorizer, Access& access)
      : authorizer_(authorizer), access_(access), commands_(pool, "suggestions") {}

  absl::Status Run(const Call& call, const google::protobuf::Message& request, absl::string_view name,
                   const Mutation& mutation, minyi::suggestions::v1::Suggestion* response) const;

 private:
  const Authorizer& authorizer_;
  Access& access_;
  const Commands commands_;
};

}  // namespace minyi::suggestions
