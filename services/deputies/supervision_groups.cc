#include "deputies/supervision_groups.h"

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/enums.h"
#include "common/names.h"
#include "common/paging.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "deputies/field_mask.h"
#include "deputies/registry.h"
#include "deputies/shared.h"
#include "deputies/store.h"
#include "deputies/supervision.h"

namespace minyi::deputies {
namespace {

using ::minyi::deputies::v1::CreateSupervisionGroupRequest;
using ::minyi::deputies::v1::GetSupervisionGroupRequest;
using ::minyi::deputies::v1::ListSupervisionGroupsRequest;
using ::minyi::deputies::v1::ListSupervisionGroupsResponse;
using ::minyi::deputies::v1::ProposeSupervisionGroupRequest;
using ::minyi::deputies::v1::ProposeSupervisionGroupResponse;
using ::minyi::deputies::v1::SupervisionGroup;
using ::minyi::deputies::v1::UpdateSupervisionGroupRequest;

// Members are checked inside the transaction that stores them, with their rows share-locked, so a deputy
// cannot leave office between the check and the commit; the error names the offending element.
absl::Status CheckMembersServing(pqxx::work& tx, const SupervisionGroup& group) {
  const std::vector<int64_t> ids = MemberIds(group);
  const std::set<int64_t> serving = LockServingDeputies(tx, ids);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (serving.count(ids[i]) == 0) {
      return InvalidField(absl::StrCat("supervision_group.members[", i, "]"),
                          absl::StrCat(group.members(static_cast<int>(i)), " is not a serving deputy"));
    }
  }
  return absl::OkStatus();
}

// A target as an audit row records it.
nlohmann::json AuditTarget(const minyi::deputies::v1::SupervisionTarget& target) {
  return {{"kind", minyi::deputies::v1::SupervisionTargetKind_Name(target.kind())},
          {"name", target.name()},
          {"keywords", JsonList(target.keywords())}};
}

}  // namespace

absl::Status SupervisionGroups::Propose(const Call& call, const ProposeSupervisionGroupRequest& request,
                                        ProposeSupervisionGroupResponse* response) {
  RETURN_IF_ERROR(RequireOfficeOrLeader(authorizer_, call).status());
  std::vector<DeputyProfile> serving;
  RETURN_IF_ERROR(pool_.Read([&](pqxx::transaction_base& tx) {
    serving = SelectServingProfiles(tx);
    return absl::OkStatus();
  }));
  ASSIGN_OR_RETURN(std::vector<minyi::deputies::v1::SupervisionCandidate> candidates,
                   ProposeCandidates(request.target(), serving, request.size()));
  *response->mutable_target() = request.target();
  for (minyi::deputies::v1::SupervisionCandidate& candidate : candidates) {
    *response->add_candidates() = std::move(candidate);
  }
  return absl::OkStatus();
}

absl::Status SupervisionGroups::Create(const Call& call, const CreateSupervisionGroupRequest& request,
                                       SupervisionGroup* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.RequireOffice(call));
  SupervisionGroup group = request.supervision_group();
  PrepareNewSupervisionGroup(&group);
  RETURN_IF_ERROR(ValidateSupervisionTarget(group.target(), "supervision_group.target"));
  RETURN_IF_ERROR(ValidateSupervisionGroup(group));
  return commands_.Run(call, caller, "CreateSupervisionGroup", request, response, [&](Change& change) -> absl::Status {
    pqxx::work& tx = change.tx();
    RETURN_IF_ERROR(CheckMembersServing(tx, group));
    const int64_t id = InsertSupervisionGroup(tx, group, caller.account_id());
    const std::string name = ResourceName(kSupervisionGroups, id);
    minyi::deputies::v1::SupervisionGroupCreated event;
    event.set_supervision_group(name);
    *event.mutable_target() = group.target();
    *event.mutable_members() = group.members();
    change.Emit(event, name);
    change.Audit(name, {{"target", AuditTarget(group.target())}, {"members", JsonList(group.members())}});
    *response = *LoadSupervisionGroup(tx, id);
    return absl::OkStatus();
  });
}

absl::Status SupervisionGroups::Get(const Call& call, const GetSupervisionGroupRequest& request,
                                    SupervisionGroup* response) {
  // The voting service reads a group's members when one is attached to a livelihood project.
  RETURN_IF_ERROR(authorizer_
                      .RequireUserOrService(call,
                                            {minyi::common::v1::ROLE_ADMIN, minyi::common::v1::ROLE_STAFF,
                                             minyi::common::v1::ROLE_LEADER, minyi::common::v1::ROLE_DEPUTY},
                                            {"voting"})
                      .status());
  ASSIGN_OR_RETURN(const int64_t id, ParseResourceId(request.name(), kSupervisionGroups, "name"));
  return pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    std::optional<SupervisionGroup> group = LoadSupervisionGroup(tx, id);
    if (!group.has_value()) {
      return NotFoundError(ResourceName(kSupervisionGroups, id));
    }
    *response = *std::move(group);
    return absl::OkStatus();
  });
}

absl::Status SupervisionGroups::List(const Call& call, const ListSupervisionGroupsRequest& request,
                                     ListSupervisionGroupsResponse* response) {
  RETURN_IF_ERROR(RequireOfficeLeaderOrDeputy(authorizer_, call).status());
  ASSIGN_OR_RETURN(const PageRequest page,
                   ReadPageRequest(request.page_size(), request.page_token(),
                                   {"supervisionGroups", absl::StrCat(request.target_kind()), request.member()}));
  // One row past the page tells whether another page follows.
  SupervisionGroupQuery query{.after_id = page.after_id, .limit = page.size + 1};
  ASSIGN_OR_RETURN(query.target_kind, EnumFilter<minyi::deputies::v1::SupervisionTargetKind>(
                                          "target_kind", request.target_kind(), "is not a known target kind"));
  if (!request.member().empty()) {
    ASSIGN_OR_RETURN(query.member_id, ParseResourceId(request.member(), kDeputies, "member"));
  }
  std::vector<SupervisionGroup> groups;
  RETURN_IF_ERROR(pool_.Read([&](pqxx::transaction_base& tx) {
    groups = SelectSupervisionGroups(tx, query);
    return absl::OkStatus();
  }));
  response->set_next_page_token(MovePage(
      groups, page, [](const SupervisionGroup& r) { return *ParseResourceId(r.name(), kSupervisionGroups, "name"); },
      response->mutable_supervision_groups()));
  return absl::OkStatus();
}

absl::Status SupervisionGroups::Update(const Call& call, const UpdateSupervisionGroupRequest& request,
                                       SupervisionGroup* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.RequireOffice(call));
  ASSIGN_OR_RETURN(const int64_t id,
                   ParseResourceId(request.supervision_group().name(), kSupervisionGroups, "supervision_group.name"));
  const std::string name = ResourceName(kSupervisionGroups, id);
  return commands_.Run(call, caller, "UpdateSupervisionGroup", request, response, [&](Change& change) -> absl::Status {
    pqxx::work& tx = change.tx();
    std::optional<SupervisionGroup> current = LoadSupervisionGroup(tx, id, /*for_update=*/true);
    if (!current.has_value()) {
      return NotFoundError(name);
    }
    SupervisionGroup updated = *current;
    ASSIGN_OR_RETURN(
        const std::vector<std::string> paths,
        ApplyFieldMask(request.supervision_group(), request.update_mask(), kSupervisionGroupUpdatableFields, &updated));
    RETURN_IF_ERROR(ValidateSupervisionGroup(updated));
    RETURN_IF_ERROR(CheckMembersServing(tx, updated));
    UpdateSupervisionGroupRow(tx, id, updated, caller.account_id());
    minyi::deputies::v1::SupervisionGroupUpdated event;
    event.set_supervision_group(name);
    for (const std::string& path : paths) {
      event.add_changed_fields(path);
    }
    *event.mutable_target() = updated.target();
    *event.mutable_members() = updated.members();
    change.Emit(event, name);
    change.Audit(name, {{"changed_fields", nlohmann::json(paths)}, {"members", JsonList(updated.members())}});
    *response = *LoadSupervisionGroup(tx, id);
    return absl::OkStatus();
  });
}

}  // namespace minyi::deputies
