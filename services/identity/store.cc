#include "identity/store.h"

#include "absl/strings/str_cat.h"
#include "common/query.h"
#include "google/protobuf/util/time_util.h"
#include "identity/account.h"

namespace minyi::identity {
namespace {

using ::minyi::identity::v1::Account;

// Every account read selects these columns; AccountFromRow reads them by name.
constexpr absl::string_view kAccountColumns =
    "id, username, display_name, role, deputy, department, "
    "(extract(epoch FROM create_time) * 1000000)::bigint AS create_us, password_hash, disabled, "
    "password_change_required, token_version, phone, closed";

Account AccountFromRow(const pqxx::row& row) {
  Account a;
  a.set_name(AccountName(row["id"].as<int64_t>()));
  a.set_username(row["username"].as<std::string>());
  a.set_display_name(row["display_name"].as<std::string>());
  a.set_role(ParseEnum(row["role"], &minyi::common::v1::Role_Parse));
  a.set_deputy(row["deputy"].as<std::string>());
  a.set_department(row["department"].as<std::string>());
  *a.mutable_create_time() = google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(row["create_us"].as<int64_t>());
  a.set_disabled(row["disabled"].as<bool>());
  a.set_password_change_required(row["password_change_required"].as<bool>());
  a.set_phone(row["phone"].as<std::string>());
  a.set_closed(row["closed"].as<bool>());
  return a;
}

StoredAccount StoredFromRow(const pqxx::row& row) {
  return StoredAccount{row["id"].as<int64_t>(), AccountFromRow(row), row["password_hash"].as<std::string>(),
                       row["token_version"].as<int64_t>()};
}

}  // namespace

std::vector<PreparedStatement> Statements() { return QueriesOf("identity_"); }

const Query kFindByUsername{"identity_find_by_username",
                            absl::StrCat("SELECT ", kAccountColumns, " FROM accounts WHERE username = $1")};

std::optional<StoredAccount> FindAccountByUsername(pqxx::transaction_base& tx, const std::string& username) {
  return FirstRow(tx, kFindByUsername, StoredFromRow, username);
}

const Query kLoadAccount{"identity_load_account",
                         absl::StrCat("SELECT ", kAccountColumns, " FROM accounts WHERE id = $1")};

std::optional<StoredAccount> LoadStoredAccount(pqxx::transaction_base& tx, int64_t id) {
  return FirstRow(tx, kLoadAccount, StoredFromRow, id);
}

std::optional<Account> LoadAccount(pqxx::transaction_base& tx, int64_t id) {
  return FirstRow(tx, kLoadAccount, AccountFromRow, id);
}

const Query kInsertAccount{
    "identity_insert_account",
    absl::StrCat("INSERT INTO accounts (username, display_name, role, deputy, department, password_hash, "
                 "password_change_required, phone) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
                 "ON CONFLICT (username) DO NOTHING RETURNING ",
                 kAccountColumns)};

std::optional<Account> InsertAccount(pqxx::work& tx, const Account& account, const std::string& password_hash,
                                     bool password_change_required) {
  return FirstRow(tx, kInsertAccount, AccountFromRow, account.username(), account.display_name(),
                  minyi::common::v1::Role_Name(account.role()), account.deputy(), account.department(), password_hash,
                  password_change_required, account.phone());
}

const Query kFindByPhone{"identity_find_by_phone",
                         absl::StrCat("SELECT ", kAccountColumns, " FROM accounts WHERE phone = $1 AND phone <> ''")};

std::optional<StoredAccount> FindAccountByPhone(pqxx::transaction_base& tx, const std::string& phone) {
  return FirstRow(tx, kFindByPhone, StoredFromRow, phone);
}

const Query kDeputyHasActive{"identity_deputy_has_active_account",
                             "SELECT 1 FROM accounts WHERE deputy = $1 AND NOT disabled"};

bool DeputyHasActiveAccount(pqxx::transaction_base& tx, const std::string& deputy) {
  return !tx.exec_prepared(kDeputyHasActive, deputy).empty();
}

namespace {

std::optional<int64_t> VersionOf(const pqxx::result& r) {
  if (r.empty()) {
    return std::nullopt;
  }
  return r[0][0].as<int64_t>();
}

}  // namespace

const Query kSetPassword{
    "identity_set_password",
    "UPDATE accounts SET password_hash = $2, password_change_required = $3, token_version = token_version + 1 "
    "WHERE id = $1 RETURNING token_version"};

std::optional<int64_t> SetPassword(pqxx::work& tx, int64_t id, const std::string& password_hash,
                                   bool password_change_required) {
  return VersionOf(tx.exec_prepared(kSetPassword, id, password_hash, password_change_required));
}

const Query kSetDisabled{
    "identity_set_disabled",
    absl::StrCat("UPDATE accounts SET disabled = $2, "
                 "token_version = token_version + CASE WHEN $2 THEN 1 ELSE 0 END WHERE id = $1 RETURNING ",
                 kAccountColumns)};

std::optional<StoredAccount> SetDisabled(pqxx::work& tx, int64_t id, bool disabled) {
  return FirstRow(tx, kSetDisabled, StoredFromRow, id, disabled);
}

const Query kSetDisplayName{
    "identity_set_display_name",
    absl::StrCat("UPDATE accounts SET display_name = $2 WHERE id = $1 AND NOT closed RETURNING ", kAccountColumns)};

std::optional<Account> SetDisplayName(pqxx::work& tx, int64_t id, const std::string& display_name) {
  return FirstRow(tx, kSetDisplayName, AccountFromRow, id, display_name);
}

// The user name may be a person's (a chosen one); the erased account keeps only its id, role and dates.
const Query kCloseAccount{
    "identity_close_account",
    absl::StrCat("UPDATE accounts SET closed = true, disabled = true, username = 'closed.' || id, "
                 "display_name = '', phone = '', password_hash = '', "
                 "token_version = token_version + 1 WHERE id = $1 AND NOT closed RETURNING ",
                 kAccountColumns)};

std::optional<StoredAccount> CloseAccount(pqxx::work& tx, int64_t id) {
  return FirstRow(tx, kCloseAccount, StoredFromRow, id);
}

const Query kBumpVersion{"identity_bump_token_version",
                         "UPDATE accounts SET token_version = token_version + 1 WHERE id = $1 RETURNING token_version"};

std::optional<int64_t> BumpTokenVersion(pqxx::work& tx, int64_t id) {
  return VersionOf(tx.exec_prepared(kBumpVersion, id));
}

const Query kInsertRevocation{"identity_insert_revocation",
                              "INSERT INTO token_revocations (account_id, min_version, token_id, until) "
                              "VALUES ($1, $2, NULLIF($3, ''), to_timestamp($4))"};

void InsertRevocation(pqxx::work& tx, int64_t account_id, const Revocation& revocation) {
  std::optional<int64_t> min_version;
  if (revocation.token_id.empty()) {
    min_version = revocation.min_version;
  }
  tx.exec_prepared(kInsertRevocation, account_id, min_version, revocation.token_id,
                   absl::ToUnixSeconds(revocation.until));
}

const Query kActiveRevocations{
    "identity_active_revocations",
    "SELECT account_id, coalesce(min_version, 0) AS min_version, coalesce(token_id, '') AS token_id, "
    "extract(epoch FROM until)::bigint AS until FROM token_revocations WHERE until > now() ORDER BY id"};

std::vector<Revocation> ActiveRevocations(pqxx::transaction_base& tx) {
  std::vector<Revocation> out;
  for (const pqxx::row& row : tx.exec_prepared(kActiveRevocations)) {
    out.push_back(Revocation{.account_id = row["account_id"].as<std::string>(),
                             .min_version = row["min_version"].as<int64_t>(),
                             .token_id = row["token_id"].as<std::string>(),
                             .until = absl::FromUnixSeconds(row["until"].as<int64_t>())});
  }
  return out;
}

const Query kPurgeRevocations{"identity_purge_revocations",
                              "DELETE FROM token_revocations WHERE until < now() - interval '1 day'"};

int PurgeRevocations(pqxx::work& tx) { return static_cast<int>(tx.exec_prepared(kPurgeRevocations).affected_rows()); }

const Query kUpsertCode{"identity_upsert_phone_code",
                        "INSERT INTO phone_codes (phone_key, purpose, code_hash, expire_time) "
                        "VALUES ($1, $2, $3, to_timestamp($4::double precision / 1000000)) "
                        "ON CONFLICT (phone_key, purpose) DO UPDATE SET code_hash = EXCLUDED.code_hash, "
                        "expire_time = EXCLUDED.expire_time, failed_attempts = 0, used = false"};

void UpsertPhoneCode(pqxx::work& tx, const std::string& phone_key, const std::string& purpose,
                     const std::string& code_hash, absl::Time expire_time) {
  tx.exec_prepared(kUpsertCode, phone_key, purpose, code_hash, absl::ToUnixMicros(expire_time));
}

const Query kLockCode{"identity_lock_phone_code",
                      "SELECT code_hash, (extract(epoch FROM expire_time) * 1000000)::bigint AS expire_us, "
                      "failed_attempts, used FROM phone_codes WHERE phone_key = $1 AND purpose = $2 FOR UPDATE"};

std::optional<StoredCode> LockPhoneCode(pqxx::work& tx, const std::string& phone_key, const std::string& purpose) {
  return FirstRow(
      tx, kLockCode,
      [](const pqxx::row& row) {
        return StoredCode{.code_hash = row["code_hash"].as<std::string>(),
                          .expire_time = absl::FromUnixMicros(row["expire_us"].as<int64_t>()),
                          .failed_attempts = row["failed_attempts"].as<int>(),
                          .used = row["used"].as<bool>()};
      },
      phone_key, purpose);
}

const Query kSpendCode{"identity_spend_phone_code",
                       "UPDATE phone_codes SET used = used OR $3, failed_attempts = failed_attempts + "
                       "CASE WHEN $3 THEN 0 ELSE 1 END WHERE phone_key = $1 AND purpose = $2"};

void SpendPhoneCode(pqxx::work& tx, const std::string& phone_key, const std::string& purpose, bool accepted) {
  tx.exec_prepared(kSpendCode, phone_key, purpose, accepted);
}

const Query kPurgeCodes{"identity_purge_phone_codes",
                        "DELETE FROM phone_codes WHERE expire_time < now() - interval '1 day'"};

int PurgePhoneCodes(pqxx::work& tx) { return static_cast<int>(tx.exec_prepared(kPurgeCodes).affected_rows()); }

// Empty filters match everything; the lists arrive as JSON arrays of strings.
const Query kListAccounts{
    "identity_list_accounts",
    absl::StrCat("SELECT ", kAccountColumns,
                 " FROM accounts WHERE id > $1 AND NOT disabled AND ($2 = '' OR role = $2)"
                 " AND ($3::jsonb = '[]'::jsonb OR deputy IN (SELECT jsonb_array_elements_text($3::jsonb)))"
                 " AND ($4::jsonb = '[]'::jsonb OR department IN (SELECT jsonb_array_elements_text($4::jsonb)))"
                 " ORDER BY id LIMIT $5")};

std::vector<std::pair<int64_t, Account>> ListAccounts(pqxx::transaction_base& tx, const AccountFilter& filter) {
  const std::string role =
      filter.role == minyi::common::v1::ROLE_UNSPECIFIED ? "" : minyi::common::v1::Role_Name(filter.role);
  pqxx::result r = tx.exec_prepared(kListAccounts, filter.after_id, role, nlohmann::json(filter.deputies).dump(),
                                    nlohmann::json(filter.departments).dump(), filter.limit);
  std::vector<std::pair<int64_t, Account>> out;
  out.reserve(r.size());
  for (const pqxx::row& row : r) {
    out.emplace_back(row["id"].as<int64_t>(), AccountFromRow(row));
  }
  return out;
}

}  // namespace minyi::identity
