#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "common/migrate.h"
#include "common/pg.h"
#include "common/revocation.h"
#include "identity/phone_code.h"
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
  minyi::identity::v1::Account account;  // `disabled` and `password_change_required` included
  std::string password_hash;
  int64_t token_version = 0;
};

std::optional<StoredAccount> FindAccountByUsername(pqxx::transaction_base& tx, const std::string& username);
// The account with this verified mobile number.
std::optional<StoredAccount> FindAccountByPhone(pqxx::transaction_base& tx, const std::string& phone);
std::optional<StoredAccount> LoadStoredAccount(pqxx::transaction_base& tx, int64_t id);
std::optional<minyi::identity::v1::Account> LoadAccount(pqxx::transaction_base& tx, int64_t id);
// nullopt when the username is taken. A second active account for the same deputy violates
// accounts_one_active_per_deputy (the caller checks DeputyHasActiveAccount first for a clear answer).
std::optional<minyi::identity::v1::Account> InsertAccount(pqxx::work& tx, const minyi::identity::v1::Account& account,
                                                          const std::string& password_hash,
                                                          bool password_change_required);
bool DeputyHasActiveAccount(pqxx::transaction_base& tx, const std::string& deputy);

// Sets the password hash and whether it must be changed at the next sign-in, and bumps the token version;
// returns the new version (nullopt when the account does not exist).
std::optional<int64_t> SetPassword(pqxx::work& tx, int64_t id, const std::string& password_hash,
                                   bool password_change_required);
// Disables (bumping the token version) or enables the account; the account after, nullopt when missing.
std::optional<StoredAccount> SetDisabled(pqxx::work& tx, int64_t id, bool disabled);
// The account after its display name is set; nullopt when missing or closed.
std::optional<minyi::identity::v1::Account> SetDisplayName(pqxx::work& tx, int64_t id, const std::string& display_name);
// Closes the account and erases its personal data (user name, display name, number, password hash),
// bumping the token version; the account after, nullopt when missing or closed already.
std::optional<StoredAccount> CloseAccount(pqxx::work& tx, int64_t id);
// Bumps the token version (every session ended); the new version.
std::optional<int64_t> BumpTokenVersion(pqxx::work& tx, int64_t id);

// Revocations: written with the change that causes them, read back by the mirror into Redis.
void InsertRevocation(pqxx::work& tx, int64_t account_id, const Revocation& revocation);
// Every revocation whose `until` has not passed.
std::vector<Revocation> ActiveRevocations(pqxx::transaction_base& tx);
// Deletes revocations that ended more than a day ago; how many.
int PurgeRevocations(pqxx::work& tx);

// One-time codes (identity/phone_code.h), by the keyed hash of the number and the purpose's enum name.
// Stores a new code for the number and purpose, replacing the last one with its tries.
void UpsertPhoneCode(pqxx::work& tx, const std::string& phone_key, const std::string& purpose,
                     const std::string& code_hash, absl::Time expire_time);
// The code last sent, locked until the transaction ends so two tries of one code are judged one by one.
std::optional<StoredCode> LockPhoneCode(pqxx::work& tx, const std::string& phone_key, const std::string& purpose);
// Marks the code used (`accepted`) or counts one wrong try.
void SpendPhoneCode(pqxx::work& tx, const std::string& phone_key, const std::string& purpose, bool accepted);
// Deletes codes expired more than a day ago; how many.
int PurgePhoneCodes(pqxx::work& tx);

struct AccountFilter {
  int64_t after_id = 0;
  int limit = 0;
  minyi::common::v1::Role role = minyi::common::v1::ROLE_UNSPECIFIED;  // unspecified: any
  std::vector<std::string> deputies;                                   // empty: any
  std::vector<std::string> departments;                                // empty: any
};
// Active accounts matching every filter, in id order, with their ids.
std::vector<std::pair<int64_t, minyi::identity::v1::Account>> ListAccounts(pqxx::transaction_base& tx,
                                                                           const AccountFilter& filter);

}  // namespace minyi::identity
