#include "deputies/duty_file.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/calendar.h"
#include "common/clock.h"
#include "common/enums.h"
#include "common/names.h"
#include "common/paging.h"
#include "common/settings_revision.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "common/text.h"
#include "deputies/duties.h"
#include "deputies/field_mask.h"
#include "deputies/points.h"
#include "deputies/registry.h"
#include "deputies/shared.h"
#include "deputies/shortlist.h"
#include "deputies/store.h"

namespace minyi::deputies {
namespace {

using ::minyi::deputies::v1::CorrectDutyRecordRequest;
using ::minyi::deputies::v1::CreateDutyRecordRequest;
using ::minyi::deputies::v1::DeputyPoints;
using ::minyi::deputies::v1::DutyRecord;
using ::minyi::deputies::v1::EvaluationResult;
using ::minyi::deputies::v1::GetDeputyPointsRequest;
using ::minyi::deputies::v1::GetDutyRecordRequest;
using ::minyi::deputies::v1::GetPointRulesRequest;
using ::minyi::deputies::v1::GetShortlistRequest;
using ::minyi::deputies::v1::GetStationRankingRequest;
using ::minyi::deputies::v1::ListDutyRecordsRequest;
using ::minyi::deputies::v1::ListDutyRecordsResponse;
using ::minyi::deputies::v1::PointRules;
using ::minyi::deputies::v1::PublishStationRankingRequest;
using ::minyi::deputies::v1::SetEvaluationResultRequest;
using ::minyi::deputies::v1::Shortlist;
using ::minyi::deputies::v1::StationRanking;
using ::minyi::deputies::v1::UpdatePointRulesRequest;

// A duty file (records and points) is read by the deputy themself, office staff and leaders; citizens and
// departments never see it.
absl::Status RequireDutyFileReader(const Caller& caller, absl::string_view deputy) {
  if (HasRole(caller, {minyi::common::v1::ROLE_LEADER})) {
    return absl::OkStatus();
  }
  return RequireSelfOrOffice(caller, deputy);
}

absl::Status CheckDutyStationExists(pqxx::work& tx, const DutyRecord& duty) {
  if (duty.station().empty() || StationExists(tx, *ParseResourceId(duty.station(), kStations, "duty.station"))) {
    return absl::OkStatus();
  }
  return InvalidField("duty.station", absl::StrCat(duty.station(), " does not exist"));
}

// The station's current members ranked by their points in `period` under the current rules.
absl::Status RankStation(pqxx::transaction_base& tx, int64_t station_id, const Period& period, StationRanking* out) {
  const std::string station = ResourceName(kStations, station_id);
  if (!StationExists(tx, station_id)) {
    return NotFoundError(station);
  }
  std::vector<int64_t> ids;
  std::map<int64_t, std::string> names;
  for (const Member& m : CurrentMembers(tx, station_id)) {
    ids.push_back(m.deputy_id);
    names[m.deputy_id] = m.display_name;
  }
  const PointRuleTable rules = ToRuleTable(LoadPointRules(tx));
  out->set_name(absl::StrCat(station, "/ranking"));
  out->set_period(period.label);
  for (const RankedEntry& e :
       RankDeputies(ids, SelectDutyFacts(tx, ids, period.first_day, period.last_day), rules, period)) {
    minyi::deputies::v1::RankingEntry* entry = out->add_entries();
    entry->set_deputy(ResourceName(kDeputies, e.id));
    entry->set_display_name(names[e.id]);
    entry->set_points(e.points);
    entry->set_rank(e.rank);
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status DutyFile::CreateRecord(const Call& call, const CreateDutyRecordRequest& request, DutyRecord* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.Authenticate(call));
  ASSIGN_OR_RETURN(const int64_t deputy_id, ParseResourceId(request.parent(), kDeputies, "parent"));
  const std::string parent = ResourceName(kDeputies, deputy_id);
  RETURN_IF_ERROR(RequireSelfOrOffice(caller, parent));
  DutyRecord content = request.duty();
  KeepDutyContent(&content);
  RETURN_IF_ERROR(ValidateDutyContent(content, ShanghaiDate(DomainNow()), "duty"));
  return commands_.Run(call, caller, "CreateDutyRecord", request, response, [&](Change& change) -> absl::Status {
    pqxx::work& tx = change.tx();
    if (!DeputyExists(tx, deputy_id)) {
      return NotFoundError(parent);
    }
    RETURN_IF_ERROR(CheckDutyStationExists(tx, content));
    const int64_t id = *InsertDutyRecord(
        tx,
        {.deputy_id = deputy_id, .source = minyi::deputies::v1::DUTY_SOURCE_MANUAL, .recorded_by = caller.account_id()},
        content);
    const std::string name = DutyName(deputy_id, id);
    minyi::deputies::v1::DutyRecorded event;
    event.set_duty(name);
    event.set_category(content.category());
    event.set_source(minyi::deputies::v1::DUTY_SOURCE_MANUAL);
    change.Emit(event, name);
    change.Audit(name, {{"category", DutyCategory_Name(content.category())}});
    *response = *LoadDutyRecord(tx, id);
    return absl::OkStatus();
  });
}

absl::Status DutyFile::GetRecord(const Call& call, const GetDutyRecordRequest& request, DutyRecord* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.Authenticate(call));
  ASSIGN_OR_RETURN(const DutyKey key, ParseDutyName(request.name(), "name"));
  RETURN_IF_ERROR(RequireDutyFileReader(caller, ResourceName(kDeputies, key.deputy_id)));
  if (request.revision() < 0) {
    return InvalidField("revision", "must not be negative (0 is the current revision)");
  }
  std::optional<DutyRecord> duty;
  RETURN_IF_ERROR(pool_.Read([&](pqxx::transaction_base& tx) {
    duty = LoadDutyRecord(tx, key.id, request.revision());
    return absl::OkStatus();
  }));
  const std::string name = DutyName(key.deputy_id, key.id);
  // A record named under another deputy does not exist under this name.
  if (!duty.has_value() || duty->name() != name) {
    return NotFoundError(request.revision() == 0 ? name : absl::StrCat(name, " revision ", request.revision()));
  }
  *response = *std::move(duty);
  return absl::OkStatus();
}

absl::Status DutyFile::ListRecords(const Call& call, const ListDutyRecordsRequest& request,
                                   ListDutyRecordsResponse* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.Authenticate(call));
  ASSIGN_OR_RETURN(const int64_t deputy_id, ParseResourceId(request.parent(), kDeputies, "parent"));
  const std::string parent = ResourceName(kDeputies, deputy_id);
  RETURN_IF_ERROR(RequireDutyFileReader(caller, parent));
  ASSIGN_OR_RETURN(const PageRequest page,
                   ReadPageRequest(request.page_size(), request.page_token(),
                                   {"duties", request.parent(), absl::StrCat(request.category()), request.start_date(),
                                    request.end_date()}));
  DutyQuery query{.deputy_id = deputy_id, .after_id = page.after_id, .limit = page.size + 1};
  ASSIGN_OR_RETURN(query.category, EnumFilter<minyi::deputies::v1::DutyCategory>("category", request.category(),
                                                                                 "is not a known duty category"));
  if (!request.start_date().empty() && !IsValidDate(request.start_date())) {
    return InvalidField("start_date", "must be a date as YYYY-MM-DD");
  }
  if (!request.end_date().empty() && !IsValidDate(request.end_date())) {
    return InvalidField("end_date", "must be a date as YYYY-MM-DD");
  }
  if (!request.start_date().empty() && !request.end_date().empty() && request.end_date() < request.start_date()) {
    return InvalidField("end_date", "must not be before start_date");
  }
  query.start_date = request.start_date();
  query.end_date = request.end_date();
  std::vector<DutyRecord> duties;
  RETURN_IF_ERROR(pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    if (!DeputyExists(tx, deputy_id)) {
      return NotFoundError(parent);
    }
    duties = SelectDutyRecords(tx, query);
    return absl::OkStatus();
  }));
  response->set_next_page_token(MovePage(
      duties, page, [](const DutyRecord& r) { return ParseDutyName(r.name(), "name")->id; },
      response->mutable_duties()));
  return absl::OkStatus();
}

absl::Status DutyFile::CorrectRecord(const Call& call, const CorrectDutyRecordRequest& request, DutyRecord* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.RequireOffice(call));
  ASSIGN_OR_RETURN(const DutyKey key, ParseDutyName(request.name(), "name"));
  DutyRecord content = request.duty();
  KeepDutyContent(&content);
  RETURN_IF_ERROR(ValidateDutyContent(content, ShanghaiDate(DomainNow()), "duty"));
  RETURN_IF_ERROR(CheckText("reason", request.reason(), 1, kMaxReasonChars));
  const std::string name = DutyName(key.deputy_id, key.id);
  return commands_.Run(call, caller, "CorrectDutyRecord", request, response, [&](Change& change) -> absl::Status {
    pqxx::work& tx = change.tx();
    std::optional<DutyRecord> current = LoadDutyRecord(tx, key.id, 0, /*for_update=*/true);
    if (!current.has_value() || current->name() != name) {
      return NotFoundError(name);
    }
    RETURN_IF_ERROR(CheckDutyStationExists(tx, content));
    const int32_t revision = ReviseDutyRecord(tx, key.id, content, caller.account_id(), request.reason());
    minyi::deputies::v1::DutyRecordCorrected event;
    event.set_duty(name);
    event.set_revision(revision);
    change.Emit(event, name);
    // The reason is free text and stays in the revision, not in the audit detail.
    change.Audit(name, {{"revision", revision}});
    *response = *LoadDutyRecord(tx, key.id);
    return absl::OkStatus();
  });
}

absl::Status DutyFile::GetPointRules(const Call& call, const GetPointRulesRequest&, PointRules* response) {
  RETURN_IF_ERROR(authorizer_.Authenticate(call).status());
  return pool_.Read([&](pqxx::transaction_base& tx) {
    *response = LoadPointRules(tx);
    return absl::OkStatus();
  });
}

absl::Status DutyFile::UpdatePointRules(const Call& call, const UpdatePointRulesRequest& request,
                                        PointRules* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.RequireOffice(call));
  RETURN_IF_ERROR(CheckOnlyPath(request.update_mask(), "rules"));
  RETURN_IF_ERROR(ValidatePointRules(request.point_rules()));
  const std::string name(kPointRulesName);
  return commands_.Run(call, caller, "UpdatePointRules", request, response, [&](Change& change) -> absl::Status {
    RETURN_IF_ERROR(AdvanceSettingsRevision(change.tx(), name, "point_rules.etag", request.point_rules().etag(),
                                            caller.account_id()));
    ReplacePointRules(change.tx(), request.point_rules());
    minyi::deputies::v1::PointRulesUpdated event;
    event.set_rule_count(request.point_rules().rules_size());
    change.Emit(event, name);
    change.Audit(name, {{"rule_count", event.rule_count()}});
    *response = LoadPointRules(change.tx());
    return absl::OkStatus();
  });
}

absl::Status DutyFile::GetPoints(const Call& call, const GetDeputyPointsRequest& request, DeputyPoints* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.Authenticate(call));
  ASSIGN_OR_RETURN(const int64_t deputy_id, ParseChildOfResource(request.name(), kDeputies, "/points", "name"));
  const std::string deputy = ResourceName(kDeputies, deputy_id);
  RETURN_IF_ERROR(RequireDutyFileReader(caller, deputy));
  ASSIGN_OR_RETURN(const Period period, ParsePeriod(request.period()));
  PointsTally tally;
  RETURN_IF_ERROR(pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    if (!DeputyExists(tx, deputy_id)) {
      return NotFoundError(deputy);
    }
    const PointRuleTable rules = ToRuleTable(LoadPointRules(tx));
    tally = TallyPoints(SelectDutyFacts(tx, {deputy_id}, period.first_day, period.last_day)[deputy_id], rules, period);
    return absl::OkStatus();
  }));
  response->set_name(absl::StrCat(deputy, "/points"));
  response->set_period(period.label);
  response->set_total(tally.total);
  for (const auto& [category, counted] : tally.by_category) {
    minyi::deputies::v1::CategoryPoints* out = response->add_by_category();
    out->set_category(category);
    out->set_records(counted.records);
    out->set_points(counted.points);
  }
  for (const auto& [month, points] : tally.by_month) {
    minyi::deputies::v1::MonthPoints* out = response->add_by_month();
    out->set_month(month);
    out->set_points(points);
  }
  return absl::OkStatus();
}

absl::Status DutyFile::GetStationRanking(const Call& call, const GetStationRankingRequest& request,
                                         StationRanking* response) {
  RETURN_IF_ERROR(RequireOfficeLeaderOrDeputy(authorizer_, call).status());
  ASSIGN_OR_RETURN(const int64_t station_id, ParseChildOfResource(request.name(), kStations, "/ranking", "name"));
  ASSIGN_OR_RETURN(const Period period, ParsePeriod(request.period()));
  return pool_.Read([&](pqxx::transaction_base& tx) { return RankStation(tx, station_id, period, response); });
}

absl::Status DutyFile::PublishStationRanking(const Call& call, const PublishStationRankingRequest& request,
                                             StationRanking* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.RequireOffice(call));
  ASSIGN_OR_RETURN(const int64_t station_id, ParseChildOfResource(request.name(), kStations, "/ranking", "name"));
  ASSIGN_OR_RETURN(const Period period, ParsePeriod(request.period()));
  return commands_.Run(call, caller, "PublishStationRanking", request, response, [&](Change& change) -> absl::Status {
    RETURN_IF_ERROR(RankStation(change.tx(), station_id, period, response));
    minyi::deputies::v1::StationRankingPublished event;
    event.set_station(ResourceName(kStations, station_id));
    event.set_period(response->period());
    *event.mutable_entries() = response->entries();
    change.Emit(event, response->name());
    change.Audit(response->name(), {{"period", response->period()}});
    return absl::OkStatus();
  });
}

absl::Status DutyFile::SetEvaluationResult(const Call& call, const SetEvaluationResultRequest& request,
                                           EvaluationResult* response) {
  ASSIGN_OR_RETURN(const Caller caller, authorizer_.RequireOffice(call));
  ASSIGN_OR_RETURN(const EvaluationKey key,
                   ParseEvaluationResultName(request.evaluation_result().name(), "evaluation_result.name"));
  const int32_t score = request.evaluation_result().score();
  if (score < 0 || score > kMaxEvaluationScore) {
    return InvalidField("evaluation_result.score", absl::StrCat("must be between 0 and ", kMaxEvaluationScore));
  }
  const std::string name = EvaluationResultName(key.deputy_id, key.year);
  return commands_.Run(call, caller, "SetEvaluationResult", request, response, [&](Change& change) -> absl::Status {
    pqxx::work& tx = change.tx();
    if (!DeputyExists(tx, key.deputy_id)) {
      return NotFoundError(ResourceName(kDeputies, key.deputy_id));
    }
    UpsertEvaluationResult(tx, key.deputy_id, key.year, score, caller.account_id());
    minyi::deputies::v1::EvaluationResultRecorded event;
    event.set_evaluation_result(name);
    change.Emit(event, name);
    change.Audit(name, {{"score", score}});
    *response = *LoadEvaluationResult(tx, key.deputy_id, key.year);
    return absl::OkStatus();
  });
}

absl::Status DutyFile::GetShortlist(const Call& call, const GetShortlistRequest& request, Shortlist* response) {
  RETURN_IF_ERROR(RequireOfficeOrLeader(authorizer_, call).status());
  absl::StatusOr<Period> year = ParsePeriod(absl::StrCat(request.year()), "year");
  if (!year.ok()) {
    return InvalidField("year", "must be a year such as 2026");
  }
  if (request.size() < 0 || request.size() > kMaxShortlistSize) {
    return InvalidField("size",
                        absl::StrCat("must be between 1 and ", kMaxShortlistSize, " (0: ", kDefaultShortlistSize, ")"));
  }
  const int size = request.size() == 0 ? kDefaultShortlistSize : request.size();
  std::map<int64_t, std::string> names;
  std::vector<ShortlistCandidate> candidates;
  RETURN_IF_ERROR(pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    std::vector<int64_t> ids;
    for (const Member& m : SelectServingDeputies(tx)) {
      ids.push_back(m.deputy_id);
      names[m.deputy_id] = m.display_name;
    }
    const PointRuleTable rules = ToRuleTable(LoadPointRules(tx));
    candidates = ShortlistCandidates(ids, SelectDutyFacts(tx, ids, year->first_day, year->last_day), rules, *year,
                                     SelectEvaluationScores(tx, request.year()));
    return absl::OkStatus();
  }));
  const ShortlistResult result = MakeShortlist(std::move(candidates), size);
  response->set_year(request.year());
  response->set_evaluation_weight(kEvaluationWeight);
  response->set_tied_beyond_cut(result.tied_beyond_cut);
  for (const ShortlistPlace& place : result.places) {
    minyi::deputies::v1::ShortlistEntry* entry = response->add_entries();
    entry->set_deputy(ResourceName(kDeputies, place.candidate.deputy_id));
    entry->set_display_name(names[place.candidate.deputy_id]);
    entry->set_points(place.candidate.points);
    entry->set_duty_records(place.candidate.duty_records);
    entry->set_evaluated(place.candidate.evaluation_score.has_value());
    entry->set_evaluation_score(place.candidate.evaluation_score.value_or(0));
    entry->set_final_score(place.final_score);
    entry->set_rank(place.rank);
    entry->set_tie_break(place.tie_break);
  }
  return absl::OkStatus();
}

}  // namespace minyi::deputies
