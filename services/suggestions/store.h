#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/migrate.h"
#include "common/pg.h"
#include "minyi/suggestions/v1/suggestions.pb.h"
#include "pqxx/pqxx"
#include "suggestions/deadlines.h"

// The suggestions schema's SQL: the items in store.cc, the statistics, commitments and deadline alerts in
// store_reports.cc, routing rules, funds and the holiday calendar in store_configuration.cc. Every function
// runs inside the caller's transaction and lets libpqxx exceptions through, so PgPool::Transact maps
// database failures in one place.
namespace minyi::suggestions {

const std::vector<Migration>& Migrations();
// Every statement of the store files, for the pool to prepare.
std::vector<PreparedStatement> Statements();

inline constexpr char kSuggestions[] = "suggestions/";
inline constexpr char kCommitments[] = "commitments/";
inline constexpr char kFunds[] = "funds/";
inline constexpr char kDeputies[] = "deputies/";
inline constexpr char kStations[] = "stations/";
inline constexpr char kAccounts[] = "accounts/";
inline constexpr char kHolidayCalendars[] = "holidayCalendars/";  // a year's special days, each its own setting

// A suggestion as stored: the resource plus what only the service needs.
struct Record {
  int64_t id = 0;
  minyi::suggestions::v1::Suggestion suggestion;
  std::string assigned_on = "";  // YYYY-MM-DD, "" before assignment
};

// A new item with its submitters and its CREATE timeline entry; with `submit.submit`, also submitted on
// `submit.today` with its band keys and SUBMIT entry. One statement: a submission is the hot path.
struct NewItem {
  bool submit = false;
  std::string today = "";               // YYYY-MM-DD, when submitting: the day received
  std::vector<int64_t> band_keys = {};  // when submitting
  std::string actor = "";
  std::string actor_role = "";
  std::string detail = "";  // of the SUBMIT entry
};
int64_t InsertSuggestion(pqxx::work& tx, const minyi::suggestions::v1::Suggestion& s,
                         const std::vector<int64_t>& deputy_ids, const NewItem& item);
void UpdateDraft(pqxx::work& tx, int64_t id, const minyi::suggestions::v1::Suggestion& s,
                 const std::vector<int64_t>& deputy_ids);
// The whole resource: submitters, answer and commitments, co-unit opinions, contacts, rating, merged and
// linked items, the latest extension request and the funded amount. `for_update` locks the row. Without
// `details` only the row and its submitters are read (a new item has nothing else yet).
std::optional<Record> LoadSuggestion(pqxx::transaction_base& tx, int64_t id, bool for_update = false,
                                     bool details = true);

// Names the co-signers of joint draft `id`, in order: those no longer named are dropped, new ones invited,
// and with `reinvite` every one is asked again. The lead submitter must be in place (InsertSuggestion,
// UpdateDraft); the confirmed co-signers follow it as submitters.
void SetCoSigners(pqxx::work& tx, int64_t id, const std::vector<int64_t>& deputy_ids, bool reinvite);
// A co-signer's answer; the submitters follow it.
void SetCoSignerState(pqxx::work& tx, int64_t id, int64_t deputy_id, minyi::suggestions::v1::CoSignerState state);
// On submission: drops the co-signers who have not confirmed; returns them ("deputies/{id}", by id).
std::vector<std::string> DropUnconfirmedCoSigners(pqxx::work& tx, int64_t id);

void SetState(pqxx::work& tx, int64_t id, minyi::suggestions::v1::SuggestionState state);
void MarkSubmitted(pqxx::work& tx, int64_t id, const std::string& today, const std::vector<int64_t>& band_keys);
// Items waiting for band keys added since they were indexed (migration 007): up to `limit`, taken off the
// queue; InsertBands adds keys an item may partly have already.
struct ReindexItem {
  int64_t id = 0;
  std::string title = "";
  std::string body = "";
};
std::vector<ReindexItem> ClaimReindex(pqxx::work& tx, int limit);
void InsertBands(pqxx::work& tx, int64_t id, const std::vector<int64_t>& band_keys);
void SetRejected(pqxx::work& tx, int64_t id, const std::string& reason);
// Marks `id` merged into `into`, which gains its submitters.
void SetMerged(pqxx::work& tx, int64_t id, int64_t into);
void SetAssigned(pqxx::work& tx, int64_t id, const std::string& lead, const std::vector<std::string>& co_units,
                 const std::string& assigned_on, const std::string& deadline);
void SetDeadline(pqxx::work& tx, int64_t id, const std::string& deadline);
void SetReopened(pqxx::work& tx, int64_t id, int round, const std::string& deadline);
void SetLevel(pqxx::work& tx, int64_t id, minyi::suggestions::v1::OpinionLevel level);
void SetLinked(pqxx::work& tx, int64_t opinion_id, int64_t into);
void SetKeySupervision(pqxx::work& tx, int64_t id, bool on);
void SetShowcased(pqxx::work& tx, int64_t id);

void InsertContact(pqxx::work& tx, int64_t id, int round, const std::string& department,
                   const minyi::suggestions::v1::ContactRecord& contact, const std::string& actor);
// False when the co-unit already sent its opinion this round.
bool InsertCoUnitOpinion(pqxx::work& tx, int64_t id, int round, const std::string& department, const std::string& text,
                         const std::string& actor);
void InsertAnswer(pqxx::work& tx, int64_t id, int round, const minyi::suggestions::v1::Answer& answer,
                  const std::string& department, bool on_time, const std::string& today, const std::string& actor);
void InsertRating(pqxx::work& tx, int64_t id, int round, const minyi::suggestions::v1::Rating& rating,
                  const std::string& actor);

// False when a request is already pending.
bool InsertExtensionRequest(pqxx::work& tx, int64_t id, int months, const std::string& reason,
                            const std::string& actor);
// The pending request's months, or nullopt when none is pending; marks it decided.
std::optional<int> ResolveExtensionRequest(pqxx::work& tx, int64_t id, bool approve, const std::string& reason,
                                           const std::string& actor);

struct TransitionRow {
  int64_t suggestion_id = 0;
  std::string action = "";
  minyi::suggestions::v1::SuggestionState from = minyi::suggestions::v1::SUGGESTION_STATE_UNSPECIFIED;
  minyi::suggestions::v1::SuggestionState to = minyi::suggestions::v1::SUGGESTION_STATE_UNSPECIFIED;
  std::string actor = "";
  std::string actor_role = "";
  std::string reason = "";
  std::string detail = "";
};
void AppendTransition(pqxx::work& tx, const TransitionRow& row);
std::vector<minyi::suggestions::v1::TimelineEntry> SelectTimeline(pqxx::transaction_base& tx, int64_t id);

// Duplicate candidates: items sharing a band key with `band_keys`, most shared bands first, open only. Each
// is read as a whole row (without details), so the visibility rule can be applied to it.
struct Candidate {
  Record record;
};
std::vector<Candidate> SelectCandidates(pqxx::transaction_base& tx, const std::vector<int64_t>& band_keys,
                                        int64_t exclude_id, int limit);

struct ListQuery {
  int64_t after_id = 0;
  int limit = 50;
  std::string state = "";       // enum name or ""
  std::string kind = "";        // enum name or ""
  std::string department = "";  // lead or co-unit, or ""
  // A deputy reading: items they submitted or entered, and the submitted citizens' opinions of `stations`
  // (as the visibility rule in visibility.h has it); 0 for no deputy filter.
  int64_t deputy_id = 0;
  std::vector<int64_t> stations = {};
  std::string citizen_account = "";  // or ""
  bool key_supervision_only = false;
  bool showcased_only = false;
};
std::vector<Record> SelectSuggestions(pqxx::transaction_base& tx, const ListQuery& query);

// Search results rank an item whose title holds every word above one that needs its body, then newer
// above older; a page cursor is the last hit's RankKey, so ranks and ids order one key.
inline constexpr int64_t kTitleRank = int64_t{1} << 62;
struct SearchHit {
  Record record;
  bool title_hit = false;
  int64_t RankKey() const { return title_hit ? kTitleRank + record.id : record.id; }
};
// The items `query` lists (its after_id a RankKey, or 0) that hold every one of `terms` (SearchTerms),
// best first.
std::vector<SearchHit> SearchSuggestions(pqxx::transaction_base& tx, const ListQuery& query,
                                         const std::vector<std::string>& terms);
// Gives up to `limit` items without search words (written before they were kept, or by an older replica)
// their words; returns how many.
int IndexUnindexed(pqxx::work& tx, int limit);

// `group_by` is department, delegation, deputy or period.
std::vector<minyi::suggestions::v1::StatsRow> SelectStats(pqxx::transaction_base& tx, const std::string& group_by,
                                                          const std::string& start_date, const std::string& end_date,
                                                          const std::string& today);

struct CommitmentQuery {
  int64_t after_id = 0;
  int limit = 50;
  std::string department = "";
  bool open_only = false;
  std::string due_before = "";
};
std::vector<minyi::suggestions::v1::Commitment> SelectCommitments(pqxx::transaction_base& tx,
                                                                  const CommitmentQuery& query);
std::optional<minyi::suggestions::v1::Commitment> LoadCommitment(pqxx::transaction_base& tx, int64_t id,
                                                                 bool for_update = false);
void InsertCommitmentCheck(pqxx::work& tx, int64_t id, const minyi::suggestions::v1::CommitmentCheck& check,
                           const std::string& today, const std::string& actor);

minyi::suggestions::v1::RoutingRules LoadRoutingRules(pqxx::transaction_base& tx);
// The setting's name, which its revision (etag) is kept under.
inline constexpr char kRoutingRulesName[] = "routingRules";
void ReplaceRoutingRules(pqxx::work& tx, const minyi::suggestions::v1::RoutingRules& rules);

// False when the year's fund exists already.
bool InsertFund(pqxx::work& tx, int year, int64_t total_fen, const std::string& actor);
std::optional<minyi::suggestions::v1::Fund> LoadFund(pqxx::transaction_base& tx, int year);
// Takes `amount` from the fund; false (and nothing changed) when the balance is short or the fund is missing.
bool AllocateFromFund(pqxx::work& tx, int year, int64_t id, int64_t amount_fen, const std::string& note,
                      const std::string& actor);

WorkingCalendar LoadCalendar(pqxx::transaction_base& tx, const std::string& from, const std::string& to);
minyi::suggestions::v1::HolidayCalendar LoadCalendarYear(pqxx::transaction_base& tx, int year);
void ReplaceCalendarYear(pqxx::work& tx, int year, const std::vector<minyi::suggestions::v1::CalendarDay>& days);

// Items under handling with a reminder still to announce on `today`: the most urgent threshold their
// deadline has reached (overdue, else the smallest reminder day not below the days left) is not yet
// recorded. Locked and skipped by other replicas' sweepers. Items already told all they can be told on
// `today` are not returned, so a batch never fills with them.
struct DueItem {
  int64_t id = 0;
  int round = 1;
  std::string deadline = "";
};
std::vector<DueItem> LockDueItems(pqxx::work& tx, absl::CivilDay today, const std::vector<int>& reminders, int limit);
// True when this threshold had not been recorded for the item's round and deadline.
bool RecordAlert(pqxx::work& tx, const DueItem& item, int threshold);

// Blanks the call-back number on every opinion of the citizen ("accounts/{id}") whose account closed;
// returns how many opinions held one.
int EraseCitizenContact(pqxx::work& tx, const std::string& citizen_account);

}  // namespace minyi::suggestions
