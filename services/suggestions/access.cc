#include "suggestions/access.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/calendar.h"
#include "common/clock.h"
#include "common/names.h"
#include "common/status.h"
#include "common/status_macros.h"
#include "common/text.h"
#include "suggestions/visibility.h"

namespace minyi::suggestions {
namespace {

using ::minyi::common::v1::ROLE_DEPUTY;
using ::minyi::suggestions::v1::SimilarItem;
using ::minyi::suggestions::v1::Suggestion;

// A deputy who leaves office leaves their stations: the registry's current stations are a serving deputy's.
std::vector<std::string> CurrentStations(const std::optional<minyi::deputies::v1::Deputy>& deputy) {
  return deputy ? std::vector<std::string>(deputy->stations().begin(), deputy->stations().end())
                : std::vector<std::string>{};
}

}  // namespace

Access::Access(std::shared_ptr<grpc::ChannelInterface> deputies, ServiceCredentials& credentials)
    : deputies_(minyi::deputies::v1::Deputies::NewStub(std::move(deputies))), credentials_(credentials) {}

absl::StatusOr<std::optional<minyi::deputies::v1::Deputy>> Access::RegisteredDeputy(const Caller& caller) {
  if (caller.role() != ROLE_DEPUTY || caller.deputy().empty()) {
    return std::nullopt;
  }
  minyi::deputies::v1::GetDeputyRequest get;
  get.set_name(caller.deputy());
  minyi::deputies::v1::Deputy deputy;
  if (grpc::Status st = deputies_->GetDeputy(credentials_.Context("deputies").get(), get, &deputy); !st.ok()) {
    if (st.error_code() == grpc::StatusCode::NOT_FOUND) {
      return std::nullopt;
    }
    return FromGrpc(st, "deputies GetDeputy");
  }
  return deputy;
}

absl::Status Access::LookUpStations(Reader& reader) {
  if (reader.stations) {
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(const std::optional<minyi::deputies::v1::Deputy> deputy, RegisteredDeputy(reader.caller));
  reader.stations = CurrentStations(deputy);
  return absl::OkStatus();
}

absl::StatusOr<bool> Access::MayRead(Reader& reader, const Suggestion& s) {
  if (NeedsStations(reader.caller, s)) {
    RETURN_IF_ERROR(LookUpStations(reader));
    return CanRead(reader.caller, s, *reader.stations);
  }
  return CanRead(reader.caller, s);
}

absl::StatusOr<Record> Access::LoadVisible(pqxx::transaction_base& tx, Reader& reader, int64_t id, bool for_update) {
  std::optional<Record> rec = LoadSuggestion(tx, id, for_update);
  if (rec) {
    ASSIGN_OR_RETURN(const bool readable, MayRead(reader, rec->suggestion));
    if (readable) {
      return *std::move(rec);
    }
  }
  return NotFoundError(ResourceName(kSuggestions, id));
}

absl::StatusOr<std::vector<SimilarItem>> Access::Similar(pqxx::transaction_base& tx, Reader& reader,
                                                         const TitledText& text, const std::vector<int64_t>& band_keys,
                                                         int64_t self, double min_score, int limit) {
  const std::vector<Candidate> candidates = SelectCandidates(tx, band_keys, self, kCandidatePool);
  std::vector<std::pair<int64_t, TitledText>> texts;
  std::map<int64_t, const Suggestion*> by_id;
  for (const Candidate& c : candidates) {
    ASSIGN_OR_RETURN(const bool readable, MayRead(reader, c.record.suggestion));
    if (readable) {
      texts.emplace_back(c.record.id, TextOf(c.record.suggestion));
      by_id[c.record.id] = &c.record.suggestion;
    }
  }
  std::vector<SimilarItem> out;
  for (const ScoredItem& scored : RankBySimilarity(hasher_, text, texts, min_score, limit)) {
    SimilarItem item;
    item.set_name(ResourceName(kSuggestions, scored.id));
    item.set_title(by_id[scored.id]->title());
    item.set_state(by_id[scored.id]->state());
    item.set_score(scored.score);
    out.push_back(std::move(item));
  }
  return out;
}

absl::Status Access::CheckEntersAt(Reader& reader, const std::string& station) {
  ASSIGN_OR_RETURN(const std::optional<minyi::deputies::v1::Deputy> deputy, RegisteredDeputy(reader.caller));
  reader.stations = CurrentStations(deputy);
  if (deputy.has_value() && deputy->status() == minyi::deputies::v1::DEPUTY_STATUS_SERVING) {
    if (std::find(reader.stations->begin(), reader.stations->end(), station) != reader.stations->end()) {
      return absl::OkStatus();
    }
    // On duty there today: a rota entry outlives a membership closed after it was made.
    const std::string today = ShanghaiDate(DomainNow());
    minyi::deputies::v1::ListRotaEntriesRequest list;
    list.set_parent(station);
    list.set_start_date(today);
    list.set_end_date(today);
    minyi::deputies::v1::ListRotaEntriesResponse rota;
    if (grpc::Status st = deputies_->ListRotaEntries(credentials_.Context("deputies").get(), list, &rota); !st.ok()) {
      return st.error_code() == grpc::StatusCode::NOT_FOUND
                 ? InvalidField("suggestion.station", absl::StrCat("联络站 ", station, " 不存在"))
                 : FromGrpc(st, "deputies ListRotaEntries");
    }
    for (const minyi::deputies::v1::RotaEntry& entry : rota.rota_entries()) {
      if (entry.deputy() == reader.caller.deputy()) {
        return absl::OkStatus();
      }
    }
  }
  return Deny(absl::StrCat("在 ", station, " 登记群众意见：suggestion.station 须为本人所在或今日值班的联络站"));
}

absl::StatusOr<int64_t> ParseName(absl::string_view name, absl::string_view field) {
  return ParseResourceId(name, kSuggestions, field);
}

absl::Status CheckReason(absl::string_view reason, bool required) {
  return CheckText("reason", reason, required ? 1 : 0, 1000);
}

std::string DedupText(const Suggestion& s) { return absl::StrCat(s.title(), " ", s.body()); }

TitledText TextOf(const Suggestion& s) { return {s.title(), s.body()}; }

}  // namespace minyi::suggestions
