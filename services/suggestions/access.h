#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/auth.h"
#include "common/command.h"
#include "common/service_client.h"
#include "minyi/deputies/v1/deputies.grpc.pb.h"
#include "minyi/suggestions/v1/suggestions.pb.h"
#include "pqxx/pqxx"
#include "suggestions/dedup.h"
#include "suggestions/store.h"

// What every handler of the service shares: reading an item as the caller may (visibility.h's rule, with a
// deputy's stations asked of the deputies service when the rule needs them), similar items, and the small
// checks of names and reasons.
namespace minyi::suggestions {

// Duplicate hints on submission: this many items of at least this score.
inline constexpr int kSubmitHintSize = 5;
inline constexpr double kDefaultMinScore = 0.3;

// A caller, and their current stations once the visibility rule has needed them: asked of the deputies
// service at most once per request, and only for a deputy looking at a citizen's opinion.
struct Reader {
  Caller caller;
  std::optional<std::vector<std::string>> stations = std::nullopt;
};

// The deputies service as the visibility rule and opinion entry need it, and the MinHasher similar items
// are found with.
class Access final {
 public:
  // `deputies` reaches the deputies service, which owns stations and the duty rota, with this service's
  // own `credentials`.
  Access(std::shared_ptr<grpc::ChannelInterface> deputies, ServiceCredentials& credentials);

  const MinHasher& hasher() const { return hasher_; }

  // Fills `reader.stations` if it is not yet known.
  absl::Status LookUpStations(Reader& reader);
  // CanRead (visibility.h), with the stations looked up when the rule needs them.
  absl::StatusOr<bool> MayRead(Reader& reader, const minyi::suggestions::v1::Suggestion& s);
  // The item, when the reader may read it; NOT_FOUND, exactly as for a missing item, when they may not.
  absl::StatusOr<Record> LoadVisible(pqxx::transaction_base& tx, Reader& reader, int64_t id, bool for_update = false);
  // OK when the deputy reading may enter a citizen's opinion at `station`: a serving deputy who belongs to
  // it, or is on its duty rota today.
  absl::Status CheckEntersAt(Reader& reader, const std::string& station);
  // The most similar open items to `text` (whose band keys are `band_keys`) that the reader may read,
  // best first, excluding `self`.
  absl::StatusOr<std::vector<minyi::suggestions::v1::SimilarItem>> Similar(pqxx::transaction_base& tx, Reader& reader,
                                                                           const TitledText& text,
                                                                           const std::vector<int64_t>& band_keys,
                                                                           int64_t self, double min_score, int limit);

 private:
  // The registry's record of a deputy caller; nullopt for a caller bound to no deputy the registry knows.
  absl::StatusOr<std::optional<minyi::deputies::v1::Deputy>> RegisteredDeputy(const Caller& caller);

  MinHasher hasher_;
  std::unique_ptr<minyi::deputies::v1::Deputies::Stub> deputies_;
  ServiceCredentials& credentials_;
};

// The id of a suggestion named in `field`.
absl::StatusOr<int64_t> ParseName(absl::string_view name, absl::string_view field = "name");
absl::Status CheckReason(absl::string_view reason, bool required);
// The text routing rules match: title and body.
std::string DedupText(const minyi::suggestions::v1::Suggestion& s);
// The text duplicates are found by (a view of `s`, valid while it is).
TitledText TextOf(const minyi::suggestions::v1::Suggestion& s);

// The fields every event about an item carries for the people concerned.
template <typename Event>
void SetConcerned(Event& e, const minyi::suggestions::v1::Suggestion& s) {
  e.set_reference(s.name());
  e.set_title(s.title());
  *e.mutable_deputies() = s.deputies();
}

// `event`, which carries what is particular to it, emitted about item `s` to the people concerned and to
// the citizen who raised it.
template <typename Event>
void EmitToConcerned(Change& change, const minyi::suggestions::v1::Suggestion& s, Event event) {
  SetConcerned(event, s);
  event.set_citizen_account(s.citizen_account());
  change.Emit(event, s.name());
}

}  // namespace minyi::suggestions
