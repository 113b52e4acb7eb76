#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "common/auth.h"
#include "common/call.h"
#include "common/command.h"
#include "common/pg.h"
#include "minyi/evaluation/v1/evaluation.pb.h"

namespace minyi::evaluation {

namespace v1 = ::minyi::evaluation::v1;

// A read of a campaign by the authenticated caller.
struct CampaignRead {
  Caller caller;
  int64_t id = 0;
  v1::Campaign campaign;
};

// A mutation's work on the locked campaign `id`, or on its subject `n`.
using CampaignWork = std::function<absl::Status(Change&, const v1::Campaign&, int64_t id)>;
using SubjectWork = std::function<absl::Status(Change&, const v1::Campaign&, int64_t id, int n)>;

// What every evaluation handler does with a campaign: authorize the office, read the campaign as the
// caller, change it (or one of its subjects) through Commands with its row locked, and read its set-up
// from memory. Shared by the handlers main.cc builds, so the set-up is cached once per process.
class CampaignAccess final {
 public:
  CampaignAccess(PgPool& pool, const Authorizer& authorizer)
      : pool_(pool), authorizer_(authorizer), commands_(pool, "evaluation") {}

  // Office staff run campaigns: the handlers that hold no authorizer of their own check with this one.
  const Authorizer& authorizer() const { return authorizer_; }

  // Campaign `name` (the error names `field`) read by the authenticated caller; authorization is the
  // handler's.
  absl::StatusOr<CampaignRead> ReadAsCaller(const Call& call, absl::string_view name, absl::string_view field) const;

  // A mutation of campaign `name` (the error names `name_field`): Commands::Run as `action`, in which the
  // campaign is locked for update (NOT_FOUND when missing) and `work` runs.
  absl::Status RunOnCampaign(const Call& call, const Caller& caller, absl::string_view action,
                             const google::protobuf::Message& request, google::protobuf::Message* response,
                             absl::string_view name, absl::string_view name_field, const CampaignWork& work) const;

  // A mutation about one subject of campaign `parent`: RunOnCampaign, then resolves `subject` (the error
  // names `subject_field`) and runs `work`.
  absl::Status RunOnSubject(const Call& call, const Caller& caller, absl::string_view action,
                            const google::protobuf::Message& request, google::protobuf::Message* response,
                            absl::string_view parent, absl::string_view subject, absl::string_view subject_field,
                            const SubjectWork& work) const;

  // A campaign's set-up never changes after creation, so the sheet burst reads it from memory; the state,
  // which does change, is read (share-locked) in each sheet's transaction.
  absl::StatusOr<std::shared_ptr<const v1::Campaign>> Definition(int64_t id);

 private:
  PgPool& pool_;
  const Authorizer& authorizer_;
  const Commands commands_;
  absl::Mutex definitions_mu_;
  absl::flat_hash_map<int64_t, std::shared_ptr<const v1::Campaign>> definitions_ ABSL_GUARDED_BY(definitions_mu_);
};

}  // namespace minyi::evaluation
