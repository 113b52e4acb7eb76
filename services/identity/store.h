#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/migrate.h"
#include "common/pg.h"
#include "minyi/identity/v1/identity.pb.h"
#include "nlohmann/json.hpp"
#include "pqxx/pqxx"

// The identity schema's SQL. Every function runs inside the caller's transaction and lets libpqxx
// exceptions through, so PgPool::Transact maps database failures in one place.
namespace minyi::identity {

const std::vector<Migration>& Migrations();
std::vector<PreparedStatement> Statements();

struct StoredAccount {
  int64_t id = 0;
  minyi::identity::v1::Account account;
  std::string password_hash;
};

std::optional<StoredAccount> FindAccountByUsername(pqxx::transaction_base& tx, const std::string& username);
std::optional<minyi::identity::v1::Account> LoadAccount(pqxx::transaction_base& tx, int64_t id);
// nullopt when the username is taken.
std::optional<minyi::identity::v1::Account> InsertAccount(pqxx::work& tx,
                                                          const minyi::identity::v1::Account& account,
                                                          const std::string& password_hash);

struct AccountFilter {
  int64_t after_id = 0;
  int limit = 0;
  minyi::common::v1::Role role = minyi::common::v1::ROLE_UNSPECIFIED;  // unspecified: any
  std::vector<std::string> deputies;     // empty: any
  std::vector<std::string> departments;  // empty: any
};
// Accounts matching every filter, in id order, with their ids.
std::vector<std::pair<int64_t, minyi::identity::v1::Account>> ListAccounts(pqxx::transaction_base& tx,
                                                                           const AccountFilter& filter);

}  // namespace minyi::identity
