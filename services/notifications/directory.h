#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/auth.h"
#include "common/service_client.h"
#include "minyi/deputies/v1/deputies.grpc.pb.h"
#include "minyi/identity/v1/identity.grpc.pb.h"

namespace minyi::notifications {

// Resolves recipients through the services that own them: accounts of departments, deputies and roles
// from identity, a station's current members from deputies. Nothing is copied into this service's
// schema; answers are cached for `ttl`, so a burst of events for the same department costs one call.
//
// Calls carry the process's service credential (common/service_client.h).
class Directory final {
 public:
  Directory(std::shared_ptr<grpc::Channel> identity, std::shared_ptr<grpc::Channel> deputies,
            ServiceCredentials& credentials, absl::Duration ttl);

  // "accounts/{id}" of the accounts acting for each department / belonging to each deputy / holding the
  // role. UNAVAILABLE (or the callee's error) when the owning service does not answer.
  absl::StatusOr<std::vector<std::string>> AccountsOfDepartments(const std::vector<std::string>& departments);
  absl::StatusOr<std::vector<std::string>> AccountsOfDeputies(const std::vector<std::string>& deputies);
  absl::StatusOr<std::vector<std::string>> AccountsWithRole(minyi::common::v1::Role role);
  // "deputies/{id}" of the station's current members; NOT_FOUND naming the station when the deputies
  // service refuses it (a malformed name; a well-formed unknown one has no members).
  absl::StatusOr<std::vector<std::string>> MembersOfStation(const std::string& station);
  // Those of `deputies` that are not names of deputies in the registry (malformed, or no such deputy).
  absl::StatusOr<std::vector<std::string>> UnknownDeputies(const std::vector<std::string>& deputies);

 private:
  enum class Kind { kDepartment, kDeputy, kRole, kStation, kDeputyExists };
  using Key = std::pair<Kind, std::string>;
  struct Entry {
    absl::Time expires;
    std::vector<std::string> values;
  };

  // Values cached for each key; misses are fetched together by `fetch`, which returns values per key.
  absl::StatusOr<std::vector<std::string>> Lookup(
      Kind kind, const std::vector<std::string>& keys,
      const std::function<absl::StatusOr<absl::flat_hash_map<std::string, std::vector<std::string>>>(
          const std::vector<std::string>& missing)>& fetch);
  // Pages through ListAccounts with the filter set by `fill`, grouping account names by `group_of`.
  absl::StatusOr<absl::flat_hash_map<std::string, std::vector<std::string>>> ListAccounts(
      const std::function<void(minyi::identity::v1::ListAccountsRequest&)>& fill,
      const std::function<std::string(const minyi::identity::v1::Account&)>& group_of);

  std::unique_ptr<minyi::identity::v1::Identity::Stub> identity_;
  std::unique_ptr<minyi::deputies::v1::Deputies::Stub> deputies_;
  ServiceCredentials& credentials_;
  absl::Duration ttl_;
  absl::Mutex mu_;
  absl::flat_hash_map<Key, Entry> cache_ ABSL_GUARDED_BY(mu_);
};

}  // namespace minyi::notifications
