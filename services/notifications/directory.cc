#include "notifications/directory.h"

#include <algorithm>
#include <chrono>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/names.h"
#include "common/service_client.h"
#include "common/status.h"
#include "grpcpp/grpcpp.h"

namespace minyi::notifications {
namespace {

constexpr int kPageSize = 1000;
// The identity filter takes at most this many deputies or departments per call.
constexpr size_t kMaxFilterValues = 1000;

}  // namespace

Directory::Directory(std::shared_ptr<grpc::Channel> identity, std::shared_ptr<grpc::Channel> deputies,
                     ServiceCredentials& credentials, absl::Duration ttl)
    : identity_(minyi::identity::v1::Identity::NewStub(identity)),
      deputies_(minyi::deputies::v1::Deputies::NewStub(deputies)),
      credentials_(credentials),
      ttl_(ttl) {}

absl::StatusOr<std::vector<std::string>> Directory::Lookup(
    Kind kind, const std::vector<std::string>& keys,
    const std::function<absl::StatusOr<absl::flat_hash_map<std::string, std::vector<std::string>>>(
        const std::vector<std::string>& missing)>& fetch) {
  std::vector<std::string> out;
  std::vector<std::string> missing;
  {
    absl::MutexLock lock(&mu_);
    const absl::Time now = absl::Now();
    for (const std::string& key : keys) {
      auto it = cache_.find(Key{kind, key});
      if (it != cache_.end() && it->second.expires > now) {
        out.insert(out.end(), it->second.values.begin(), it->second.values.end());
      } else {
        missing.push_back(key);
      }
    }
  }
  for (size_t begin = 0; begin < missing.size(); begin += kMaxFilterValues) {
    const std::vector<std::string> chunk(missing.begin() + begin,
                                         missing.begin() + std::min(missing.size(), begin + kMaxFilterValues));
    absl::StatusOr<absl::flat_hash_map<std::string, std::vector<std::string>>> fetched = fetch(chunk);
    if (!fetched.ok()) {
      return fetched.status();
    }
    absl::MutexLock lock(&mu_);
    const absl::Time expires = absl::Now() + ttl_;
    for (const std::string& key : chunk) {
      auto it = fetched->find(key);
      std::vector<std::string> values = it == fetched->end() ? std::vector<std::string>() : it->second;
      out.insert(out.end(), values.begin(), values.end());
      cache_[Key{kind, key}] = Entry{expires, std::move(values)};  // "nobody" is cached too
    }
  }
  return out;
}

absl::StatusOr<absl::flat_hash_map<std::string, std::vector<std::string>>> Directory::ListAccounts(
    const std::function<void(minyi::identity::v1::ListAccountsRequest&)>& fill,
    const std::function<std::string(const minyi::identity::v1::Account&)>& group_of) {
  absl::flat_hash_map<std::string, std::vector<std::string>> out;
  minyi::identity::v1::ListAccountsRequest request;
  fill(request);
  request.set_page_size(kPageSize);
  do {
    minyi::identity::v1::ListAccountsResponse response;
    grpc::Status st = identity_->ListAccounts(credentials_.Context("identity").get(), request, &response);
    if (!st.ok()) {
      return FromGrpc(st, "identity ListAccounts");
    }
    for (const minyi::identity::v1::Account& account : response.accounts()) {
      out[group_of(account)].push_back(account.name());
    }
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
  return out;
}

absl::StatusOr<std::vector<std::string>> Directory::AccountsOfDepartments(const std::vector<std::string>& departments) {
  return Lookup(Kind::kDepartment, departments, [&](const std::vector<std::string>& missing) {
    return ListAccounts(
        [&](minyi::identity::v1::ListAccountsRequest& r) {
          r.set_role(minyi::common::v1::ROLE_DEPARTMENT);
          for (const std::string& d : missing) {
            r.add_departments(d);
          }
        },
        [](const minyi::identity::v1::Account& a) { return a.department(); });
  });
}

absl::StatusOr<std::vector<std::string>> Directory::AccountsOfDeputies(const std::vector<std::string>& deputies) {
  return Lookup(Kind::kDeputy, deputies, [&](const std::vector<std::string>& missing) {
    return ListAccounts(
        [&](minyi::identity::v1::ListAccountsRequest& r) {
          r.set_role(minyi::common::v1::ROLE_DEPUTY);
          for (const std::string& d : missing) {
            r.add_deputies(d);
          }
        },
        [](const minyi::identity::v1::Account& a) { return a.deputy(); });
  });
}

absl::StatusOr<std::vector<std::string>> Directory::AccountsWithRole(minyi::common::v1::Role role) {
  const std::string name = minyi::common::v1::Role_Name(role);
  return Lookup(Kind::kRole, {name}, [&](const std::vector<std::string>&) {
    return ListAccounts([&](minyi::identity::v1::ListAccountsRequest& r) { r.set_role(role); },
                        [&](const minyi::identity::v1::Account&) { return name; });
  });
}

absl::StatusOr<std::vector<std::string>> Directory::MembersOfStation(const std::string& station) {
  using Members = absl::flat_hash_map<std::string, std::vector<std::string>>;
  return Lookup(Kind::kStation, {station}, [&](const std::vector<std::string>&) -> absl::StatusOr<Members> {
    Members out;
    std::vector<std::string>& members = out[station];
    minyi::deputies::v1::ListDeputiesRequest request;
    request.set_station(station);
    request.set_status(minyi::deputies::v1::DEPUTY_STATUS_SERVING);
    request.set_page_size(200);
    do {
      minyi::deputies::v1::ListDeputiesResponse response;
      grpc::Status st = deputies_->ListDeputies(credentials_.Context("deputies").get(), request, &response);
      if (st.error_code() == grpc::StatusCode::INVALID_ARGUMENT || st.error_code() == grpc::StatusCode::NOT_FOUND) {
        return absl::NotFoundError(station);  // the deputies service knows no such station
      }
      if (!st.ok()) {
        return FromGrpc(st, "deputies ListDeputies");
      }
      for (const minyi::deputies::v1::Deputy& d : response.deputies()) {
        members.push_back(d.name());
      }
      request.set_page_token(response.next_page_token());
    } while (!request.page_token().empty());
    return out;
  });
}

absl::StatusOr<std::vector<std::string>> Directory::UnknownDeputies(const std::vector<std::string>& deputies) {
  std::vector<std::string> unknown;
  std::vector<std::string> names;
  for (const std::string& d : deputies) {
    (ParseResourceId(d, "deputies/", "deputies").ok() ? names : unknown).push_back(d);
  }
  if (names.empty()) {
    return unknown;
  }
  using Found = absl::flat_hash_map<std::string, std::vector<std::string>>;
  absl::StatusOr<std::vector<std::string>> existing =
      Lookup(Kind::kDeputyExists, names, [&](const std::vector<std::string>& missing) -> absl::StatusOr<Found> {
        minyi::deputies::v1::BatchGetDeputyStatusesRequest request;
        for (const std::string& d : missing) {
          request.add_names(d);
        }
        minyi::deputies::v1::BatchGetDeputyStatusesResponse response;
        grpc::Status st = deputies_->BatchGetDeputyStatuses(credentials_.Context("deputies").get(), request, &response);
        if (!st.ok()) {
          return FromGrpc(st, "deputies BatchGetDeputyStatuses");
        }
        Found out;
        for (const minyi::deputies::v1::DeputyStatusEntry& e : response.deputies()) {
          out[e.name()] = {e.name()};
        }
        return out;
      });
  if (!existing.ok()) {
    return existing.status();
  }
  const absl::flat_hash_set<std::string> found(existing->begin(), existing->end());
  for (const std::string& d : names) {
    if (!found.contains(d)) {
      unknown.push_back(d);
    }
  }
  return unknown;
}

}  // namespace minyi::notifications
