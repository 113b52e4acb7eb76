#pragma once

#include "absl/status/status.h"
#include "common/auth.h"
#include "common/call.h"
#include "common/command.h"
#include "common/pg.h"
#include "minyi/deputies/v1/deputies.pb.h"

namespace minyi::deputies {

namespace v1 = ::minyi::deputies::v1;

// A deputy's duty file (履职档案): duty records (entered by hand or recorded from other services' events,
// corrected as revisions), the point rules and the points they earn, the stations' rankings of their
// members, evaluation results and the annual shortlist. A file is read by the deputy themself, office
// staff and leaders.
class DutyFile final {
 public:
  DutyFile(PgPool& pool, const Authorizer& authorizer)
      : pool_(pool), authorizer_(authorizer), commands_(pool, "deputies") {}

  absl::Status CreateRecord(const Call& call, const v1::CreateDutyRecordRequest& request, v1::DutyRecord* response);
  absl::Status GetRecord(const Call& call, const v1::GetDutyRecordRequest& request, v1::DutyRecord* response);
  absl::Status ListRecords(const Call& call, const v1::ListDutyRecordsRequest& request,
                           v1::ListDutyRecordsResponse* response);
  absl::Status CorrectRecord(const Call& call, const v1::CorrectDutyRecordRequest& request, v1::DutyRecord* response);

  absl::Status GetPointRules(const Call& call, const v1::GetPointRulesRequest& request, v1::PointRules* response);
  absl::Status UpdatePointRules(const Call& call, const v1::UpdatePointRulesRequest& request, v1::PointRules* response);
  absl::Status GetPoints(const Call& call, const v1::GetDeputyPointsRequest& request, v1::DeputyPoints* response);

  absl::Status GetStationRanking(const Call& call, const v1::GetStationRankingRequest& request,
                                 v1::StationRanking* response);
  absl::Status PublishStationRanking(const Call& call, const v1::PublishStationRankingRequest& request,
                                     v1::StationRanking* response);

  absl::Status SetEvaluationResult(const Call& call, const v1::SetEvaluationResultRequest& request,
                                   v1::EvaluationResult* response);
  absl::Status GetShortlist(const Call& call, const v1::GetShortlistRequest& request, v1::Shortlist* response);

 private:
  PgPool& pool_;
  const Authorizer& authorizer_;
  const Commands commands_;
};

}  // namespace minyi::deputies
